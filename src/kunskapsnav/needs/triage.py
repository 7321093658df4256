"""A need's way from submission to answer: need_submit, then the triage steps of the body
that owns the area. The status moves only along TRANSITIONS; every step, whether it moves
the status or not, writes a NeedStep (who, when, what).

Each public function checks permission and state first (permissions.py), then writes in one
transaction, with the need's row locked so that two triagers cannot both move it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.knowledge.models import KnowledgeSupport, VersionStatus
from kunskapsnav.organisation.models import Body, BodyKind

from . import permissions
from .models import Decision, Need, NeedStatus, NeedStep, StepAction

TRANSITIONS = {
    NeedStatus.SUBMITTED: {NeedStatus.IN_TRIAGE},
    NeedStatus.IN_TRIAGE: {NeedStatus.DECIDED},
    NeedStatus.DECIDED: {NeedStatus.ANSWERED},
    NeedStatus.ANSWERED: set(),
}
# Steps that keep the status, and the statuses they are taken in.
STEPS_IN = {
    StepAction.ASSESSED: {NeedStatus.IN_TRIAGE},
    StepAction.REASSIGNED: {NeedStatus.SUBMITTED, NeedStatus.IN_TRIAGE},
    StepAction.SUPPORT_LINKED: {NeedStatus.DECIDED, NeedStatus.ANSWERED},
}
# Decisions whose answer is a support: a need decided so is answered once it is published.
SUPPORT_DECISIONS = frozenset({Decision.NEW_SUPPORT, Decision.REVISION})
SUBMISSION_FIELDS = ("title", "problem", "target_group", "evidence", "existing", "affected")
CRITERIA_FIELDS = ("severity", "affected_count", "unwarranted_variation", "evidence_available", "existing_supports")


def can_move(need: Need, to: str) -> bool:
    return to in TRANSITIONS[NeedStatus(need.status)]


def _check_area(area: Body | None) -> None:
    if area is not None and (area.kind != BodyKind.NPO or not area.is_active):
        raise ValidationError({"area": [_("Välj ett nationellt programområde, eller ”vet ej”.")]})


def _clean(need: Need, fields) -> None:
    """The model's own checks (length, choices, required, numbers in range), in Swedish,
    before anything is written."""
    exclude = [f.name for f in need._meta.concrete_fields if f.name not in fields]
    need.full_clean(exclude=exclude, validate_constraints=False)


def _step(need: Need, *, action: str, by, at, old_status: str = "", note: str = "") -> NeedStep:
    return NeedStep.objects.create(need=need, action=action, old_status=old_status, new_status=need.status,
                                   by=by, at=at, note=note)


def need_submit(*, by, on_behalf_of: Body | None = None, organisation: str = "", area: Body | None = None,
                **texts) -> Need:
    """`texts`: the SUBMISSION_FIELDS."""
    if not permissions.can_submit(by):
        raise PermissionDenied(_("Logga in för att skicka in ett behov."))
    unknown = set(texts) - set(SUBMISSION_FIELDS)
    if unknown:
        raise TypeError(f"not a submission field: {sorted(unknown)}")
    if on_behalf_of is not None and not permissions.submitting_bodies(by).filter(pk=on_behalf_of.pk).exists():
        raise ValidationError({"on_behalf_of": [_("Du kan bara skicka in för ett organ där du har ett uppdrag.")]})
    organisation = (organisation or "").strip()
    if on_behalf_of is None and not organisation:
        raise ValidationError({"organisation": [
            _("Ange organet eller organisationen du skickar in behovet för.")]})
    _check_area(area)
    now = timezone.now()
    need = Need(submitted_by=by, on_behalf_of=on_behalf_of, organisation=organisation, area=area,
                submitted_at=now, **{k: (v or "").strip() for k, v in texts.items()})
    _clean(need, SUBMISSION_FIELDS + ("organisation",))
    with transaction.atomic():
        need.save()
        _step(need, action=StepAction.SUBMITTED, by=by, at=now)
    return need


def _locked(need: Need, *, by, action: str, to: str | None = None) -> Need:
    """The need as it is now, locked; refused unless `by` triages it and the step fits its status."""
    # Only the need's row: its area is a nullable join, which PostgreSQL will not lock.
    current = Need.objects.select_for_update(of=("self",)).select_related("area").get(pk=need.pk)
    if not permissions.can_triage(by, current):
        raise PermissionDenied(_("Bara det organ som äger området bedömer behovet."))
    allowed = can_move(current, to) if to else current.status in STEPS_IN[action]
    if not allowed:
        raise ValidationError(_("Det går inte i behovets nuvarande status (%(status)s).")
                              % {"status": current.get_status_display()})
    return current


@transaction.atomic
def triage_start(*, by, need: Need, note: str = "") -> Need:
    need = _locked(need, by=by, action=StepAction.TRIAGE_STARTED, to=NeedStatus.IN_TRIAGE)
    old, need.status = need.status, NeedStatus.IN_TRIAGE
    need.save(update_fields=["status"])
    _step(need, action=StepAction.TRIAGE_STARTED, by=by, at=timezone.now(), old_status=old, note=note)
    return need


@transaction.atomic
def triage_assess(*, by, need: Need, **criteria) -> Need:
    """`criteria`: any of CRITERIA_FIELDS; the others keep their values."""
    unknown = set(criteria) - set(CRITERIA_FIELDS)
    if unknown:
        raise TypeError(f"not a criterion: {sorted(unknown)}")
    need = _locked(need, by=by, action=StepAction.ASSESSED)
    for name, value in criteria.items():
        setattr(need, name, value if value is not None or name == "affected_count" else "")
    _clean(need, CRITERIA_FIELDS)
    need.save(update_fields=list(criteria))
    _step(need, action=StepAction.ASSESSED, by=by, at=timezone.now(), old_status=need.status)
    return need


@transaction.atomic
def triage_reassign(*, by, need: Need, area: Body | None, note: str) -> Need:
    """The owning body hands the need to another NPO, or to SKS (no area), saying why."""
    need = _locked(need, by=by, action=StepAction.REASSIGNED)
    _check_area(area)
    if not (note or "").strip():
        raise ValidationError({"note": [_("Skriv varför behovet flyttas.")]})
    if (area.pk if area else None) == need.area_id:
        raise ValidationError({"area": [_("Behovet hör redan till det området.")]})
    old_area = str(need.area) if need.area_id else _("SKS")
    need.area = area
    need.save(update_fields=["area"])
    _step(need, action=StepAction.REASSIGNED, by=by, at=timezone.now(), old_status=need.status,
          note=_("Från %(old)s till %(new)s: %(why)s") % {"old": old_area, "new": area or _("SKS"),
                                                           "why": note.strip()})
    return need


@transaction.atomic
def triage_decide(*, by, need: Need, decision: str, priority: int, reason: str, referred_to: str = "",
                  support: KnowledgeSupport | None = None) -> Need:
    """A new support, a revision of a named support, a referral to the state (naming whom) or
    no action; always with a reason the submitter reads."""
    need = _locked(need, by=by, action=StepAction.DECIDED, to=NeedStatus.DECIDED)
    errors = {}
    if decision == Decision.REVISION and support is None:
        errors["support"] = [_("Ange vilket kunskapsstöd som ska revideras.")]
    if decision == Decision.REFERRAL and not (referred_to or "").strip():
        errors["referred_to"] = [_("Ange vem behovet hänvisas till, till exempel Rådet för styrning med kunskap.")]
    if not (reason or "").strip():
        errors["decision_reason"] = [_("Skriv en motivering. Den som skickade in behovet läser den.")]
    if errors:
        raise ValidationError(errors)
    old = need.status
    need.status, need.decision, need.priority = NeedStatus.DECIDED, decision, priority
    need.decision_reason, need.decided_at = reason.strip(), timezone.now()
    need.referred_to = referred_to.strip() if decision == Decision.REFERRAL else ""
    if support is not None and decision in SUPPORT_DECISIONS:
        need.support = support
    _clean(need, ("decision", "priority", "decision_reason", "referred_to"))
    need.save()
    _step(need, action=StepAction.DECIDED, by=by, at=need.decided_at, old_status=old,
          note=f"{need.get_decision_display()}: {need.decision_reason}")
    return need


@transaction.atomic
def support_link(*, by, need: Need, support: KnowledgeSupport) -> Need:
    """The support that answers a need decided as a new support or a revision."""
    need = _locked(need, by=by, action=StepAction.SUPPORT_LINKED)
    if need.decision not in SUPPORT_DECISIONS:
        raise ValidationError({"support": [_("Bara ett behov som ska leda till ett nytt eller reviderat "
                                             "kunskapsstöd kopplas till ett stöd.")]})
    need.support = support
    need.save(update_fields=["support"])
    _step(need, action=StepAction.SUPPORT_LINKED, by=by, at=timezone.now(), old_status=need.status,
          note=support.title)
    return need


def _published(support: KnowledgeSupport | None, since) -> bool:
    if support is None:
        return False
    # A version published since and already replaced by a newer one answers the need as well.
    return support.versions.filter(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED],
                                   published_at__gte=since).exists()


@transaction.atomic
def need_answer(*, by, need: Need, answer: str = "") -> Need:
    """Closes the need. A new support or a revision is answered once the linked support has a
    version published after the decision; a referral or no action by the triaging body's
    final word (what the state answered, for example)."""
    need = _locked(need, by=by, action=StepAction.ANSWERED, to=NeedStatus.ANSWERED)
    answer = (answer or "").strip()
    if need.decision in SUPPORT_DECISIONS:
        if not _published(need.support, need.decided_at):
            raise ValidationError({"support": [_("Behovet besvaras när kunskapsstödet har publicerats efter "
                                                 "beslutet. Koppla stödet och publicera det först.")]})
    elif not answer:
        raise ValidationError({"answer": [_("Skriv svaret till den som skickade in behovet.")]})
    old = need.status
    need.status, need.answer, need.answered_at = NeedStatus.ANSWERED, answer, timezone.now()
    _clean(need, ("answer",))
    need.save(update_fields=["status", "answer", "answered_at"])
    _step(need, action=StepAction.ANSWERED, by=by, at=need.answered_at, old_status=old, note=answer)
    return need
