"""Small guards shared by the domain's write functions."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def apply_changes(obj, values: dict, *, editable: Iterable[str]):
    """Set `values` on `obj`. A field outside `editable` is a programming error (the
    forms and API schemas offer only editable fields), so it raises TypeError. Emptying a
    field that must have a value (null in a change) is the caller's error: a ValidationError
    on the field, before anything reaches the database."""
    unknown = set(values) - set(editable)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    required = {name: [_("Fältet måste anges.")] for name, value in values.items()
                if value is None and not _nullable(obj, name)}
    if required:
        raise ValidationError(required)
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


def _nullable(obj, name: str) -> bool:
    field = obj._meta.get_field(name)
    return field.null or field.many_to_many
