"""The chain's progress: per support, how many regions were at each stage of införande at
the end of the period; per region, the median days from a version's publication to the
region's first decision on it and to its implementation (the move to follow-up); and the
national matrix, where a region's cell shows its stage only if the region shares its work."""

from collections import Counter, defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.implementation.models import STAGE_ORDER, Adoption, Decision, Stage, StageTransition

from . import DAYS, INTEGER, TEXT, Scope, bars, end_of, figures, median, section, table

NOT_SHARED = "ej delat"


def _stages_at(adoption_ids, moment) -> dict[int, str]:
    """Each adoption's stage at the moment, from its recorded moves."""
    stages: dict[int, str] = {}
    moves = (StageTransition.objects.filter(adoption_id__in=adoption_ids, at__lte=moment)
             .order_by("at", "pk").values_list("adoption_id", "new_stage"))
    for adoption_id, stage in moves:
        stages[adoption_id] = stage
    return stages


def collect(scope: Scope) -> dict:
    end = end_of(scope.period_end)
    regions = scope.regions
    region_ids = {r.pk for r in regions}
    adoptions = list(Adoption.objects.filter(region_id__in=region_ids, created_at__lte=end)
                     .exclude(successor__created_at__lte=end)
                     .values_list("pk", "region_id", "support_id", "support__title", "version__published_at",
                                  "is_public"))
    stage_of = _stages_at([a[0] for a in adoptions], end)
    reached = Counter(stage_of.get(a[0], Stage.MAPPING) for a in adoptions)
    done = reached[Stage.FOLLOW_UP] + reached[Stage.CLOSED]
    return section("inforande", _("Kedjans framsteg: införande"), [
        figures("inforande-summa", _("Vid periodens slut"), [
            (_("Pågående och avslutade införanden"), len(adoptions), INTEGER),
            (_("Förbi beslut (implementering eller senare)"), reached[Stage.IMPLEMENTATION] + done, INTEGER),
            (_("Införda (uppföljning eller avslutade)"), done, INTEGER),
            (_("Ej aktuella"), reached[Stage.NOT_RELEVANT], INTEGER)]),
        _per_support(adoptions, stage_of),
        _per_region(adoptions, regions, end),
        _matrix(adoptions, stage_of, regions),
    ], lead=_("Läget vid periodens slut, ur regionernas registrerade steg och beslut."))


def _label(stage: str) -> str:
    return str(Stage(stage).label)


def _per_support(adoptions, stage_of) -> dict:
    counted: dict[str, Counter] = defaultdict(Counter)
    for pk, _region, _support, title, _published, _public in adoptions:
        counted[title][stage_of.get(pk, Stage.MAPPING)] += 1
    stages = [*STAGE_ORDER, Stage.NOT_RELEVANT]
    rows = [[title, *(counted[title][s] for s in stages)] for title in sorted(counted)]
    return table("inforande-stod", _("Regioner per steg, per kunskapsstöd"),
                 [(_("Kunskapsstöd"), TEXT), *((_label(s), INTEGER) for s in stages)], rows,
                 chart=bars(*range(1, len(stages) + 1), stacked=True))


def _per_region(adoptions, regions, end) -> dict:
    pks = [a[0] for a in adoptions]
    first_decision = {}
    for adoption_id, day in Decision.objects.filter(adoption_id__in=pks, decided_on__lte=end.date()).order_by(
            "decided_on").values_list("adoption_id", "decided_on"):
        first_decision.setdefault(adoption_id, day)
    implemented = {}
    for adoption_id, at in StageTransition.objects.filter(adoption_id__in=pks, new_stage=Stage.FOLLOW_UP,
                                                          at__lte=end).order_by("at").values_list("adoption_id", "at"):
        implemented.setdefault(adoption_id, at.date())
    to_decision, to_implemented, count = defaultdict(list), defaultdict(list), Counter()
    for pk, region_id, _support, _title, published_at, _public in adoptions:
        count[region_id] += 1
        if published_at is None:
            continue
        published = timezone.localtime(published_at).date()
        if pk in first_decision:
            to_decision[region_id].append((first_decision[pk] - published).days)
        if pk in implemented:
            to_implemented[region_id].append((implemented[pk] - published).days)
    rows = [[r.name, count[r.pk], len(to_decision[r.pk]), median(to_decision[r.pk]), len(to_implemented[r.pk]),
             median(to_implemented[r.pk])] for r in regions]
    all_decided = [d for days in to_decision.values() for d in days]
    return table("inforande-regioner", _("Tid från publicering till beslut och till införande, per region"), [
        (_("Region"), TEXT), (_("Införanden"), INTEGER), (_("Beslutade"), INTEGER), (_("Dagar till beslut (median)"),
                                                                                      DAYS),
        (_("Införda"), INTEGER), (_("Dagar till införande (median)"), DAYS)], rows, chart=bars(3, 5),
        note=_("Beslut: regionens första registrerade beslut om versionen. Införd: flyttad till uppföljning. "
               "Riket: median %(days)s dagar till beslut.") % {"days": median(all_decided) if all_decided else "–"})


def _matrix(adoptions, stage_of, regions) -> dict:
    cells = {(support, region): (stage_of.get(pk, Stage.MAPPING), public)
             for pk, region, support, _title, _published, public in adoptions}
    titles = {support: title for _pk, _region, support, title, _published, _public in adoptions}
    rows = []
    for support, title in sorted(titles.items(), key=lambda item: item[1]):
        row = [title]
        for region in regions:
            cell = cells.get((support, region.pk))
            row.append("" if cell is None else _label(cell[0]) if cell[1] else NOT_SHARED)
        rows.append(row)
    return table("inforande-matris", _("Nationell matris"),
                 [(_("Kunskapsstöd"), TEXT), *((r.name, TEXT) for r in regions)], rows,
                 note=_("En tom ruta: regionen har inte börjat. \"ej delat\": regionen har inte delat sitt arbete."))
