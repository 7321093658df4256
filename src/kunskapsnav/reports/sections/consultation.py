"""Remiss: the rounds that closed in the period, how many of those asked answered, and how
long the compilation took; per region, its answers to the rounds it was asked to answer."""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.consultation.models import AnswerStatus, ConsultationRound, Invitation

from . import DAYS, INTEGER, PERCENT, TEXT, Scope, bars, end_of, figures, median, section, share, table


def collect(scope: Scope) -> dict:
    end = end_of(scope.period_end)
    rounds = list(ConsultationRound.objects.filter(closes_on__range=(scope.period_start, scope.period_end))
                  .select_related("version__support").order_by("closes_on", "pk"))
    invitations = list(Invitation.objects.filter(round__in=rounds)
                       .values_list("round_id", "region_id", "answer__status"))
    asked, answered = Counter(), Counter()
    for round_id, _region, status in invitations:
        asked[round_id] += 1
        answered[round_id] += status == AnswerStatus.SUBMITTED
    round_rows = []
    for r in rounds:
        # A compilation published after the period is not yet in it (the same report made
        # again later reads the same).
        published = r.compilation_published_at
        compiled = (timezone.localtime(published).date() - r.closes_on).days if published and published <= end else None
        round_rows.append([r.version.support.title, r.closes_on.isoformat(), asked[r.pk], answered[r.pk],
                           share(answered[r.pk], asked[r.pk]), compiled])
    regions = {region.pk: region.name for region in scope.regions}
    region_asked, region_answered = Counter(), Counter()
    for _round, region_id, status in invitations:
        if region_id in regions:
            region_asked[region_id] += 1
            region_answered[region_id] += status == AnswerStatus.SUBMITTED
    region_rows = [[name, region_asked[pk], region_answered[pk], share(region_answered[pk], region_asked[pk])]
                   for pk, name in sorted(regions.items(), key=lambda item: item[1])]
    compile_days = sorted(row[5] for row in round_rows if row[5] is not None)
    all_asked, all_answered = sum(asked.values()), sum(answered.values())
    return section("remiss", _("Remisser"), [
        figures("remiss-summa", _("Remissomgångar som stängde under perioden"), [
            (_("Omgångar"), len(rounds), INTEGER), (_("Svarsfrekvens"), share(all_answered, all_asked), PERCENT),
            (_("Dagar till sammanställning (median)"), median(compile_days), DAYS)]),
        table("remiss-omgangar", _("Remissomgångar"), [
            (_("Kunskapsstöd"), TEXT), (_("Sista svarsdag"), TEXT), (_("Inbjudna"), INTEGER), (_("Svar"), INTEGER),
            (_("Svarsfrekvens"), PERCENT), (_("Dagar till sammanställning"), DAYS)], round_rows,
            note=_("Dagar från sista svarsdag till att sammanställningen publicerades.")),
        table("remiss-regioner", _("Regionernas svar"), [
            (_("Region"), TEXT), (_("Inbjudningar"), INTEGER), (_("Svar"), INTEGER), (_("Svarsfrekvens"), PERCENT)],
            region_rows, chart=bars(3)),
    ])

