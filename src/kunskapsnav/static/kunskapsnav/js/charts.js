// Draws every <div class="chart" data-spec="ID"> from the Vega-Lite specification in the
// <script type="application/json" id="ID"> beside it, with vega-embed's export menu (PNG, SVG).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".chart[data-spec]").forEach(function (element) {
    var spec = JSON.parse(document.getElementById(element.dataset.spec).textContent);
    vegaEmbed(element, spec, {actions: {export: true, source: false, compiled: false, editor: false}, renderer: "svg"})
      .then(function () {
        // The export menu's button is an icon only: give it a name for screen readers.
        var summary = element.querySelector("summary");
        if (summary) {
          summary.setAttribute("aria-label", element.dataset.actionsLabel);
          summary.setAttribute("title", element.dataset.actionsLabel);
        }
      });
  });
});
