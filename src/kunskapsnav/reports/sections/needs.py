"""Needs (behov, docs/needs.md): the needs for knowledge submitted in the period, by their
status now, the decision on them and their priority. Counted for the whole nation whatever
the report's scope: a need is sent for a body or an organisation, which is not always a
region's. Not suppressed: these count submissions by organisations, not patients."""

from django.utils.translation import gettext as _

from kunskapsnav.needs import selectors
from kunskapsnav.needs.models import Decision, NeedStatus, Priority

from . import INTEGER, TEXT, Scope, figures, section, table


def collect(scope: Scope) -> dict:
    counted = selectors.summary((scope.period_start, scope.period_end))
    decided = sum(counted["by_decision"].values())
    rows = ([[_("Status nu"), str(NeedStatus(value).label), n] for value, n in counted["by_status"].items()]
            + [[_("Beslut"), str(Decision(value).label), n] for value, n in counted["by_decision"].items()]
            + [[_("Prioritet"), str(Priority(value).label), n] for value, n in counted["by_priority"].items()])
    return section("behov", _("Behov av kunskap"), [
        figures("behov-nyckeltal", _("Behov i hela riket"), [
            (_("Inskickade behov"), counted["total"], INTEGER),
            (_("Av dem beslutade"), decided, INTEGER),
        ]),
        table("behov", _("Behoven som skickades in under perioden"),
              [(_("Indelning"), TEXT), (_("Värde"), TEXT), (_("Antal"), INTEGER)], rows,
              note=_("Hela riket, oavsett rapportens omfattning: ett behov skickas för ett organ eller en "
                     "organisation, inte alltid för en region. Status som den är när rapporten tas fram.")),
    ], lead=_("Behov som regioner, kommuner, professionernas och patienternas organisationer och organen har "
              "skickat in, och vad som har beslutats om dem."))
