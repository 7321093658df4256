"""Numbers within their fields. PostgreSQL refuses a number too large for its column (and the
request fails), SQLite stores it, and a decimal with more digits than its field then fails
every later read of the row. So every numeric model field carries validators for its range
(with Swedish messages that give the limit as people write numbers), the write functions
check them with `number_problems` before they save, and each app's CheckConstraints say
the same in the database.
"""

import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# The largest values of PostgreSQL's integer columns, which SQLite does not enforce.
SMALL_INTEGER_MAX = 32_767
INTEGER_MAX = 2_147_483_647


def decimal_max(max_digits: int, decimal_places: int) -> Decimal:
    """The largest value a DecimalField holds: 999 999,99 for (8, 2)."""
    return Decimal(10) ** (max_digits - decimal_places) - Decimal(1).scaleb(-decimal_places)


def _shown(limit) -> str:
    return number_format(limit, force_grouping=True)


@deconstructible
class AtLeast(MinValueValidator):
    message = _("Ange ett tal som är minst %(limit_value)s.")

    def __call__(self, value):
        if self.compare(self.clean(value), self.limit_value):
            raise ValidationError(self.message, code=self.code, params={"limit_value": _shown(self.limit_value),
                                                                        "value": value})


@deconstructible
class AtMost(MaxValueValidator):
    message = _("Ange ett tal som är högst %(limit_value)s.")

    def __call__(self, value):
        if self.compare(self.clean(value), self.limit_value):
            raise ValidationError(self.message, code=self.code, params={"limit_value": _shown(self.limit_value),
                                                                        "value": value})


def between(low, high) -> list:
    return [AtLeast(low), AtMost(high)]


def finite(value) -> None:
    """For a FloatField: no infinity and no NaN, which no page can show or compare."""
    if value is not None and not math.isfinite(value):
        raise ValidationError(_("Ange ett ändligt tal."), code="not_finite")  # "invalid" would get the field's own message


def validators_of(model, name: str) -> list:
    """The bounds of a model's field, for a form field that is not generated from it."""
    return list(model._meta.get_field(name)._validators)


NUMERIC_FIELDS = (models.IntegerField, models.DecimalField, models.FloatField)


def number_problems(instance, fields=None) -> dict[str, list[str]]:
    """What is wrong with the numbers of a model instance, field by field: not a number, too
    many digits or decimals, outside the field's range. Each good value is converted to the
    field's type on the way (the text "12" becomes 12). `fields` limits the check to those
    names. An empty value is the business of the other checks and the database."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, NUMERIC_FIELDS) or field.primary_key or (fields is not None and field.name not in fields):
            continue
        value = getattr(instance, field.attname)
        if value is None or value == "":
            continue
        try:
            value = field.to_python(value)
            field.run_validators(value)
        except ValidationError as error:
            found = error.error_list
            if any(e.code == "max_value" for e in found):  # "at most …" says it; "no more than 12 digits" adds nothing
                found = [e for e in found if e.code not in ("max_digits", "max_whole_digits")]
            errors[field.name] = ValidationError(found).messages
        else:
            setattr(instance, field.attname, value)
    return errors


def numbers_check(instance, fields=None) -> None:
    """Raise ValidationError (field by field, in Swedish) if a number of `instance` does not
    fit its field."""
    errors = number_problems(instance, fields)
    if errors:
        raise ValidationError(errors)


TEXT_FIELDS = (models.CharField,)


def length_problems(instance) -> dict[str, list[str]]:
    """Text longer than its field allows, field by field. PostgreSQL refuses it (and the
    request would fail), SQLite stores it whole."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, TEXT_FIELDS) and field.max_length:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and len(value) > field.max_length:
                errors[field.name] = [_("Texten får ha högst %(limit)s tecken (den har %(length)s).")
                                      % {"limit": field.max_length, "length": len(value)}]
    return errors


def refuse_overlong_text(sender, instance, raw=False, **kwargs) -> None:
    """The last guard before a row of the platform's is written (a pre_save receiver): text
    beyond its field is a ValidationError on the field, which pages and the API answer as
    the input's fault, on both databases alike. Forms and schemas check lengths first where
    they know them; this holds for every write function, import and task that does not."""
    if raw or not sender.__module__.startswith("kunskapsnav."):
        return
    errors = length_problems(instance)
    if errors:
        raise ValidationError(errors)
