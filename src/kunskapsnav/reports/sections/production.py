"""Production: supports published for the first time, revised and withdrawn in the period,
and those overdue for review at its end, by type and by NPO."""

from collections import Counter

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from kunskapsnav.knowledge.models import SupportType, SupportVersion, VersionStatus, VersionTransition

from . import INTEGER, TEXT, Scope, bars, end_of, figures, section, start_of, table


def collect(scope: Scope) -> dict:
    start, end = start_of(scope.period_start), end_of(scope.period_end)
    moves = (VersionTransition.objects.filter(at__range=(start, end),
                                              new_status__in=[VersionStatus.PUBLISHED, VersionStatus.WITHDRAWN])
             .values_list("new_status", "version__number", "version__support__type",
                          "version__support__owning_body__name", "version__support__owning_body__mirrors__name"))
    counts: dict[str, Counter] = {"new": Counter(), "revised": Counter(), "withdrawn": Counter()}
    by_npo: dict[str, Counter] = {"new": Counter(), "revised": Counter(), "withdrawn": Counter()}
    for status, number, type_, owner, mirrored in moves:
        what = "withdrawn" if status == VersionStatus.WITHDRAWN else ("new" if number == 1 else "revised")
        counts[what][type_] += 1
        by_npo[what][mirrored or owner] += 1
    # Valid at the period's end: published by then and not yet superseded or withdrawn then,
    # whatever became of it since.
    left_by_end = VersionTransition.objects.filter(version=OuterRef("pk"), old_status=VersionStatus.PUBLISHED,
                                                   at__lte=end)
    overdue = Counter(SupportVersion.objects.filter(published_at__lte=end, review_date__lt=scope.period_end)
                      .exclude(Exists(left_by_end)).values_list("support__type", flat=True))
    types = [t for t in SupportType if any(c[t] for c in (*counts.values(), overdue))]
    rows = [[str(t.label), counts["new"][t], counts["revised"][t], counts["withdrawn"][t], overdue[t]] for t in types]
    columns = [(_("Nya"), INTEGER), (_("Reviderade"), INTEGER), (_("Återkallade"), INTEGER)]
    owners = sorted(set().union(*by_npo.values()))
    return section("produktion", _("Produktion av kunskapsstöd"), [
        figures("produktion-summa", _("Under perioden"), [
            (_("Publicerade för första gången"), sum(counts["new"].values()), INTEGER),
            (_("Reviderade"), sum(counts["revised"].values()), INTEGER),
            (_("Återkallade"), sum(counts["withdrawn"].values()), INTEGER),
            (_("Försenade revideringar vid periodens slut"), sum(overdue.values()), INTEGER)]),
        table("produktion-typ", _("Per typ av kunskapsstöd"),
              [(_("Typ"), TEXT), *columns, (_("Försenad revidering"), INTEGER)], rows, chart=bars(1, 2, 3, 4)),
        table("produktion-organ", _("Per ägande programområde"), [(_("Programområde eller organ"), TEXT), *columns],
              [[owner, by_npo["new"][owner], by_npo["revised"][owner], by_npo["withdrawn"][owner]] for owner in owners]),
    ])
