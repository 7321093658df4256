"""Uppdragsbeskrivningar: a body's mandate, adopted as a new version each time it changes
(Region Örebro län's structure has one for every body)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kunskapsnav.lib.richtext import from_editor, plain_text

from . import permissions
from .models import Body, BodyMandate

MAX_LENGTH = 50_000


@transaction.atomic
def mandate_adopt(*, by, body: Body, text: str, valid_from: datetime.date, adopted_by: str = "") -> BodyMandate:
    """The body's mandate from valid_from on, as the next version."""
    if not permissions.can_edit_body(by, body):
        raise PermissionDenied(_("Du får inte ändra det här organets uppdragsbeskrivning."))
    body = Body.objects.select_for_update().get(pk=body.pk)
    errors = {}
    cleaned = from_editor(text or "") if len(text or "") <= MAX_LENGTH and "\x00" not in (text or "") else ""
    if not plain_text(cleaned):
        errors["text"] = [_("Skriv uppdragsbeskrivningen (högst %(n)s tecken).") % {"n": MAX_LENGTH}]
    latest = body.mandates.order_by("-version").first()
    if latest is not None and valid_from < latest.valid_from:
        errors["valid_from"] = [_("Den nya versionen kan inte gälla före den förra (%(day)s).") % {
            "day": latest.valid_from.isoformat()}]
    if len(adopted_by or "") > 200 or "\x00" in (adopted_by or ""):
        errors["adopted_by"] = [_("Högst 200 tecken.")]
    if errors:
        raise ValidationError(errors)
    version = (body.mandates.aggregate(n=Max("version"))["n"] or 0) + 1
    return BodyMandate.objects.create(body=body, version=version, text=cleaned, valid_from=valid_from,
                                      adopted_by=(adopted_by or "").strip(), created_by=by)


def mandate_on(body_id: int, day: datetime.date) -> BodyMandate | None:
    """The mandate that held on the day: the latest version in force by then."""
    return BodyMandate.objects.filter(body_id=body_id, valid_from__lte=day).order_by("-valid_from", "-version").first()


def bodies_with_mandate_on(body_ids, day: datetime.date) -> set[int]:
    return set(BodyMandate.objects.filter(body_id__in=body_ids, valid_from__lte=day).values_list("body_id", flat=True))
