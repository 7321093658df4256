"""References in API input by code or id, and the message when one does not resolve: one
table for the whole API. A reference that names nothing is a fault in the input (422 on its
field), not a missing resource (404 is for the object the path names)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kunskapsnav.organisation.models import Body, BodyKind, HealthcareRegion, Municipality, Person, Region

REFERENCES = {
    "region": (Region.objects, "county_code", _("Det finns ingen region med länskoden %(value)s.")),
    "healthcare_region": (HealthcareRegion.objects, "code", _("Det finns ingen sjukvårdsregion med koden %(value)s.")),
    "municipality": (Municipality.objects, "code", _("Det finns ingen kommun med kommunkoden %(value)s.")),
    "body": (Body.objects, "pk", _("Det finns inget organ med id %(value)s.")),
    "npo": (Body.objects.filter(kind=BodyKind.NPO), "pk", _("Det finns inget NPO med id %(value)s.")),
    "person": (Person.objects, "pk", _("Det finns ingen person med id %(value)s.")),
}


def resolve(field: str, kind: str, value, *, required: bool = False):
    """The object a code or id in the input refers to; None when none is given (an empty
    query parameter is none) unless it is `required`, a 422 on the field when it names nothing."""
    if value in (None, ""):
        if required:
            raise ValidationError({field: [_("Fältet måste anges.")]})
        return None
    manager, lookup, message = REFERENCES[kind]
    obj = manager.filter(**{lookup: value}).first()
    if obj is None:
        raise ValidationError({field: [message % {"value": value}]})
    return obj
