"""Feedback (CDS Hooks 2.0, "Feedback"): the journal reports a card followed (accepted) or set
aside (overridden, with one of the reasons the card offered). Each report is checked here and
counted by knowledge.uptake per card, the caller's region and care unit, and the day; the
clinician's free-text comment (overrideReason.userComment) may name the patient and is never
read, the accepted suggestions only checked. A request is counted whole or not at all."""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kunskapsnav.knowledge import uptake
from kunskapsnav.knowledge.models import FeedbackOutcome, OverrideReason

from .auth import Caller
from .cards import override_reason_system
from .errors import CdsError
from .request import _json_body

MAX_ITEMS = 100
FUTURE_LEEWAY = datetime.timedelta(minutes=5)


def _bad(index: int, message) -> CdsError:
    return CdsError(400, _("feedback[%(i)s]: %(message)s") % {"i": index, "message": message})


def _report(index: int, item) -> dict:
    if not isinstance(item, dict):
        raise _bad(index, _("ska vara ett JSON-objekt"))
    try:
        card = uuid.UUID(str(item.get("card", "")))
    except ValueError:
        raise _bad(index, _("card ska vara kortets uuid")) from None
    outcome = item.get("outcome")
    if outcome not in FeedbackOutcome.values:
        raise _bad(index, _("outcome ska vara accepted eller overridden"))
    moment = parse_datetime(item["outcomeTimestamp"]) if isinstance(item.get("outcomeTimestamp"), str) else None
    if moment is None or timezone.is_naive(moment):
        raise _bad(index, _("outcomeTimestamp ska vara en tidpunkt enligt RFC 3339, till exempel 2026-12-07T10:05:31Z"))
    if moment > timezone.now() + FUTURE_LEEWAY:
        raise _bad(index, _("outcomeTimestamp ligger i framtiden"))
    suggestions = item.get("acceptedSuggestions", [])
    if not isinstance(suggestions, list) or not all(isinstance(s, dict) and isinstance(s.get("id"), str)
                                                    for s in suggestions):
        raise _bad(index, _("acceptedSuggestions ska vara en lista med {\"id\": förslagets uuid}"))
    reason = ""
    override = item.get("overrideReason")
    if override is not None:
        if outcome != FeedbackOutcome.OVERRIDDEN:
            raise _bad(index, _("overrideReason hör bara till outcome overridden"))
        coding = override.get("reason") if isinstance(override, dict) else None
        if coding is not None:
            if (not isinstance(coding, dict) or coding.get("system") != override_reason_system()
                    or coding.get("code") not in OverrideReason.values):
                raise _bad(index, _("overrideReason.reason ska vara ett av skälen kortet erbjöd (%(codes)s i %(system)s)")
                           % {"codes": ", ".join(OverrideReason.values), "system": override_reason_system()})
            reason = coding["code"]
    return {"card": card, "outcome": outcome, "override_reason": reason, "day": timezone.localdate(moment)}


def feedback_reports(request) -> list[dict]:
    body = _json_body(request)
    items = body.get("feedback")
    if not isinstance(items, list) or not items:
        raise CdsError(400, _("Anropet ska ha feedback: en lista med minst en återkoppling."))
    if len(items) > MAX_ITEMS:
        raise CdsError(400, _("Högst %(max)s återkopplingar per anrop.") % {"max": MAX_ITEMS})
    return [_report(i, item) for i, item in enumerate(items)]


@transaction.atomic
def feedback_count(*, reports: list[dict], caller: Caller) -> int:
    for report in reports:
        uptake.feedback_record(region_code=caller.region_code, care_unit=caller.care_unit, **report)
    return len(reports)
