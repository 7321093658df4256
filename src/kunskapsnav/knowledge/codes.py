"""Formats of the code systems a recommendation may carry, and their normal form.

ICD-10-SE: a letter, two digits, optionally a dot and up to four more characters (I63, I63.9,
F32.1A); stored with the dot after the third character. KVÅ: five characters, two letters and
then letters or digits (FNG05, DT016, AF021). ATC: the five levels (N, N05, N05A, N05AH,
N05AH03). SNOMED CT: 6–18 digits ending in a Verhoeff check digit.
"""

import re

from django.utils.translation import gettext as _
from stdnum import verhoeff

from .models import CodeSystem

_ICD10 = re.compile(r"^([A-Z][0-9]{2})\.?([0-9A-Z]{1,4})?$")
_KVA = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}$")
_ATC = re.compile(r"^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$")
_SNOMED = re.compile(r"^[1-9][0-9]{5,17}$")

EXAMPLES = {
    CodeSystem.ICD10SE: "I63.9",
    CodeSystem.KVA: "FNG05",
    CodeSystem.ATC: "N05AH03",
    CodeSystem.SNOMED: "230690007",
}


class InvalidCode(ValueError):
    pass


def normalise(system: str, raw: str) -> str:
    """The code in its stored form; InvalidCode (with a Swedish message) if it is malformed."""
    code = (raw or "").strip().upper().replace(" ", "")
    if system == CodeSystem.ICD10SE:
        match = _ICD10.match(code)
        if match:
            return match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
    elif system == CodeSystem.KVA and _KVA.match(code):
        return code
    elif system == CodeSystem.ATC and _ATC.match(code):
        return code
    elif system == CodeSystem.SNOMED and _SNOMED.match(code) and verhoeff.is_valid(code):
        return code
    elif system not in CodeSystem.values:
        raise InvalidCode(_("Okänt kodverk: %(system)s.") % {"system": system})
    raise InvalidCode(
        _("%(code)s är ingen giltig %(system)s-kod (exempel: %(example)s).")
        % {"code": raw, "system": CodeSystem(system).label, "example": EXAMPLES[CodeSystem(system)]}
    )


def guess_system(raw: str) -> str | None:
    """Which code system a search term looks like, if any (ICD-10-SE before ATC: I63 is both
    shaped like an ICD-10 code and not a valid ATC code, N05AH03 only like ATC)."""
    code = raw.strip().upper()
    if _ICD10.match(code):
        return CodeSystem.ICD10SE
    if _ATC.match(code) and len(code) > 1:
        return CodeSystem.ATC
    if _KVA.match(code):
        return CodeSystem.KVA
    if _SNOMED.match(code):
        return CodeSystem.SNOMED
    return None


def covering(system: str, code: str) -> list[str]:
    """The code and the broader codes that cover it, in the stored form: a recommendation for
    I50 concerns a patient with I50.1 too, and one for C09A a patient on C09AA05. ICD-10-SE
    narrows after the category (three characters) one character at a time; ATC by its five
    levels. KVÅ and SNOMED CT codes are not hierarchical in their characters (a SNOMED CT
    concept's parents are other numbers), so they cover only themselves."""
    if system == CodeSystem.ICD10SE:
        category, _dot, rest = code.partition(".")
        return [category] + [f"{category}.{rest[:n]}" for n in range(1, len(rest) + 1)]
    if system == CodeSystem.ATC:
        return [code[:n] for n in (1, 3, 4, 5, 7) if n <= len(code)]
    return [code]
