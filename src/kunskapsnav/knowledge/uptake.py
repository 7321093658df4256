"""Uptake (följsamhet): what clinicians did with the recommendations shown to them in the
journal. The journal reports each card it showed as followed or set aside (with a reason);
here each report only adds one to a count per card, region, care unit, day, outcome and
reason. Nothing about the patient or the clinician is kept, and no report is stored as such.
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import CardFeedback, FeedbackOutcome

# The namespace of card identities, uuid5(NAMESPACE_URL, "kunskapsnav:cds-card"): fixed for
# good, so that a card keeps its uuid across releases and installations.
CARD_NAMESPACE = uuid.UUID("12f7b78b-4ccc-50d9-b962-88e6750cf524")


def card_uuid(*, key: uuid.UUID | str, version_number: int) -> uuid.UUID:
    """The card of one recommendation in one version: the same in every answer, so that the
    feedback on it can be counted, and a new version starts a new count."""
    return uuid.uuid5(CARD_NAMESPACE, f"{key}:{version_number}")


def support_card_uuid(*, support_id: int, version_number: int) -> uuid.UUID:
    """The link card of one support version (the way to the support's page)."""
    return uuid.uuid5(CARD_NAMESPACE, f"support:{support_id}:{version_number}")


def feedback_record(*, card: uuid.UUID, region_code: str, care_unit: str, day: datetime.date, outcome: str,
                    override_reason: str = "") -> None:
    """Count one report. The caller has checked the values (interop.cds.feedback); the
    database's constraints hold the rest. Two workers counting the same cell at once both
    count: the insert that loses the race becomes an increment."""
    if outcome != FeedbackOutcome.OVERRIDDEN:
        override_reason = ""
    cell = CardFeedback.objects.filter(card=card, region_code=region_code, care_unit=care_unit, day=day,
                                       outcome=outcome, override_reason=override_reason)
    if cell.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            CardFeedback.objects.create(card=card, region_code=region_code, care_unit=care_unit, day=day,
                                        outcome=outcome, override_reason=override_reason, count=1)
    except IntegrityError:
        cell.update(count=F("count") + 1)

