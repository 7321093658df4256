// Draws every <div class="chart" data-spec="ID"> from the Vega-Lite specification in the
// <script type="application/json" id="ID"> beside it, with vega-embed's export menu (PNG, SVG).
//
// Under the site's content security policy (no 'unsafe-eval', no inline styles):
// - ast: Vega evaluates its expressions with the CSP-compliant interpreter (vega-interpreter,
//   which vega-embed's build carries) instead of compiling them with new Function;
// - defaultStyle and the tooltip's disableDefaultStyle: vega-embed and its tooltip handler
//   would inject their rules as a <style> element; they are in vega-embed-7.1.0.css instead.
//   forceActionsMenu keeps the export menu that defaultStyle would otherwise turn off.
var CHART_OPTIONS = {
  actions: {export: true, source: false, compiled: false, editor: false},
  renderer: "svg",
  ast: true,
  defaultStyle: false,
  forceActionsMenu: true,
  tooltip: {disableDefaultStyle: true}
};

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".chart[data-spec]").forEach(function (element) {
    var spec = JSON.parse(document.getElementById(element.dataset.spec).textContent);
    vegaEmbed(element, spec, CHART_OPTIONS)
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
