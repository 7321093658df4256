"""Import and export of knowledge supports (kunskapsstöd) in the interchange format described
in docs/import-format.md: one JSON object per support, with all its versions, recommendations
and codes. Regional additions and attachments are not part of the format.

An import is all or nothing. It reads the whole file and reports every error it finds, each
with its place in the file (`supports[0].versions[1].recommendations[3].codes[0].code`) and a
Swedish message; only a file without errors is written, in one transaction.

Checking happens in two layers. pydantic models check the shape of each object: fields, types,
code formats and that references to bodies, regions and target groups resolve. Each nested
object (a version, a recommendation, a code) is validated on its own, so that an error in one
object does not hide the errors of its siblings or of its parent. The rules that concern
several fields or several objects (one published version, unique keys, a status and its
dates) are then checked on the objects that passed, in plain Python; the rules for a support
and a recommendation are the editing forms' own, from knowledge.content.
"""

import datetime
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from kunskapsnav.lib.richtext import sanitise
from kunskapsnav.organisation.models import LEVEL_OF_KIND, Body, BodyKind, HealthcareRegion, Level, Region

from . import changes, codes, content, permissions, search
from .models import (
    Agency,
    CodeSystem,
    Direction,
    KnowledgeSupport,
    Recommendation,
    RecommendationCode,
    Strength,
    SupportCondition,
    SupportType,
    SupportVersion,
    TargetGroup,
    VersionStatus,
)

logger = logging.getLogger(__name__)

FORMAT = "kunskapsnav.support"
FORMAT_VERSION = 1
CHANGE_REASON = "Import"

S = VersionStatus
IN_PROGRESS = frozenset({S.DRAFT, S.REMISS, S.APPROVED})
APPROVED_OR_LATER = frozenset({S.APPROVED, S.PUBLISHED, S.SUPERSEDED, S.WITHDRAWN})
PUBLISHED_OR_LATER = frozenset({S.PUBLISHED, S.SUPERSEDED, S.WITHDRAWN})


# --- errors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One error in an imported file."""

    path: str  # where in the file; "" for the file as a whole
    message: str  # Swedish (through gettext), for the person who sent the file
    code: str  # a stable name for the kind of error
    detail: str  # English, for the log
    line: int | None = None  # only for a file that is not valid JSON
    column: int | None = None

    def __str__(self):
        return f"{self.path}: {self.message}" if self.path else self.message


class ImportFailed(ValidationError):
    """Nothing was imported. `errors` lists every error found (ImportProblem: path, message).

    A ValidationError keyed by path, so the API's 422 handler can show it field by field."""

    def __init__(self, errors: list[ImportProblem]):
        self.errors = list(errors)
        by_path: dict[str, list[str]] = {}
        for error in self.errors:
            by_path.setdefault(error.path or NON_FIELD_ERRORS, []).append(error.message)
        super().__init__(by_path)

    def __str__(self):
        return "\n".join(str(e) for e in self.errors)


def _path(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _problem(loc: tuple, code: str, message: str, detail: str) -> ImportProblem:
    return ImportProblem(path=_path(loc), message=message, code=code, detail=detail)


def _refusal(code: str, detail: str, message: str) -> PydanticCustomError:
    """An error raised inside a model: the English detail is pydantic's message, the Swedish
    one travels in the context."""
    return PydanticCustomError(code, "{detail}", {"detail": detail, "sv": message})


# Swedish for pydantic's own errors, by error type. Placeholders come from the error's context.
PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("Uppgiften saknas."),
    "extra_forbidden": gettext_lazy("Okänt fält. Formatet har inget fält med det namnet; kontrollera stavningen."),
    "string_type": gettext_lazy("Ange en text."),
    "int_type": gettext_lazy("Ange ett heltal."),
    "greater_than_equal": gettext_lazy("Ange ett tal som är minst %(ge)s."),
    "less_than_equal": gettext_lazy("Ange ett tal som är högst %(le)s."),
    "string_too_long": gettext_lazy("Texten får vara högst %(max_length)s tecken."),
    "too_short": gettext_lazy("Listan ska ha minst %(min_length)s element."),
    "list_type": gettext_lazy("Ange en lista, […]."),
    "dict_type": gettext_lazy("Ange ett objekt, {…}."),
    "model_type": gettext_lazy("Ange ett objekt, {…}."),
    "model_attributes_type": gettext_lazy("Ange ett objekt, {…}."),
    "enum": gettext_lazy("%(input)s är inget tillåtet värde. Välj ett av %(expected)s."),
    "literal_error": gettext_lazy("%(input)s är inget tillåtet värde. Välj ett av %(expected)s."),
    "uuid_type": gettext_lazy("Ange en UUID, till exempel 6f1c1f0e-6f0b-4e8b-9a53-5d7a2c1b9e41."),
    "uuid_parsing": gettext_lazy("Ange en UUID, till exempel 6f1c1f0e-6f0b-4e8b-9a53-5d7a2c1b9e41."),
}
OTHER_PYDANTIC_MESSAGE = gettext_lazy("Ogiltigt värde.")


def _from_pydantic(exc: PydanticValidationError, loc: tuple) -> list[ImportProblem]:
    problems = []
    for error in exc.errors(include_url=False):
        context = dict(error.get("ctx") or {})
        message = context.pop("sv", None)
        if message is None:
            params = {
                **context,
                "input": json.dumps(error.get("input"), ensure_ascii=False, default=str),
                "expected": str(context.get("expected", "")).replace(" or ", " eller "),
            }
            message = str(PYDANTIC_MESSAGES.get(error["type"], OTHER_PYDANTIC_MESSAGE)) % params
        problems.append(_problem(loc + tuple(error["loc"]), error["type"], message, error["msg"]))
    return problems


# --- field types -----------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise _refusal("date", "not a date written YYYY-MM-DD",
                   _("Ange ett datum på formen ÅÅÅÅ-MM-DD, till exempel 2027-06-30."))


def _aware_datetime(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    moment = None
    if isinstance(value, str) and "T" in value:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    if moment is None or moment.tzinfo is None:
        raise _refusal(
            "datetime", "not an ISO 8601 date and time with a time zone",
            _("Ange tidpunkten enligt ISO 8601 med tidszon, till exempel 2026-03-01T10:00:00+01:00."),
        )
    return moment


def _reference(model, field: str, value, *, code: str, what: str, message):
    """The object of `model` whose `field` is `value` (a string from the file), or a refusal."""
    if isinstance(value, model):
        return value
    found = model.objects.filter(**{field: value}).first() if isinstance(value, str) else None
    if found is None:
        raise _refusal(code, f"no {what} with {field} {value!r}", message % {"code": value})
    return found


def _region(value):
    return _reference(Region, "county_code", value, code="unknown_region", what="region",
                      message=_("Det finns ingen region med länskoden %(code)s."))


def _healthcare_region(value):
    return _reference(HealthcareRegion, "code", value, code="unknown_healthcare_region", what="healthcare region",
                      message=_("Det finns ingen sjukvårdsregion med koden %(code)s."))


def _target_group(value):
    return _reference(TargetGroup, "code", value, code="unknown_target_group", what="target group",
                      message=_("Det finns ingen målgrupp med koden %(code)s."))


def _code(system: str, value: str) -> str:
    try:
        return codes.normalise(system, value)
    except codes.InvalidCode as exc:
        raise _refusal("invalid_code", f"{value!r} is not a valid {system} code", str(exc)) from exc


def _no_strength(value):
    return None if value == "" else value


IsoDate = Annotated[datetime.date, BeforeValidator(_date)]
AwareDatetime = Annotated[datetime.datetime, BeforeValidator(_aware_datetime)]
CountyCode = Annotated[Region, BeforeValidator(_region)]
HealthcareRegionCode = Annotated[HealthcareRegion, BeforeValidator(_healthcare_region)]
TargetGroupCode = Annotated[TargetGroup, BeforeValidator(_target_group)]
ConditionCode = Annotated[str, AfterValidator(lambda value: _code(CodeSystem.ICD10SE, value))]
RichText = Annotated[str, AfterValidator(sanitise)]
Number = Annotated[int, Strict(), Field(ge=1, le=2_147_483_647)]  # the database's limit
# Nested objects, validated one by one by _check_… (see the module's docstring).
Objects = list[dict[str, Any]]


# --- the models ----------------------------------------------------------------------------


class _Object(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class BodyRef(_Object):
    """An organ: its reference key (written as a plain string), or its kind and name and the
    region or sjukvårdsregion it belongs to."""

    reference_key: str | None = None
    kind: BodyKind | None = None
    name: str | None = None
    region: CountyCode | None = None
    healthcare_region: HealthcareRegionCode | None = None
    _body: Body = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _key_as_string(cls, value):
        if isinstance(value, str):
            return {"reference_key": value}
        if not isinstance(value, dict):
            raise _refusal(
                "body_reference", "a body is its reference key or an object with kind and name",
                _("Ange organets referensnyckel, eller ett objekt med kind, name och region eller healthcare_region."),
            )
        return value

    @model_validator(mode="after")
    def _resolve(self):
        self._body = self._find()
        return self

    def _find(self) -> Body:
        if self.reference_key is not None:
            if any(v is not None for v in (self.kind, self.name, self.region, self.healthcare_region)):
                raise _refusal("body_reference", "a body is given either by reference key or by kind and name",
                               _("Ange organet antingen med referensnyckel eller med typ och namn, inte båda."))
            body = Body.objects.filter(reference_key=self.reference_key).first()
            if body is None:
                raise _refusal("unknown_body", f"no body with reference key {self.reference_key!r}",
                               _("Det finns inget organ med referensnyckeln %(key)s.") % {"key": self.reference_key})
            return body
        if self.kind is None or not self.name:
            raise _refusal("body_reference", "a body without reference key needs kind and name",
                           _("Ange organets typ (kind) och namn (name), eller dess referensnyckel."))
        level = LEVEL_OF_KIND[self.kind]
        if level == Level.LOCAL and (self.region is None or self.healthcare_region is not None):
            raise _refusal("body_owner", "a local body belongs to a region",
                           _("Ett organ av typen %(kind)s hör till en region: ange region (länskod).") % {"kind": self.kind.value})
        if level == Level.HEALTHCARE_REGIONAL and (self.healthcare_region is None or self.region is not None):
            raise _refusal("body_owner", "a healthcare-regional body belongs to a healthcare region",
                           _("Ett organ av typen %(kind)s hör till en sjukvårdsregion: ange healthcare_region.")
                           % {"kind": self.kind.value})
        if level == Level.NATIONAL and (self.region is not None or self.healthcare_region is not None):
            raise _refusal("body_owner", "a national body belongs to no region",
                           _("Ett organ av typen %(kind)s är nationellt: ange varken region eller healthcare_region.")
                           % {"kind": self.kind.value})
        # Names are unique among the active bodies of one kind and owner; an inactive body may
        # share its name with an active one, which then wins.
        found = sorted(
            Body.objects.filter(kind=self.kind, name=self.name, region=self.region, healthcare_region=self.healthcare_region),
            key=lambda body: not body.is_active,
        )
        if not found:
            owner = self.region or self.healthcare_region or _("nationell nivå")
            raise _refusal("unknown_body", f"no body of kind {self.kind.value} named {self.name!r} in {owner}",
                           _("Det finns inget organ av typen %(kind)s med namnet %(name)s (%(owner)s).")
                           % {"kind": self.kind.value, "name": self.name, "owner": owner})
        if len(found) > 1 and found[0].is_active == found[1].is_active:
            raise _refusal("ambiguous_body", f"several bodies of kind {self.kind.value} named {self.name!r}",
                           _("Flera organ av typen %(kind)s heter %(name)s. Ange organets referensnyckel.")
                           % {"kind": self.kind.value, "name": self.name})
        return found[0]

    @property
    def body(self) -> Body:
        return self._body


class IssuerIn(_Object):
    body: BodyRef | None = None
    agency: Agency | None = None
    region: CountyCode | None = None

    @model_validator(mode="after")
    def _exactly_one(self):
        if sum(1 for v in (self.body, self.agency, self.region) if v is not None) != 1:
            raise _refusal(
                "issuer", "an issuer is exactly one of body, agency, region",
                _("Ange exakt en utgivare: body (ett organ), agency (en myndighet) eller region (en länskod)."),
            )
        return self


class SupportIn(_Object):
    format: str
    format_version: int
    type: SupportType
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
    issuer: IssuerIn
    owning_body: BodyRef
    target_groups: list[TargetGroupCode] = []
    conditions: list[ConditionCode] = []
    versions: Objects = Field(min_length=1)


class VersionIn(_Object):
    number: Number
    status: VersionStatus
    summary: RichText = ""
    change_note: str = ""
    review_date: IsoDate | None = None
    approved_at: AwareDatetime | None = None
    published_at: AwareDatetime | None = None
    recommendations: Objects = []


class RecommendationIn(_Object):
    key: uuid.UUID
    position: Number
    section: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    text: RichText
    priority: Annotated[int, Strict()] | None = None  # the range is content's rule
    strength: Annotated[Strength | None, BeforeValidator(_no_strength)] = None
    direction: Direction = Direction.DO
    codes: Objects = []


class CodeIn(_Object):
    system: CodeSystem
    code: str

    @field_validator("code")
    @classmethod
    def _normalised(cls, value: str, info: ValidationInfo) -> str:
        system = info.data.get("system")
        return value if system is None else _code(system, value)


class CollectionIn(_Object):
    supports: Objects = Field(min_length=1)


# --- checking ------------------------------------------------------------------------------


@dataclass
class _Checked:
    """One object of the file: its validated form (None if it has errors) and its nested objects."""

    loc: tuple
    data: Any
    children: list["_Checked"] = field(default_factory=list)

    def valid_children(self) -> list["_Checked"]:
        return [c for c in self.children if c.data is not None]


def _validate(model: type[BaseModel], raw, loc: tuple, problems: list[ImportProblem]):
    try:
        return model.model_validate(raw)
    except PydanticValidationError as exc:
        problems.extend(_from_pydantic(exc, loc))
        return None


def _objects(raw, name: str) -> list[tuple[int, dict]]:
    """The objects in a nested list, to be checked one by one. A list that is missing or holds
    something other than objects is reported by the parent's model."""
    items = raw.get(name) if isinstance(raw, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _check_code(raw, loc, problems) -> _Checked:
    return _Checked(loc, _validate(CodeIn, raw, loc, problems))


# knowledge.content names its rules by model field; where they are in the file.
CONTENT_FIELD_PATHS = {"issuer_body": ("issuer",), "issuer_agency": ("issuer",), "issuer_region": ("issuer",)}


def _content_problems(errors: dict[str, list[str]], loc: tuple) -> list[ImportProblem]:
    return [
        _problem(loc + CONTENT_FIELD_PATHS.get(name, (name,)), "content_rule", message,
                 f"breaks the rule of knowledge.content on {name}")
        for name, messages in errors.items()
        for message in messages
    ]


def _check_recommendation(raw, loc, problems) -> _Checked:
    data = _validate(RecommendationIn, raw, loc, problems)
    codes_ = [_check_code(item, loc + ("codes", i), problems) for i, item in _objects(raw, "codes")]
    if data is not None:
        unsaved = Recommendation(
            text=data.text, priority=data.priority, strength=data.strength or "", direction=data.direction
        )
        problems.extend(_content_problems(content._recommendation_problems(unsaved), loc))
    return _Checked(loc, data, codes_)


def _check_version_dates(version: _Checked, problems):
    data: VersionIn = version.data
    status = VersionStatus(data.status)
    label = status.label.lower()
    loc = version.loc
    # A version has been approved, and then published, on its way to its status (lifecycle.py).
    for name, states in (("approved_at", APPROVED_OR_LATER), ("published_at", PUBLISHED_OR_LATER)):
        given = getattr(data, name) is not None
        if given and status not in states:
            problems.append(_problem(loc + (name,), "time_too_early",
                                     _("En version med status %(status)s ska ha %(field)s null.") % {"status": label, "field": name},
                                     f"a version with status {status.value} has no {name}"))
        elif not given and status in states:
            problems.append(_problem(loc + (name,), "time_missing",
                                     _("En version med status %(status)s ska ha en tidpunkt i %(field)s.") % {"status": label, "field": name},
                                     f"a version with status {status.value} needs {name}"))
    if data.approved_at and data.published_at and data.published_at < data.approved_at:
        problems.append(_problem(loc + ("published_at",), "published_before_approved",
                                 _("En version kan inte publiceras innan den har fastställts."),
                                 "published_at is before approved_at"))
    if status == S.PUBLISHED and data.review_date is None:
        problems.append(_problem(loc + ("review_date",), "review_date_missing",
                                 _("Ange ett revideringsdatum (review_date) för den publicerade versionen."),
                                 "a published version needs a review date"))
    if status != S.DRAFT and not version.children:
        problems.append(_problem(loc + ("recommendations",), "no_recommendations",
                                 _("En version med status %(status)s har minst en rekommendation.") % {"status": label},
                                 f"a version with status {status.value} needs recommendations"))


def _check_recommendations_together(version: _Checked, problems):
    keys: dict[uuid.UUID, int] = {}
    positions: dict[int, int] = {}
    for rec in version.valid_children():
        index = rec.loc[-1]
        if rec.data.key in keys:
            problems.append(_problem(rec.loc + ("key",), "duplicate_key",
                                     _("Identiteten finns redan i versionen, i recommendations[%(index)s]. "
                                       "Varje rekommendation i en version har en egen identitet.") % {"index": keys[rec.data.key]},
                                     f"key {rec.data.key} is used twice in the version"))
        else:
            keys[rec.data.key] = index
        if rec.data.position in positions:
            problems.append(_problem(rec.loc + ("position",), "duplicate_position",
                                     _("Platsen %(position)s är redan tagen av recommendations[%(index)s].")
                                     % {"position": rec.data.position, "index": positions[rec.data.position]},
                                     f"position {rec.data.position} is used twice in the version"))
        else:
            positions[rec.data.position] = index


def _check_version(raw, loc, problems) -> _Checked:
    data = _validate(VersionIn, raw, loc, problems)
    recommendations = [
        _check_recommendation(item, loc + ("recommendations", i), problems) for i, item in _objects(raw, "recommendations")
    ]
    version = _Checked(loc, data, recommendations)
    if data is not None:
        _check_version_dates(version, problems)
    _check_recommendations_together(version, problems)
    return version


def _check_versions_together(support: _Checked, problems):
    """The lifecycle's invariants over the versions of one support (see knowledge.lifecycle)."""
    versions = support.valid_children()
    numbers: dict[int, int] = {}
    for version in versions:
        number = version.data.number
        if number in numbers:
            problems.append(_problem(version.loc + ("number",), "duplicate_version_number",
                                     _("Versionsnumret %(number)s finns redan, i versions[%(index)s].")
                                     % {"number": number, "index": numbers[number]},
                                     f"version number {number} is used twice"))
        else:
            numbers[number] = version.loc[-1]
    newest = max((v.data.number for v in versions), default=None)
    published = [v for v in versions if v.data.status == S.PUBLISHED]
    for version in published[1:]:
        problems.append(_problem(version.loc + ("status",), "second_published_version",
                                 _("Bara en version kan vara publicerad; version %(number)s är redan publicerad.")
                                 % {"number": published[0].data.number},
                                 "more than one published version"))
    in_progress = [v for v in versions if v.data.status in IN_PROGRESS]
    for version in in_progress[1:]:
        problems.append(_problem(version.loc + ("status",), "second_version_in_progress",
                                 _("Bara en version kan vara under arbete (utkast, remiss eller fastställd); "
                                   "version %(number)s är det redan.") % {"number": in_progress[0].data.number},
                                 "more than one version in progress"))
    for version in in_progress[:1]:
        if version.data.number != newest:
            problems.append(_problem(version.loc + ("number",), "version_in_progress_not_newest",
                                     _("Versionen under arbete ska vara den senaste, men version %(newest)s är nyare.")
                                     % {"newest": newest},
                                     "the version in progress is not the newest"))
    if published:
        for version in versions:
            if version.data.status == S.SUPERSEDED and version.data.number > published[0].data.number:
                problems.append(_problem(version.loc + ("status",), "superseded_after_published",
                                         _("En ersatt version är äldre än den publicerade, version %(number)s.")
                                         % {"number": published[0].data.number},
                                         "a superseded version is newer than the published one"))


def _header_problems(raw: dict, loc: tuple) -> list[ImportProblem]:
    """A file of another format would give an error for every field: say only that."""
    if raw.get("format") != FORMAT:
        return [_problem(loc + ("format",), "format",
                         _("Det här är inget kunskapsstöd i Kunskapsnavs utbytesformat: format ska vara %(format)s.")
                         % {"format": FORMAT},
                         f"format is not {FORMAT}")]
    version = raw.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        return [_problem(loc + ("format_version",), "format_version",
                         _("Formatversion %(version)s kan inte läsas; Kunskapsnav läser formatversion %(supported)s.")
                         % {"version": json.dumps(version), "supported": FORMAT_VERSION},
                         f"format_version {version!r} is not supported")]
    return []


def _check_support(raw: dict, loc: tuple, problems) -> _Checked | None:
    header = _header_problems(raw, loc)
    if header:
        problems.extend(header)
        return None
    data = _validate(SupportIn, raw, loc, problems)
    versions = [_check_version(item, loc + ("versions", i), problems) for i, item in _objects(raw, "versions")]
    support = _Checked(loc, data, versions)
    _check_versions_together(support, problems)
    if data is not None:
        unsaved = KnowledgeSupport(
            type=data.type, title=data.title, owning_body=data.owning_body.body,
            issuer_body=data.issuer.body.body if data.issuer.body else None,
            issuer_agency=data.issuer.agency or "", issuer_region=data.issuer.region,
        )
        problems.extend(_content_problems(content._support_problems(unsaved), loc))
    return support


def _check_not_there_yet(supports: list[_Checked], problems_of: list[list[ImportProblem]]):
    """A support is identified by its title and owning body; an import never changes or
    duplicates one that exists (in the database or earlier in the file)."""
    seen: dict[tuple[str, int], int] = {}
    for support, problems in zip(supports, problems_of):
        if support is None or support.data is None:
            continue
        title, body = support.data.title, support.data.owning_body.body
        index = support.loc[-1] if support.loc else 0
        if (title, body.pk) in seen:
            problems.append(_problem(support.loc + ("title",), "duplicate_in_file",
                                     _("Kunskapsstödet finns redan i filen, i supports[%(index)s].") % {"index": seen[(title, body.pk)]},
                                     "the same support twice in the file"))
        elif KnowledgeSupport.objects.filter(title=title, owning_body=body).exists():
            problems.append(_problem(support.loc + ("title",), "exists",
                                     _("Kunskapsstödet ”%(title)s” hos %(body)s finns redan. En import skapar bara nya "
                                       "kunskapsstöd; ändra det befintliga i Kunskapsnav.") % {"title": title, "body": body},
                                     "the support exists already"))
        seen.setdefault((title, body.pk), index)


def _document(data) -> tuple[dict | None, list[ImportProblem]]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [ImportProblem("", _("Filen är inte UTF-8-kodad. Spara den som UTF-8 och försök igen."),
                                        "encoding", f"not UTF-8: {exc}")]
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            return None, [ImportProblem(
                "", _("Filen är inte giltig JSON: felet finns på rad %(line)s, kolumn %(column)s.")
                % {"line": exc.lineno, "column": exc.colno},
                "json", f"invalid JSON: {exc}", line=exc.lineno, column=exc.colno,
            )]
        except RecursionError:
            return None, [ImportProblem("", _("Filen är för djupt nästlad för att läsas."), "json", "nested too deeply")]
    if not isinstance(data, dict):
        return None, [ImportProblem("", _("Filen ska innehålla ett JSON-objekt: ett kunskapsstöd eller {\"supports\": […]}."),
                                    "document", "the document is not an object")]
    # PostgreSQL cannot store or even look up a text with a NUL character.
    return data, [
        _problem(loc, "nul", _("Texten innehåller ett NUL-tecken (\\u0000). Ta bort det."), "text contains NUL")
        for loc in _nul_texts(data, ())
    ]


def _nul_texts(value, loc: tuple):
    if isinstance(value, str) and "\x00" in value:
        yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_texts(item, loc + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_texts(item, loc + (index,))


def _support_objects(document: dict, problems) -> list[tuple[tuple, dict]]:
    if "supports" not in document:
        return [((), document)]
    _validate(CollectionIn, document, (), problems)
    return [(("supports", i), raw) for i, raw in _objects(document, "supports")]


# --- writing -------------------------------------------------------------------------------


def _save(obj, by):
    obj._history_user = by
    obj._change_reason = CHANGE_REASON
    obj.save()
    return obj


def _create(support: _Checked, *, by) -> KnowledgeSupport:
    """Write one checked support. Assumes every check has passed, permission included."""
    data: SupportIn = support.data
    created = _save(KnowledgeSupport(
        type=data.type, title=data.title, owning_body=data.owning_body.body,
        issuer_body=data.issuer.body.body if data.issuer.body else None,
        issuer_agency=data.issuer.agency or "", issuer_region=data.issuer.region,
    ), by)
    created.target_groups.set(data.target_groups)
    SupportCondition.objects.bulk_create(SupportCondition(support=created, code=c) for c in sorted(set(data.conditions)))
    versions = []
    for checked in sorted(support.children, key=lambda v: v.data.number):
        v: VersionIn = checked.data
        version = _save(SupportVersion(
            support=created, number=v.number, status=v.status, summary=v.summary, change_note=v.change_note,
            review_date=v.review_date, approved_at=v.approved_at, published_at=v.published_at,
        ), by)
        for rec in checked.children:
            r: RecommendationIn = rec.data
            saved = _save(Recommendation(
                version=version, key=r.key, position=r.position, section=r.section, text=r.text,
                priority=r.priority, strength=r.strength or "", direction=r.direction,
            ), by)
            pairs = dict.fromkeys((c.data.system, c.data.code) for c in rec.children)
            RecommendationCode.objects.bulk_create(
                RecommendationCode(recommendation=saved, system=system, code=code) for system, code in pairs
            )
        versions.append(version)
    for version in versions:
        search.index_version(version)
    # An imported published version reaches readers without the lifecycle: the feed says so here.
    changes.public_versions_loaded(versions)
    return created


@dataclass
class ImportReport:
    supports: list[KnowledgeSupport]

    def lines(self) -> list[str]:
        lines = []
        for support in self.supports:
            n = support.versions.count()
            lines.append(
                ngettext("Importerade %(title)s (%(n)s version).", "Importerade %(title)s (%(n)s versioner).", n)
                % {"title": support.title, "n": n}
            )
        return lines


# --- the public functions --------------------------------------------------------------


@transaction.atomic
def supports_import(data: bytes | str | dict, *, by) -> ImportReport:
    """Create the knowledge supports in `data`: a support object as support_export writes it,
    or {"supports": [...]} of such objects. All or nothing: ImportFailed with every error if
    anything is wrong, PermissionDenied if `by` may not create a support for an owning body."""
    if not permissions.can_create_any_support(by):
        raise PermissionDenied(_("Du får inte skapa kunskapsstöd."))
    document, file_problems = _document(data)
    # A file that cannot be read, or holds NUL characters, is not checked further.
    raws = [] if file_problems else _support_objects(document, file_problems)
    problems_of: list[list[ImportProblem]] = [[] for _raw in raws]
    supports = [_check_support(raw, loc, problems) for (loc, raw), problems in zip(raws, problems_of)]

    owners = {s.data.owning_body.body for s in supports if s is not None and s.data is not None}
    refused = sorted(str(body) for body in owners if not permissions.can_create_support(by, owning_body=body))
    if refused:
        raise PermissionDenied(
            _("Du får bara importera kunskapsstöd för organ du är redaktör för, inte för %(bodies)s.")
            % {"bodies": ", ".join(refused)}
        )
    _check_approval(supports, by)
    # Imports into the same bodies take turns, so that two of the same file cannot both pass
    # the check below.
    list(Body.objects.select_for_update().filter(pk__in=[b.pk for b in owners]).order_by("pk"))
    _check_not_there_yet(supports, problems_of)

    problems = file_problems + [p for problems in problems_of for p in problems]
    if problems:
        logger.warning(
            "import of knowledge supports by %s refused; errors: %d\n%s", by, len(problems),
            "\n".join(f"  {p.path or '(file)'}: {p.detail}" for p in problems),
        )
        raise ImportFailed(problems)
    created = [_create(support, by=by) for support in supports]
    logger.info("%s imported %d knowledge supports: %s", by, len(created), ", ".join(f"#{s.pk}" for s in created))
    return ImportReport(supports=created)


# Statuses a version only reaches through approval by the body that approves its type.
_APPROVED_STATUSES = {VersionStatus.APPROVED, VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED,
                      VersionStatus.WITHDRAWN}


def _check_approval(supports: list, by):
    """An approved or published version enters the system only through someone who may
    approve that type of support here (SKS for a vårdförlopp): an import is no way around
    the approval."""
    for support in supports:
        if support is None or support.data is None:
            continue
        statuses = {child.data.status for child in support.valid_children()}
        if not statuses & _APPROVED_STATUSES:
            continue
        candidate = KnowledgeSupport(type=support.data.type, owning_body=support.data.owning_body.body)
        if not permissions.can_approve(by, candidate):
            raise PermissionDenied(
                _("%(title)s innehåller fastställda eller publicerade versioner. Bara den som fastställer den "
                  "typen av kunskapsstöd får importera dem; importera annars bara utkastet.")
                % {"title": support.data.title}
            )


def _body_out(body: Body):
    if body.reference_key:
        return body.reference_key
    out = {"kind": body.kind, "name": body.name}
    if body.region_id:
        out["region"] = body.region.county_code
    if body.healthcare_region_id:
        out["healthcare_region"] = body.healthcare_region.code
    return out


def _issuer_out(support: KnowledgeSupport) -> dict:
    if support.issuer_body_id:
        return {"body": _body_out(support.issuer_body)}
    if support.issuer_region_id:
        return {"region": support.issuer_region.county_code}
    return {"agency": support.issuer_agency}


def _moment_out(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _recommendation_out(rec: Recommendation) -> dict:
    return {
        "key": str(rec.key),
        "position": rec.position,
        "section": rec.section,
        "text": rec.text,
        "priority": rec.priority,
        "strength": rec.strength or None,
        "direction": rec.direction,
        "codes": [{"system": c.system, "code": c.code} for c in sorted(rec.codes.all(), key=lambda c: (c.system, c.code))],
    }


def _version_out(version: SupportVersion) -> dict:
    return {
        "number": version.number,
        "status": version.status,
        "summary": version.summary,
        "change_note": version.change_note,
        "review_date": version.review_date.isoformat() if version.review_date else None,
        "approved_at": _moment_out(version.approved_at),
        "published_at": _moment_out(version.published_at),
        "recommendations": [_recommendation_out(r) for r in version.recommendations.all()],
    }


def support_export(support: KnowledgeSupport, *, include_unpublished: bool = True) -> dict:
    """The support with its versions, ready for json.dumps. Drafts, remiss and approved
    versions only with include_unpublished: the caller decides (permissions.can_see_unpublished)."""
    recommendations = Recommendation.objects.order_by("position").prefetch_related("codes")
    versions = SupportVersion.objects.order_by("number").prefetch_related(Prefetch("recommendations", recommendations))
    if not include_unpublished:
        versions = versions.public()
    support = (
        KnowledgeSupport.objects.select_related(
            "owning_body__region", "owning_body__healthcare_region",
            "issuer_body__region", "issuer_body__healthcare_region", "issuer_region",
        )
        .prefetch_related("target_groups", "conditions", Prefetch("versions", versions))
        .get(pk=support.pk)
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "type": support.type,
        "title": support.title,
        "issuer": _issuer_out(support),
        "owning_body": _body_out(support.owning_body),
        "target_groups": sorted(g.code for g in support.target_groups.all()),
        "conditions": sorted(c.code for c in support.conditions.all()),
        "versions": [_version_out(v) for v in support.versions.all()],
    }
