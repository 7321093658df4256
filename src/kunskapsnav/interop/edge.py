"""What the API accepts at its edge: every number bounded as the field it ends up in, every
id within the database's key, paging within what a database can skip, and no NUL byte in
any text. Input outside these bounds is refused with 422 (or 400 for a body that is not
JSON) before it reaches a query, so no input can make a read or a write fail with 500.

The bounds are stated in the schemas, so the OpenAPI document tells clients what is
accepted instead of leaving them to find out.
"""

import datetime
import json
import re
from decimal import Decimal
from typing import Annotated, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _
from ninja import Field, Schema
import types
import typing

from pydantic import BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError
from pydantic_core import ValidationError as SchemaError
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser

from kunskapsnav.lib.bounds import decimal_max

# Primary keys are BigAutoField (settings.DEFAULT_AUTO_FIELD): 64-bit on both databases.
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A reference to a stored object by its id."""

VersionNumber = Annotated[int, Field(ge=1, le=2_147_483_647)]
"""A version's number within its support (a PositiveIntegerField)."""

# Days the platform has any use for; outside them date arithmetic (a period's end, a
# reminder's day) would leave what Python and the databases can represent.
FIRST_YEAR, LAST_YEAR = 1900, 2200
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value):
    """A day only as ISO 8601 text (ÅÅÅÅ-MM-DD), not a number read as a Unix time."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        day = value
    elif isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_parsing", "not a day") from None
    else:
        raise PydanticCustomError("date_parsing", "not a day")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PydanticCustomError("day_out_of_range", "day out of range",
                                  {"first": FIRST_YEAR, "last": LAST_YEAR})
    return day


Day = Annotated[datetime.date, BeforeValidator(_iso_day)]
"""A day in input: ÅÅÅÅ-MM-DD, in the years FIRST_YEAR–LAST_YEAR."""

# Offsets beyond this are beyond any list the platform keeps; the bound keeps OFFSET within
# what SQLite and PostgreSQL accept.
MAX_OFFSET = 2_147_483_647
MAX_PAGE = 1000


class Pagination(LimitOffsetPagination):
    """Django Ninja's limit/offset paging with both numbers bounded."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE, description=f"Högst {MAX_PAGE} per sida")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _plain(annotation):
    """The type under Annotated[...] and Optional[...]: what a JSON value must be."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        choices = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(choices) == 1:
            return _plain(choices[0])
    return annotation


def _json_type_errors(annotation, value, loc) -> list[dict]:
    """Where `value` is not of the JSON type the annotation states: a flag must be true or
    false, a whole number an integer, a number a number, a list a list (not text that
    Python could convert)."""
    if value is None:
        return []
    kind = _plain(annotation)
    if kind is bool and not isinstance(value, bool):
        return [{"type": "bool_type", "loc": loc, "input": value}]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        return [{"type": "int_type", "loc": loc, "input": value}]
    if kind is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return [{"type": "float_type", "loc": loc, "input": value}]
    if kind is Decimal and isinstance(value, bool):
        return [{"type": "decimal_type", "loc": loc, "input": value}]
    if typing.get_origin(kind) is list:
        if not isinstance(value, list):
            return [{"type": "list_type", "loc": loc, "input": value}]
        (item,) = typing.get_args(kind) or (typing.Any,)
        return [error for i, v in enumerate(value) for error in _json_type_errors(item, v, (*loc, i))]
    return []


class In(Schema):
    """The schema of a JSON body. The body is an object, and its flags and numbers are JSON's
    own types, as the OpenAPI document says: "5" is not 5 and 1 is not true. (Pydantic's lax
    mode would convert them, and a client would learn that its mistake was understood.)
    A field the schema does not have is refused rather than ignored, so a misspelt field
    is not silently lost. Query parameters arrive as text and are converted as usual."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _exact_json_types(cls, data):
        data = getattr(data, "_obj", data)  # Django Ninja wraps the input before this runs
        if not isinstance(data, dict):
            raise SchemaError.from_exception_data(
                cls.__name__, [{"type": "model_type", "loc": (), "input": data, "ctx": {"class_name": cls.__name__}}])
        errors = [error for name, field in cls.model_fields.items() if (field.alias or name) in data
                  for error in _json_type_errors(field.annotation, data[field.alias or name], (field.alias or name,))]
        if errors:
            raise SchemaError.from_exception_data(cls.__name__, errors)
        return data


def _validator_bounds(field: models.Field) -> tuple[Any, Any]:
    low = high = None
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


def _tighter(a, b, pick):
    if a is None:
        return b
    if b is None:
        return a
    return pick(a, b)


def field_bounds(model: type[models.Model], name: str, *, integer: bool = False) -> dict[str, Any]:
    """The schema constraints of a model field: its length, range and digits. Integer ranges
    are those of the strictest database (PostgreSQL), so the API accepts the same on both.
    `integer` for a decimal field of whole numbers that the API takes as an integer."""
    field = model._meta.get_field(name)
    bounds: dict[str, Any] = {}
    if isinstance(field, models.DecimalField):
        if not integer:
            # The digits before the point are bounded by the range below, which says it
            # the way people read it ("at most 999 999,99").
            bounds["decimal_places"] = field.decimal_places
        # Exact decimals, so the check is exact; the document states them as numbers.
        largest = decimal_max(field.max_digits, field.decimal_places)
        low, high = _validator_bounds(field)
        bounds["ge"] = -largest if low is None else max(Decimal(low), -largest)
        bounds["le"] = largest if high is None else min(Decimal(high), largest)
        if integer:
            bounds["ge"], bounds["le"] = int(bounds["ge"]), int(bounds["le"])
    elif isinstance(field, models.IntegerField):
        low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
        v_low, v_high = _validator_bounds(field)
        bounds["ge"] = _tighter(low, v_low, max)
        bounds["le"] = _tighter(high, v_high, min)
    elif isinstance(field, models.FloatField):
        low, high = _validator_bounds(field)
        bounds.update({k: v for k, v in (("ge", low), ("le", high)) if v is not None})
        bounds["allow_inf_nan"] = False
    elif isinstance(field, (models.CharField, models.TextField)) and field.max_length:
        bounds["max_length"] = field.max_length
    return bounds


def FieldOf(model: type[models.Model], name: str, default: Any = ..., *, integer: bool = False,  # noqa: N802
            **kwargs) -> Any:
    """A schema field with the bounds of `model.name` (see field_bounds)."""
    return Field(default, **{**field_bounds(model, name, integer=integer), **kwargs})


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class NulRefusingParser(Parser):
    """JSON bodies as Django Ninja parses them, refusing a NUL character anywhere in them:
    PostgreSQL cannot store one, and no text in the platform has a use for it."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, _("Innehållet är inte giltig JSON.")) from None
        if _has_nul(data):
            raise HttpError(400, _("Texten innehåller ett otillåtet tecken (NUL)."))
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if _has_nul(result):
            raise HttpError(400, _("Texten innehåller ett otillåtet tecken (NUL)."))
        return result
