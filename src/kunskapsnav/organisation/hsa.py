"""HSA-id: a person's identifier in HSA, the national directory of health and social care
(Katalogtjänst HSA). Identity providers in health care send it when a person signs in, so it
is the safest way to know which person in the registry has signed in.

The format, as HSA gives it: "SE", the organisation number of the organisation that issued
the id (ten digits with a check digit, in some older ids preceded by "16"), a hyphen and a
local part, at most 31 characters in all; for example SE2321000032-abc123. The local part
takes the characters of ASN.1 PrintableString except the space, as Inera's own validators
do. HSA-ids are compared without regard to letter case.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.se import orgnr

MAX_LENGTH = 31
_FORMAT = re.compile(r"SE(?:16)?(?P<organisation>[0-9]{10})-(?P<local>[0-9A-Za-z'()+,\-./:=?]+)", re.IGNORECASE)


def hsa_id_problem(value: str) -> str | None:
    """What is wrong with `value` as an HSA-id, in Swedish, or None when it is one."""
    if len(value) > MAX_LENGTH:
        return _("Ett HSA-id har högst %(max)d tecken.") % {"max": MAX_LENGTH}
    match = _FORMAT.fullmatch(value)
    if match is None:
        return _(
            "Ange HSA-id som SE, organisationsnumret (tio siffror), ett bindestreck och en lokal del, "
            "till exempel SE2321000032-abc123."
        )
    if not orgnr.is_valid(match["organisation"]):
        return _("Organisationsnumret i HSA-id:t har fel kontrollsiffra. Kontrollera HSA-id:t.")
    return None


def validate_hsa_id(value: str):
    """A model-field validator (the admin's forms); the write functions check the same."""
    problem = hsa_id_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_hsa_id")
