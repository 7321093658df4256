"""The work inside an adoption: the gap analysis (with optimistic concurrency), the people
taking part, decisions, actions, follow-up and sharing."""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunskapsnav.knowledge.attachments import detect_kind
from kunskapsnav.lib.bounds import number_problems
from kunskapsnav.knowledge.models import AttachmentKind

from . import permissions
from .adoptions import responsibilities
from .models import (
    Action,
    ActionStatus,
    Adoption,
    Decision,
    FollowUpMeasure,
    Gap,
    GapRow,
    Participant,
    Review,
    Stage,
)

GAP_FIELDS = ("current_practice", "gap", "units", "proposed_actions", "cost_estimate", "within_unit_budget")


class StaleRow(Exception):
    """The row changed since the editor read it. Carries the row as it is now, so that the
    editor can see the other change and merge."""

    def __init__(self, current: GapRow):
        super().__init__(f"gap row {current.pk} is at version {current.row_version}")
        self.current = current


def _locked(adoption: Adoption) -> Adoption:
    return Adoption.objects.select_for_update(of=("self",)).select_related("support__owning_body__mirrors", "region").get(
        pk=adoption.pk)


def _require_worker(by, adoption: Adoption, message: str):
    if not permissions.can_work_on(by, adoption, responsibilities([adoption])[adoption.pk]):
        raise PermissionDenied(message)


def _require_coordinator(by, adoption: Adoption, message: str):
    if not permissions.can_coordinate(by, adoption.region_id):
        raise PermissionDenied(message)


def _gap_problems(values: dict, municipalities, region) -> dict:
    errors = {}
    if values.get("gap", "") not in ("", *Gap.values):
        errors["gap"] = [_("Välj inget, litet, stort eller okänt gap.")]
    cost = values.get("cost_estimate")
    if cost is not None and Decimal(cost) < 0:
        errors["cost_estimate"] = [_("Kostnaden kan inte vara negativ.")]
    foreign = [m.name for m in municipalities if m.region_id != region.pk]
    if foreign:
        errors["municipalities"] = [_("%(names)s ligger inte i %(region)s.") % {"names": ", ".join(foreign),
                                                                                "region": region.name}]
    return errors


@transaction.atomic
def gap_row_save(*, by, row: GapRow, based_on: int, values: dict, municipalities=None) -> GapRow:
    """Save one row of the gap analysis, if nobody has saved it since `based_on` (the row
    version the editor read); otherwise raise StaleRow and write nothing."""
    adoption = _locked(row.adoption)
    _require_worker(by, adoption, _("Bara regionens samordnare och de ansvariga för införandet ändrar kartläggningen."))
    if adoption.stage != Stage.MAPPING:
        raise ValidationError(_("Kartläggningen kan bara ändras i steget kartläggning."))
    row = GapRow.objects.select_for_update().get(pk=row.pk, adoption=adoption)
    if row.row_version != based_on:
        raise StaleRow(row)
    municipalities = list(municipalities) if municipalities is not None else None
    errors = _gap_problems(values, municipalities or [], adoption.region)
    for name in GAP_FIELDS:
        if name in values:
            setattr(row, name, values[name].strip() if isinstance(values[name], str) else values[name])
    errors = number_problems(row) | errors  # the rule's own message where both speak
    if errors:
        raise ValidationError(errors)
    row.review_flag = ""  # looked at again
    row.row_version += 1
    row.updated_by = by
    row._history_user = by
    row.save()
    if municipalities is not None:
        row.municipalities.set(municipalities)
    return row


@transaction.atomic
def participant_add(*, by, adoption: Adoption, person, kind: str) -> Participant:
    adoption = _locked(adoption)
    _require_worker(by, adoption, _("Bara regionens samordnare och de ansvariga för införandet ändrar kartläggningen."))
    if adoption.participants.filter(person=person).exists():
        raise ValidationError({"person": [_("Personen är redan med.")]})
    participant = Participant(adoption=adoption, person=person, kind=kind)
    participant._history_user = by
    participant.save()
    return participant


def _check_attachment(upload) -> None:
    if upload is None:
        return
    if upload.size > settings.ATTACHMENT_MAX_SIZE:
        raise ValidationError({"attachment": [_("Filen är för stor.")]})
    head = upload.read(8)
    upload.seek(0)
    if detect_kind(head) != AttachmentKind.PDF:
        raise ValidationError({"attachment": [_("Bifoga protokollet som PDF.")]})


@transaction.atomic
def decision_record(*, by, adoption: Adoption, decided_by: str, decided_on: datetime.date, outcome: str,
                    diary_number: str = "", notes: str = "", body=None, municipality=None,
                    attachment=None) -> Decision:
    adoption = _locked(adoption)
    _require_coordinator(by, adoption, _("Bara regionens samordnare registrerar beslut."))
    if adoption.stage != Stage.DECISION:
        raise ValidationError(_("Beslut registreras i steget beslut."))
    errors = {}
    if not decided_by.strip():
        errors["decided_by"] = [_("Ange vem som beslutade.")]
    if decided_on > timezone.localdate():
        errors["decided_on"] = [_("Beslutsdatumet kan inte ligga i framtiden.")]
    if body is not None and body.region_id != adoption.region_id:
        errors["body"] = [_("Beslutande organ ska höra till regionen.")]
    if municipality is not None and municipality.region_id != adoption.region_id:
        errors["municipality"] = [_("Kommunen ligger inte i regionen.")]
    if errors:
        raise ValidationError(errors)
    _check_attachment(attachment)
    decision = Decision(adoption=adoption, decided_by=decided_by.strip(), body=body, municipality=municipality,
                        decided_on=decided_on, outcome=outcome, diary_number=diary_number.strip(),
                        notes=notes.strip(), recorded_by=by)
    if attachment is not None:
        decision.attachment = attachment
    decision._history_user = by
    decision.full_clean(exclude=["attachment"])
    decision.save()
    return decision


@transaction.atomic
def action_add(*, by, adoption: Adoption, title: str, owner: str, due_on: datetime.date, gap_row=None) -> Action:
    adoption = _locked(adoption)
    _require_worker(by, adoption, _("Bara regionens samordnare och de ansvariga för införandet planerar åtgärder."))
    if adoption.stage not in (Stage.DECISION, Stage.IMPLEMENTATION, Stage.FOLLOW_UP):
        raise ValidationError(_("Åtgärder planeras när kartläggningen är klar."))
    if gap_row is not None and gap_row.adoption_id != adoption.pk:
        raise ValidationError({"gap_row": [_("Raden hör till ett annat införande.")]})
    action = Action(adoption=adoption, title=title.strip(), owner=owner.strip(), due_on=due_on, gap_row=gap_row)
    action._history_user = by
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(*, by, action: Action, status: str, due_on: datetime.date | None = None) -> Action:
    adoption = _locked(action.adoption)
    _require_worker(by, adoption, _("Bara regionens samordnare och de ansvariga för införandet ändrar åtgärder."))
    action = Action.objects.select_for_update().get(pk=action.pk)
    if status not in ActionStatus.values:
        raise ValidationError({"status": [_("Okänd status.")]})
    action.status = status
    action.done_on = timezone.localdate() if status == ActionStatus.DONE else None
    if due_on is not None:
        action.due_on = due_on
    action._history_user = by
    action.save()
    return action


@transaction.atomic
def measure_add(*, by, adoption: Adoption, kind: str, name: str, indicator_code: str = "",
                target: str = "") -> FollowUpMeasure:
    adoption = _locked(adoption)
    _require_worker(by, adoption, _("Bara regionens samordnare och de ansvariga för införandet planerar uppföljningen."))
    measure = FollowUpMeasure(adoption=adoption, kind=kind, name=name.strip(), indicator_code=indicator_code.strip(),
                              target=target.strip())
    measure._history_user = by
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def review_plan(*, by, adoption: Adoption, every_months: int | None) -> Adoption:
    adoption = _locked(adoption)
    _require_worker(by, adoption, _("Bara regionens samordnare och de ansvariga för införandet planerar uppföljningen."))
    if every_months is not None and not 1 <= every_months <= 36:
        raise ValidationError({"review_every_months": [_("Ange ett intervall mellan 1 och 36 månader.")]})
    adoption.review_every_months = every_months
    adoption._history_user = by
    adoption.save()
    return adoption


@transaction.atomic
def review_record(*, by, adoption: Adoption, held_on: datetime.date, notes: str) -> Review:
    adoption = _locked(adoption)
    _require_worker(by, adoption, _("Bara regionens samordnare och de ansvariga för införandet registrerar avstämningar."))
    if adoption.stage not in (Stage.FOLLOW_UP, Stage.CLOSED):
        raise ValidationError(_("Avstämningar registreras i steget uppföljning."))
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = [_("Datumet kan inte ligga i framtiden.")]
    if not notes.strip():
        errors["notes"] = [_("Skriv vad avstämningen kom fram till.")]
    if errors:
        raise ValidationError(errors)
    review = Review(adoption=adoption, held_on=held_on, notes=notes.strip(), recorded_by=by)
    review._history_user = by
    review.save()
    return review


@transaction.atomic
def sharing_set(*, by, adoption: Adoption, public: bool) -> Adoption:
    adoption = _locked(adoption)
    _require_coordinator(by, adoption, _("Bara regionens samordnare delar regionens arbete."))
    adoption.is_public = public
    adoption._history_user = by
    adoption.save()
    return adoption


def next_review_on(adoption: Adoption) -> datetime.date | None:
    """The next follow-up review, from the last one (or the move to uppföljning) and the
    cadence; None without a cadence."""
    if not adoption.review_every_months:
        return None
    last = adoption.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    moved = None
    if last is None:
        moved = adoption.transitions.filter(new_stage=Stage.FOLLOW_UP).order_by("-at").values_list(
            "at", flat=True).first()
    return next_review_from(last_review=last, moved_to_follow_up=moved, every_months=adoption.review_every_months)


def next_review_from(*, last_review: datetime.date | None, moved_to_follow_up: datetime.datetime | None,
               every_months: int | None) -> datetime.date | None:
    """The date next_review_on answers, from what it reads: the last review held, else the
    last move to uppföljning. Apart, so that a list of adoptions can read both for all rows
    in its one query (selectors.rows_of) and get the same date."""
    if not every_months:
        return None
    last = last_review
    if last is None:
        if moved_to_follow_up is None:
            return None
        last = timezone.localtime(moved_to_follow_up).date()
    month = last.month - 1 + every_months
    year, month = last.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(last.day, calendar.monthrange(year, month)[1]))
