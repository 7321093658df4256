"""The approval chain of a nomination, as Region Örebro län describes it: the region's
kunskapsstödsgrupp prepares it, RMKS approves it, the sjukvårdsregion decides when the seat
represents the sjukvårdsregion, and the NPO decides for its own working groups. Each step is
recorded with who, when and the outcome. When the last step approves, the nominee takes the
seat, but only with a valid, assessed conflict-of-interest declaration: until then the
nomination waits, and the seat is made when the declaration is assessed.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.organisation.memberships import membership_appoint
from kunskapsnav.organisation.models import Body, BodyKind, Membership

from . import nominees, permissions
from .models import Nomination, NominationDecision, NominationStatus, Outcome, Step
from .selectors import current_declaration

logger = logging.getLogger(__name__)


def steps_for(nomination: Nomination) -> list[Step]:
    """The chain this nomination goes through, in order."""
    call = nomination.call
    steps = [Step.SUPPORT_GROUP, Step.RMKS]
    if call.represents_healthcare_region_id is not None:
        steps.append(Step.HEALTHCARE_REGION)
    if call.body.kind == BodyKind.NAG and call.body.parent_id is not None and call.body.parent.kind == BodyKind.NPO:
        steps.append(Step.NPO)
    return steps


def deciding_body(nomination: Nomination, step: Step) -> Body | None:
    """The body that takes the step, from the registry; None when the registry lacks it."""
    call = nomination.call
    region = nomination.region
    active = Body.objects.active()
    if step == Step.SUPPORT_GROUP:
        return active.filter(kind=BodyKind.SUPPORT_GROUP, region=region).order_by("pk").first()
    if step == Step.RMKS:
        return active.filter(kind=BodyKind.RMKS, region=region).order_by("pk").first()
    if step == Step.HEALTHCARE_REGION:
        return active.filter(kind=BodyKind.KSG, healthcare_region_id=call.represents_healthcare_region_id
                             ).order_by("pk").first()
    return call.body.parent


def deciding_bodies(nomination: Nomination) -> list[Body]:
    return [body for step in steps_for(nomination) if (body := deciding_body(nomination, step)) is not None]


def next_step(nomination: Nomination) -> Step | None:
    if nomination.status != NominationStatus.IN_PROGRESS:
        return None
    taken = {decision.step for decision in nomination.decisions.all()}  # prefetched, for a list
    return next((step for step in steps_for(nomination) if step not in taken), None)


def may_decide(user, nomination: Nomination) -> bool:
    """For the page: whether to offer the next step to this user."""
    step = next_step(nomination)
    return step is not None and permissions.can_decide_step(user, deciding_body(nomination, step))


def _deciding_body_key(nomination: Nomination, step: Step) -> tuple:
    """What deciding_body reads of the nomination: nominations alike in these have the same body."""
    call = nomination.call
    return step, getattr(nomination.region, "pk", None), call.represents_healthcare_region_id, call.body.parent_id


def those_user_may_decide(user, nominations) -> list[Nomination]:
    """may_decide for a list (prefetch their decisions): the registry and the permission are
    asked once per deciding body, not once per nomination, so a start page with many
    nominations in progress asks as often as one with a few in each region."""
    answers = {}
    found = []
    for nomination in nominations:
        step = next_step(nomination)
        if step is None:
            continue
        key = _deciding_body_key(nomination, step)
        if key not in answers:
            answers[key] = permissions.can_decide_step(user, deciding_body(nomination, step))
        if answers[key]:
            found.append(nomination)
    return found


def _missing_body_message(nomination: Nomination, step: Step) -> str:
    if step == Step.HEALTHCARE_REGION:
        return _("%(owner)s har ingen sjukvårdsregional kunskapsstyrningsgrupp (KSG) i registret. "
                 "Lägg till den under Organisation först.") % {"owner": nomination.call.represents_healthcare_region}
    if step == Step.NPO:
        return _("Arbetsgruppen hör inte till något NPO i registret.")
    kind = _("kunskapsstödsgrupp") if step == Step.SUPPORT_GROUP else "RMKS"
    return _("%(region)s har ingen %(kind)s i registret. Lägg till den under Organisation först.") % {
        "region": nomination.region, "kind": kind}


def _check_seats_left(nomination: Nomination):
    call = nomination.call
    taken = call.nominations.filter(status__in=[NominationStatus.APPROVED, NominationStatus.SEATED]).exclude(
        pk=nomination.pk).count()
    if taken >= call.seats:
        raise ValidationError(_("Utlysningen har redan %(taken)s godkända nomineringar till %(seats)s platser. "
                                "Avslå nomineringen eller öka antalet platser i utlysningen.")
                              % {"taken": taken, "seats": call.seats})


@transaction.atomic
def nomination_decide(*, by, nomination: Nomination, outcome: Outcome, comment: str = "") -> NominationDecision:
    """Record the next step of the chain. The kunskapsstödsgrupp's approval links the
    nominee to the registry (and gives a self-nominee an account to declare with); the last
    approval seats the nominee if their declaration allows it."""
    nomination = Nomination.objects.select_for_update().select_related("call__body", "home_region").get(
        pk=nomination.pk)
    step = next_step(nomination)
    if step is None:
        raise ValidationError(_("Nomineringen är redan avgjord."))
    body = deciding_body(nomination, step)
    if body is None and not permissions.is_national_admin(by):
        raise ValidationError(_missing_body_message(nomination, step))
    if not permissions.can_decide_step(by, body):
        raise PermissionDenied(_("Bara ledamöter i %(body)s kan fatta beslut i steget ”%(step)s”.")
                               % {"body": body, "step": step.label})
    outcome = Outcome(outcome)
    if outcome == Outcome.REJECTED and not comment.strip():
        raise ValidationError({"comment": [_("Skriv varför nomineringen avslås.")]})
    last = step == steps_for(nomination)[-1]
    if outcome == Outcome.APPROVED:
        if last:
            _check_seats_left(nomination)
        if step == Step.SUPPORT_GROUP and nomination.person_id is None:
            nomination.person = nominees.registry_person_for(nomination, by=by)
    decision = NominationDecision.objects.create(nomination=nomination, step=step, outcome=outcome,
                                                 comment=comment.strip(), decided_by=by)
    if outcome == Outcome.REJECTED:
        nomination.status = NominationStatus.REJECTED
    elif last:
        nomination.status = NominationStatus.APPROVED
    nomination.save(update_fields=["person", "status"])
    logger.info("nomination %s step %s: %s by user %s", nomination.pk, step, outcome, by.pk)
    if nomination.status == NominationStatus.APPROVED:
        seat_if_cleared(nomination=nomination, by=by)
    return decision


def _seat_start(nomination: Nomination, day: datetime.date) -> datetime.date:
    """The call's start, or today when the declaration came after it."""
    return max(nomination.call.start_date, day)


def seat_if_cleared(*, nomination: Nomination, by) -> Membership | None:
    """Nobody takes a seat without a valid, assessed declaration: make the membership of an
    approved nomination when the nominee has one, else leave the nomination waiting."""
    if nomination.status != NominationStatus.APPROVED or nomination.person_id is None:
        return None
    today = timezone.localdate()
    declaration = current_declaration(nomination.person)
    start = _seat_start(nomination, today)
    if declaration is None or not declaration.is_valid_on(start):
        return None
    call = nomination.call
    if call.end_date is not None and call.end_date < start:
        return None  # the period has passed; the coordinator decides what to do
    membership = membership_appoint(
        by=by, body=call.body, person=nomination.person, role=call.role,
        represents_region=call.represents_region, represents_healthcare_region=call.represents_healthcare_region,
        start_date=start, end_date=call.end_date, time_share=call.time_share,
        note=_("Tillsatt efter nominering %(pk)s.") % {"pk": nomination.pk},
    )
    nomination.membership = membership
    nomination.status = NominationStatus.SEATED
    nomination.save(update_fields=["membership", "status"])
    logger.info("nomination %s seated as membership %s", nomination.pk, membership.pk)
    return membership


def seat_waiting(*, person, by) -> list[Membership]:
    """After a declaration is assessed: seat the person's approved nominations."""
    seated = []
    for nomination in Nomination.objects.filter(person=person, status=NominationStatus.APPROVED).select_related(
            "call__body"):
        membership = seat_if_cleared(nomination=nomination, by=by)
        if membership is not None:
            seated.append(membership)
    return seated
