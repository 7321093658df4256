"""Routing a decision by the region's decision order (beslutsordning), which is data
(DecisionRule rows), so that each region configures its own.

From the gap analysis come the conditions: are there changes, do they fit within the units'
own budgets, which kommuner do they affect. Each condition that holds picks the region's
rules for it (for the adoption's care field, or for all); a rule for kommuner gives one
route per kommun affected. A condition without a rule is reported, never silently dropped.

Region Örebro län's order (`orebro_order`): changes within the units' budget are decided by
the units with RMKS informed; larger changes are prepared by RMKS and decided by hälso- och
sjukvårdens ledningsgrupp (folktandvårdens for dental care); changes that affect kommuner
are decided by each kommun's socialchef for that kommun.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunskapsnav.organisation.models import Body, BodyKind, Municipality, Region

from . import permissions
from .models import Adoption, CareField, DeciderKind, DecisionRule, Gap, RuleCondition

CHANGE_GAPS = (Gap.SMALL, Gap.LARGE)


@dataclass
class Conditions:
    within_budget: bool
    beyond_budget: bool
    municipalities: list[Municipality]

    def holding(self) -> list[str]:
        held = []
        if self.within_budget:
            held.append(RuleCondition.WITHIN_BUDGET)
        if self.beyond_budget:
            held.append(RuleCondition.BEYOND_BUDGET)
        if self.municipalities:
            held.append(RuleCondition.AFFECTS_MUNICIPALITY)
        return held


@dataclass
class Route:
    condition: str
    decided_by: str  # for people: the body, "Verksamheterna", or "Socialchef, Örebro kommun"
    rule: DecisionRule | None = None
    body: Body | None = None
    municipality: Municipality | None = None

    @property
    def missing(self) -> bool:
        return self.rule is None

    @property
    def condition_label(self) -> str:
        return RuleCondition(self.condition).label


def conditions_of(adoption: Adoption) -> Conditions:
    """A row with a small or large gap, or proposed actions, is a change. No change at all is
    a decision within budget: the units confirm that nothing needs to change."""
    rows = list(adoption.gap_rows.prefetch_related("municipalities"))
    changes = [r for r in rows if r.gap in CHANGE_GAPS or r.proposed_actions.strip()]
    beyond = any(r.within_unit_budget is False for r in changes)
    municipalities = sorted({m for r in changes for m in r.municipalities.all()}, key=lambda m: m.code)
    return Conditions(within_budget=not beyond, beyond_budget=beyond, municipalities=municipalities)


def _applies(rule: DecisionRule, adoption: Adoption) -> bool:
    return rule.care_field in ("", adoption.care_field)


def routes(adoption: Adoption, rules=None) -> list[Route]:
    rules = list(rules if rules is not None else
                 DecisionRule.objects.filter(region_id=adoption.region_id).select_related("decider", "preparer",
                                                                                           "informed"))
    found = conditions_of(adoption)
    result = []
    for condition in found.holding():
        matching = [r for r in rules if r.condition == condition and _applies(r, adoption)]
        if not matching:
            result.append(Route(condition=condition, decided_by=_("Ingen beslutsregel")))
            continue
        for rule in matching:
            if rule.decider_kind == DeciderKind.MUNICIPAL_SOCIAL_CHIEF:
                result += [Route(condition=condition, rule=rule, municipality=m,
                                 decided_by=_("Socialchef, %(kommun)s") % {"kommun": m.name})
                           for m in found.municipalities]
            elif rule.decider_kind == DeciderKind.BODY:
                result.append(Route(condition=condition, rule=rule, body=rule.decider, decided_by=rule.decider.name))
            else:
                result.append(Route(condition=condition, rule=rule, decided_by=str(DeciderKind.UNITS.label)))
    return result


def _body(region: Region, kind: str, *, name_contains: str = "") -> Body | None:
    bodies = Body.objects.filter(region=region, kind=kind, is_active=True).order_by("name")
    if name_contains:
        bodies = bodies.filter(name__icontains=name_contains)
    return bodies.first()


def orebro_order(region: Region) -> list[DecisionRule]:
    """Region Örebro län's decision order, with the region's own bodies (unsaved rules)."""
    rmks = _body(region, BodyKind.RMKS)
    health_board = _body(region, BodyKind.MANAGEMENT_GROUP, name_contains="hälso- och sjukvård")
    dental_board = _body(region, BodyKind.MANAGEMENT_GROUP, name_contains="tandvård")
    rules = [DecisionRule(region=region, position=1, condition=RuleCondition.WITHIN_BUDGET,
                          decider_kind=DeciderKind.UNITS, informed=rmks)]
    if health_board is not None:
        rules.append(DecisionRule(region=region, position=2, condition=RuleCondition.BEYOND_BUDGET,
                                  care_field=CareField.HEALTH_CARE, decider_kind=DeciderKind.BODY,
                                  decider=health_board, preparer=rmks))
    if dental_board is not None:
        rules.append(DecisionRule(region=region, position=3, condition=RuleCondition.BEYOND_BUDGET,
                                  care_field=CareField.DENTAL_CARE, decider_kind=DeciderKind.BODY,
                                  decider=dental_board, preparer=rmks))
    rules.append(DecisionRule(region=region, position=4, condition=RuleCondition.AFFECTS_MUNICIPALITY,
                              decider_kind=DeciderKind.MUNICIPAL_SOCIAL_CHIEF))
    return rules


@transaction.atomic
def decision_order_replace(*, by, region: Region, rules: list[DecisionRule]) -> list[DecisionRule]:
    """Replace the region's decision order with these rules, in their order."""
    if not permissions.can_coordinate(by, region.pk):
        raise PermissionDenied(_("Bara regionens samordnare ändrar beslutsordningen."))
    Region.objects.select_for_update().get(pk=region.pk)
    for old in DecisionRule.objects.filter(region=region):
        old._history_user = by
        old.delete()
    saved = []
    for position, rule in enumerate(rules, start=1):
        rule.pk, rule.region, rule.position = None, region, position
        rule.full_clean(exclude=["region"])
        if any(b is not None and b.region_id != region.pk for b in (rule.decider, rule.preparer, rule.informed)):
            raise ValidationError(_("Beslutsordningen får bara nämna regionens egna organ."))
        rule._history_user = by
        rule.save()
        saved.append(rule)
    return saved
