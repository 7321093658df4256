"""Demo införanden. Publishing the demo supports has given every region an adoption of each
national one; here Region Örebro län gets folktandvårdens ledningsgrupp and its decision
order, and a few regions have come some way with Stroke och TIA, so that the dashboards
and the national matrix have something to show. Created through the domain functions by
the accounts that would do it; texts are synthetic and say so."""

import datetime

from django.db import transaction
from django.utils import timezone

from kunskapsnav.accounts.models import User
from kunskapsnav.knowledge.models import KnowledgeSupport
from kunskapsnav.organisation import bodies
from kunskapsnav.organisation.models import BodyKind, Region

from . import routing, stages, work
from .models import Adoption, DecisionRule, Gap, MeasureKind, DecisionOutcome, Stage
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


