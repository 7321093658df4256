"""Charts of the införande pages, as Vega-Lite specifications built with altair and drawn in
the page by the vendored vega-embed. Every chart has its data as a table beside it."""

import altair as alt
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import STAGE_ORDER, Stage


def progress_chart(progress) -> dict:
    """When each region reached each stage: one row per region, a mark per stage reached,
    the stage told by shape and colour both."""
    stages = [str(Stage(s).label) for s in STAGE_ORDER]
    data = [
        {"region": p.region.name, "stage": str(Stage(stage).label),
         "date": timezone.localtime(at).date().isoformat()}
        for p in progress for stage, at in p.reached.items() if stage in STAGE_ORDER
    ]
    scale = alt.Scale(domain=stages)
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_point(size=90, filled=True)
        .encode(
            x=alt.X("date:T", title=_("Datum")),
            y=alt.Y("region:N", title=None, sort=[p.region.name for p in progress]),
            color=alt.Color("stage:N", title=_("Steg"), scale=scale.copy(), sort=stages),
            shape=alt.Shape("stage:N", title=_("Steg"), scale=scale.copy(), sort=stages),
            tooltip=[alt.Tooltip("region:N", title=_("Region")), alt.Tooltip("stage:N", title=_("Steg")),
                     alt.Tooltip("date:T", title=_("Datum"))],
        )
        .properties(width="container", height=max(120, 22 * len(progress)),
                    title=_("När regionerna nådde varje steg"),
                    description=_("Diagram: när regionerna nådde varje steg. Samma uppgifter finns i tabellen."))
    )
    return chart.to_dict()
