"""Demo införanden. Publishing the demo supports has given every region an adoption of each
national one; here Region Örebro län gets folktandvårdens ledningsgrupp and its decision
order, and a few regions have come some way with Stroke och TIA; then all 21 regions are
taken some way through six supports (demo_national_load, docs/demo.md), so that the
dashboards, the national matrix and the progress chart have a story to show. Created
through the domain functions by the accounts that would do it; texts are synthetic and say
so."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from kunskapsnav.accounts.models import User
from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.organisation import bodies
from kunskapsnav.organisation.models import BodyKind, Region

from . import routing, stages, work
from .models import STAGE_ORDER, Adoption, DecisionOutcome, DecisionRule, Gap, MeasureKind, Stage
from .selectors import current

OREBRO, UPPSALA, STOCKHOLM, GOTLAND = "18", "03", "01", "09"


def demo_implementation_loaded() -> bool:
    return DecisionRule.objects.exists()


@transaction.atomic
def demo_implementation_load() -> bool:
    if demo_implementation_loaded():
        return False
    admin = User.objects.get(username="admin")
    orebro = Region.objects.get(county_code=OREBRO)
    bodies.body_create(by=admin, kind=BodyKind.MANAGEMENT_GROUP, name=f"Folktandvårdens ledningsgrupp {orebro.name}",
                       region=orebro)
    routing.decision_order_replace(by=admin, region=orebro, rules=routing.orebro_order(orebro))
    stroke = KnowledgeSupport.objects.get(title="Stroke och TIA")
    adoption = {a.region.county_code: a for a in current(Adoption.objects.filter(support=stroke))
                .select_related("region")}
    coordinator = User.objects.get(username="samordnare-orebro")
    _come_to(adoption[OREBRO], Stage.IMPLEMENTATION, by=coordinator)
    today = timezone.localdate()
    work.action_add(by=coordinator, adoption=adoption[OREBRO], title="Utbilda akutens personal i NIHSS (demodata)",
                    owner="Verksamhetschef akutkliniken", due_on=today - datetime.timedelta(days=7))
    done = work.action_add(by=coordinator, adoption=adoption[OREBRO], title="Uppdatera rutin för trombolys (demodata)",
                           owner="Strokeenheten", due_on=today + datetime.timedelta(days=30))
    work.action_update(by=coordinator, action=done, status="klar")
    work.sharing_set(by=coordinator, adoption=adoption[OREBRO], public=True)
    _come_to(adoption[UPPSALA], Stage.DECISION, by=User.objects.get(username="samordnare-uppsala"))
    _come_to(adoption[STOCKHOLM], Stage.FOLLOW_UP, by=admin)
    stages.adoption_move(by=admin, adoption=adoption[GOTLAND], to=Stage.NOT_RELEVANT,
                         note="Strokevården ges av en annan region enligt avtal (demodata).")
    demo_national_load(admin)
    return True


def _come_to(adoption: Adoption, stage: str, *, by) -> Adoption:
    """Through the process, as far as `stage`, with what each step needs."""
    for row in adoption.gap_rows.all():
        first = row.recommendation.position == 1
        work.gap_row_save(by=by, row=row, based_on=row.row_version, values={
            "gap": Gap.LARGE if first else Gap.NONE, "within_unit_budget": False if first else None,
            "current_practice": "Demodata: så arbetar vi i dag.", "units": "Medicinkliniken" if first else "",
            "proposed_actions": "Demodata: utbildning och ny rutin." if first else "",
            "cost_estimate": 250000 if first else None,
        })
    for to in (Stage.DECISION, Stage.IMPLEMENTATION, Stage.FOLLOW_UP):
        if to == Stage.IMPLEMENTATION:
            work.decision_record(by=User.objects.get(username="admin"), adoption=adoption,
                                 decided_by="Hälso- och sjukvårdens ledningsgrupp (demodata)",
                                 decided_on=timezone.localdate(), outcome=DecisionOutcome.APPROVED, diary_number="DEMO-1")
        if to == Stage.FOLLOW_UP:
            work.measure_add(by=by, adoption=adoption, kind=MeasureKind.INDICATOR,
                             name="Andel trombolysbehandlade inom 60 minuter (demodata)", target="≥ 50 %")
        adoption = stages.adoption_move(by=User.objects.get(username="admin") if to == Stage.IMPLEMENTATION else by,
                                        adoption=adoption, to=to)
        if to == stage:
            break
    return adoption




# --- the national picture --------------------------------------------------------------
# Six supports in every region, so that the national matrix and the progress chart tell a
# story: how far each region has come depends on its pace (early adopters far ahead,
# laggards still mapping) and on how long ago the support came (older supports further on).
# Seeded, so that every demo tells the same story; the dates are spread over the past two
# years. Stroke och TIA in Örebro, Uppsala, Stockholm and Gotland is told above.
NATIONAL_SUPPORTS = {  # title → months since the regions received it
    "Stroke och TIA": 24, "Hjärtsvikt – nydebuterad": 21, "KOL": 18, "Sepsis": 14,
    "Kognitiv svikt vid misstänkt demenssjukdom": 10, "Höftledsartros – primärvård": 6,
}
EARLY_ADOPTERS = ("06", "05", "24", "18", "12")
LAGGARDS = ("25", "19", "23", "09")
# A region that decided not to take a support in, and why.
DECLINED = {("08", "KOL"): "Regionen har redan ett eget, utvärderat vårdprogram för KOL med samma innehåll och "
                           "följer det i stället (demodata)."}
# Adoptions a region keeps to itself for now: the national side sees them, other regions see "ej delat".
UNSHARED = {("23", "Sepsis"), ("19", "Höftledsartros – primärvård")}
SEED = 2026
FOLLOWED_BY = {"Stroke och TIA": "STROKE-ANTITROMB", "Hjärtsvikt – nydebuterad": "HS-RAS", "KOL": "KOL-SLUTENVARD"}
TOLD_ABOVE = {("Stroke och TIA", OREBRO), ("Stroke och TIA", UPPSALA), ("Stroke och TIA", STOCKHOLM),
              ("Stroke och TIA", GOTLAND)}


def _pace(county_code: str, rng) -> float:
    if county_code in EARLY_ADOPTERS:
        return rng.uniform(0.85, 1.0)
    if county_code in LAGGARDS:
        return rng.uniform(0.15, 0.35)
    return rng.uniform(0.45, 0.8)


def national_target(support_title: str, county_code: str, pace: float, rng) -> str:
    """The stage a region has reached with a support: pace × the support's age, on the
    process's five steps, give or take one."""
    if (county_code, support_title) in DECLINED:
        return Stage.NOT_RELEVANT
    age = NATIONAL_SUPPORTS[support_title] / max(NATIONAL_SUPPORTS.values())
    step = round(pace * age * 5 + rng.uniform(-0.8, 0.8))
    return STAGE_ORDER[min(max(step, 0), len(STAGE_ORDER) - 1)]


def demo_national_load(admin) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    supports = {s.title: s for s in KnowledgeSupport.objects.filter(title__in=NATIONAL_SUPPORTS)}
    regions = list(Region.objects.order_by("county_code"))
    paces = {r.county_code: _pace(r.county_code, rng) for r in regions}
    for title, months in NATIONAL_SUPPORTS.items():
        adoptions = {a.region.county_code: a for a in current(Adoption.objects.filter(support=supports[title]))
                     .select_related("region")}
        for region in regions:
            code = region.county_code
            target = national_target(title, code, paces[code], rng)
            if (title, code) in TOLD_ABOVE:
                continue
            received = today - datetime.timedelta(days=30 * months)
            adoption = _story(adoptions[code], target, by=admin, rng=rng, received=received, today=today,
                              title=title)
            if (code, title) not in UNSHARED:
                work.sharing_set(by=admin, adoption=adoption, public=True)
    # The other supports were received lately: the regions are mapping them, and show it.
    others = current(Adoption.objects.exclude(support__title__in=NATIONAL_SUPPORTS)).filter(
        is_public=False, stage=Stage.MAPPING, support__issuer_region__isnull=True)
    for adoption in others:
        work.sharing_set(by=admin, adoption=adoption, public=True)


def _story(adoption: Adoption, target: str, *, by, rng, received, today, title) -> Adoption:
    """The adoption through the process as far as `target`, each step dated between the
    support's arrival and today."""
    steps = STAGE_ORDER.index(target) if target in STAGE_ORDER else 1
    moves = steps if target in STAGE_ORDER else 2  # declining is a decision and then the move to ej aktuell
    days = (today - received).days
    dates = [received, *sorted(received + datetime.timedelta(days=rng.randint(20, days)) for _ in range(moves))]
    rows = list(adoption.gap_rows.select_related("recommendation"))
    filled = rows if steps or rng.random() < 0.5 else rows[: len(rows) // 2]
    for row in filled:
        gap = rng.choice([Gap.NONE, Gap.NONE, Gap.SMALL, Gap.LARGE])
        work.gap_row_save(by=by, row=row, based_on=row.row_version, values={
            "gap": gap, "within_unit_budget": None if gap == Gap.NONE else gap == Gap.SMALL,
            "current_practice": "Demodata: så arbetar vi i dag.",
            "units": "" if gap == Gap.NONE else rng.choice(["Medicinkliniken", "Primärvården", "Akutmottagningen"]),
            "proposed_actions": "" if gap == Gap.NONE else "Demodata: utbildning och ny rutin.",
            "cost_estimate": None if gap == Gap.NONE else rng.randrange(50_000, 2_000_000, 10_000),
        })
    if steps == 0:
        return _dated(adoption, dates)
    adoption = stages.adoption_move(by=by, adoption=adoption, to=Stage.DECISION)
    region = adoption.region.name
    if target == Stage.NOT_RELEVANT:
        work.decision_record(by=by, adoption=adoption, decided_by=f"Regionstyrelsen, {region} (demodata)",
                             decided_on=dates[2], outcome=DecisionOutcome.REJECTED, diary_number=f"DEMO-{adoption.pk}",
                             notes=DECLINED[(adoption.region.county_code, title)])
        adoption = stages.adoption_move(by=by, adoption=adoption, to=Stage.NOT_RELEVANT,
                                        note=DECLINED[(adoption.region.county_code, title)])
        return _dated(adoption, dates)
    if steps >= 2:
        work.decision_record(by=by, adoption=adoption, decided_by=f"Hälso- och sjukvårdens ledningsgrupp, {region} "
                             "(demodata)", decided_on=dates[2], outcome=DecisionOutcome.APPROVED,
                             diary_number=f"DEMO-{adoption.pk}")
        adoption = stages.adoption_move(by=by, adoption=adoption, to=Stage.IMPLEMENTATION)
        for number, action_title in enumerate(["Utbilda berörd personal (demodata)",
                                               "Uppdatera lokala rutiner (demodata)"]):
            action = work.action_add(by=by, adoption=adoption, title=action_title, owner="Verksamhetschef",
                                     due_on=dates[2] + datetime.timedelta(days=90 + 60 * number))
            if steps >= 3 or rng.random() < 0.4:
                work.action_update(by=by, action=action, status="klar")
    if steps >= 3:
        code = FOLLOWED_BY.get(title, "")
        work.measure_add(by=by, adoption=adoption, kind=MeasureKind.INDICATOR if code else MeasureKind.EFFECT_GOAL,
                         name=f"Uppföljning av {title} (demodata)", indicator_code=code)
        adoption = stages.adoption_move(by=by, adoption=adoption, to=Stage.FOLLOW_UP)
    if steps >= 4:
        work.review_record(by=by, adoption=adoption, held_on=dates[4],
                           notes="Demodata: målen nådda, arbetet går över i ordinarie uppföljning.")
        adoption = stages.adoption_move(by=by, adoption=adoption, to=Stage.CLOSED)
    return _dated(adoption, dates)


def _dated(adoption: Adoption, dates) -> Adoption:
    """The adoption's stage history dated as the story has it (the domain functions date each
    move today): the first at the support's arrival, each later one at its date."""
    moves = list(adoption.transitions.order_by("at", "pk"))
    for move, day in zip(moves, dates):
        moved_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        type(move).objects.filter(pk=move.pk).update(at=moved_at)
    return adoption
