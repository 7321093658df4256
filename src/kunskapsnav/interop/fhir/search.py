"""Search parameters: parsing and checking the query string, matching, and the searchset Bundle
with its paging links. A parameter the server does not know, or a value it cannot read, is
refused (400) rather than ignored, so that a client never takes an unfiltered list for a
filtered one."""

import dataclasses
import datetime
import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from .outcome import FhirError

MAX_VALUE_LENGTH = 200
DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_OFFSET = 1_000_000
ID_PATTERN = re.compile(r"[A-Za-z0-9\-.]{1,64}")
DATE_PREFIXES = ("eq", "ge", "le", "gt", "lt")
# YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with seconds and an optional zone, as FHIR writes them.
DATE_PATTERN = re.compile(
    r"(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})"
    r"(T(?P<time>\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?"
)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One resource the server can produce, before it is built: what search needs to know."""

    id: str
    last_updated: datetime.datetime
    values: dict = dataclasses.field(default_factory=dict)  # token and uri values by parameter name
    ref: tuple = ()  # what the resource type needs to build it


@dataclasses.dataclass(frozen=True)
class Token:
    system: str | None  # None: any system
    code: str


@dataclasses.dataclass(frozen=True)
class DateBound:
    prefix: str
    start: datetime.datetime
    end: datetime.datetime  # exclusive: the value's precision decides the interval

    def matches(self, moment: datetime.datetime) -> bool:
        return {
            "eq": self.start <= moment < self.end,
            "ge": moment >= self.start,
            "gt": moment >= self.end,
            "le": moment < self.end,
            "lt": moment < self.start,
        }[self.prefix]


@dataclasses.dataclass(frozen=True)
class SearchParam:
    """A search parameter as the CapabilityStatement states it and the server applies it.

    `parse` reads one value (commas already split); `matches(entry, values)` says whether an
    entry has any of the values (FHIR: a comma is OR, a repeated parameter is AND). A parameter
    with `narrow` instead filters the entries itself, in the database.
    """

    name: str
    type: str
    documentation: str
    parse: Callable[[str], object]
    matches: Callable[[Entry, list], bool] | None = None
    narrow: Callable[[list, list], list] | None = None
    definition: str | None = None  # the id of this server's own SearchParameter, if FHIR has none
    expression: str | None = None  # its FHIRPath, for that SearchParameter


def _bad(message: str) -> FhirError:
    return FhirError(400, "invalid", message)


def parse_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise _bad(_("Ett id består av 1–64 bokstäver a–z, siffror, bindestreck och punkter."))
    return value


def parse_token(value: str) -> Token:
    if "|" in value:
        system, code = value.split("|", 1)
        if not code:
            raise _bad(_("Ange en kod efter |, till exempel %(example)s.") % {"example": "I50"})
        return Token(system or None, code)
    return Token(None, value)


def parse_uri(value: str) -> str:
    if any(c.isspace() for c in value):
        raise _bad(_("En url får inte innehålla mellanslag."))
    return value


def parse_date(value: str) -> DateBound:
    prefix, rest = (value[:2], value[2:]) if value[:2] in DATE_PREFIXES else ("eq", value)
    match = DATE_PATTERN.fullmatch(rest)
    if not match:
        raise _bad(_("Skriv datumet som ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDThh:mm:ss+01:00, "
                     "gärna med prefixet ge, le, gt, lt eller eq."))
    try:
        start, end = _interval(match)
    except (ValueError, OverflowError):
        raise _bad(_("Datumet %(value)s finns inte.") % {"value": rest}) from None
    return DateBound(prefix, start, end)


def _interval(match) -> tuple[datetime.datetime, datetime.datetime]:
    year, month, day = int(match["year"]), int(match["month"] or 1), int(match["day"] or 1)
    if match["time"]:
        moment = datetime.datetime.fromisoformat(f"{match['year']}-{match['month']}-{match['day']}T{match['time']}")
        zone = match["zone"]
        if zone:
            moment = moment.replace(tzinfo=datetime.timezone.utc if zone == "Z" else datetime.datetime.strptime(
                zone.replace(":", ""), "%z").tzinfo)
        else:
            moment = timezone.make_aware(moment)
        step = datetime.timedelta(seconds=1) if match["time"].count(":") == 2 else datetime.timedelta(minutes=1)
        return moment, moment + step
    start = datetime.datetime(year, month, day)
    if match["day"]:
        end = start + datetime.timedelta(days=1)
    elif match["month"]:
        end = datetime.datetime(year + (month == 12), month % 12 + 1, 1)
    else:
        end = datetime.datetime(year + 1, 1, 1)
    # A date without a time is a day in Sweden, where the platform's days are.
    return timezone.make_aware(start), timezone.make_aware(end)


def one_of(allowed: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise _bad(_("Okänt värde %(value)s: välj bland %(allowed)s.") % {
                "value": value, "allowed": ", ".join(allowed)})
        return value
    return parse


def positive_integer(value: str) -> str:
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) < 1:
        raise _bad(_("Ange ett heltal från 1, till exempel 2."))
    return str(int(value))


def value_in(name: str) -> Callable[[Entry, list], bool]:
    """Exact match of a token or uri the entry carries (a token's system is not checked: these
    parameters have codes of one system each)."""
    def matches(entry: Entry, values: list) -> bool:
        wanted = entry.values.get(name)
        return any((v.code if isinstance(v, Token) else v) == wanted for v in values)
    return matches


COMMON_PARAMS = (
    SearchParam("_id", "token", "Resursens id", parse_id, matches=lambda e, values: e.id in values),
    SearchParam("_lastUpdated", "date", "När resursen senast ändrades (prefix ge, le, gt, lt, eq)", parse_date,
                matches=lambda e, values: any(b.matches(e.last_updated) for b in values)),
)
# Parameters of the result, not of a resource; stated in the CapabilityStatement as such.
RESULT_PARAMS = {"_count", "_offset", "_summary", "_format", "_pretty", "_total"}
FORMATS = ("json", "application/json", "application/fhir+json", "application/json+fhir")
TOTALS = ("none", "estimate", "accurate")


@dataclasses.dataclass
class Query:
    criteria: list  # (SearchParam, [values]) per occurrence
    count: int = DEFAULT_COUNT
    offset: int = 0
    summary: bool = False
    pretty: bool = False
    total: bool = True  # _total=none: no count, and the next link from one row beyond the page

    @property
    def window(self) -> tuple[int, int]:
        """The rows to read for the page: one beyond it, to know whether there is a next page."""
        return self.offset, self.offset + self.count + 1


@dataclasses.dataclass
class Page:
    entries: list[Entry]  # the page's, in order
    more: bool  # whether anything follows the page
    total: int | None  # None when the query asked for no total


def _check_raw(name: str, value: str):
    if "\x00" in name or "\x00" in value:
        raise _bad(_("Frågan innehåller ett otillåtet tecken (NUL)."))
    if len(value) > MAX_VALUE_LENGTH or len(name) > 50:
        raise _bad(_("Värdet av %(name)s är för långt (högst %(max)s tecken).") % {
            "name": name[:50], "max": MAX_VALUE_LENGTH})


def _bounded_int(name: str, value: str, low: int, high: int) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or not low <= int(value) <= high:
        raise _bad(_("%(name)s ska vara ett heltal från %(low)s till %(high)s.") % {
            "name": name, "low": low, "high": high})
    return int(value)


def parse_result_param(query: Query, name: str, value: str):
    if name == "_count":
        query.count = _bounded_int(name, value, 0, MAX_COUNT)
    elif name == "_offset":
        query.offset = _bounded_int(name, value, 0, MAX_OFFSET)
    elif name == "_summary":
        query.summary = one_of(("true", "false"))(value) == "true"
    elif name == "_pretty":
        query.pretty = one_of(("true", "false"))(value) == "true"
    elif name == "_total":
        # estimate is answered exactly: the count is as cheap as an estimate here.
        query.total = one_of(TOTALS)(value) != "none"
    elif name == "_format" and value.split(";", 1)[0].strip() not in FORMATS:
        raise FhirError(406, "not-supported", _("Servern svarar bara med JSON (application/fhir+json)."))


def parse_query(items: list[tuple[str, str]], params: dict[str, SearchParam], *, result_params=RESULT_PARAMS) -> Query:
    query = Query(criteria=[])
    for name, value in items:
        _check_raw(name, value)
        if name in result_params:
            parse_result_param(query, name, value)
            continue
        param = params.get(name)
        if param is None:
            raise _bad(_("Okänd sökparameter %(name)s. Servern stöder: %(known)s.") % {
                "name": name, "known": ", ".join(sorted(set(params) | result_params))})
        if not value:
            raise _bad(_("Sökparametern %(name)s saknar värde.") % {"name": name})
        query.criteria.append((param, [param.parse(v) for v in value.split(",")]))
    return query


def apply(entries: list[Entry], criteria: list) -> list[Entry]:
    for param, values in criteria:
        if param.narrow is not None:
            entries = param.narrow(entries, values)
        else:
            entries = [e for e in entries if param.matches(e, values)]
    return entries


def page_of(entries: list[Entry], query: Query) -> Page:
    """The page of a list already in memory (the types with few resources)."""
    matched = apply(entries, query.criteria)
    start, stop = query.window
    return Page(matched[start:stop - 1], len(matched) > stop - 1, len(matched) if query.total else None)


def searchset(*, base: str, type_name: str, items: list[tuple[str, str]], query: Query, page: Page,
              resources: list[dict]) -> dict:
    """The Bundle of one page, with self, first, previous and next links that keep the criteria."""
    kept = [(n, v) for n, v in items if n not in ("_count", "_offset")]

    def link(relation: str, offset: int) -> dict:
        return {"relation": relation,
                "url": f"{base}/{type_name}?{urlencode(kept + [('_count', query.count), ('_offset', offset)])}"}

    links = [link("self", query.offset), link("first", 0)]
    if query.offset > 0:
        links.append(link("previous", max(query.offset - max(query.count, 1), 0)))
    if query.count and page.more:
        links.append(link("next", query.offset + query.count))
    bundle = {"resourceType": "Bundle", "type": "searchset", "link": links}
    if page.total is not None:
        bundle["total"] = page.total
    if resources:  # FHIR has no empty lists: an empty page has no entry at all
        bundle["entry"] = [{"fullUrl": f"{base}/{type_name}/{r['id']}", "resource": r, "search": {"mode": "match"}}
                           for r in resources]
    return bundle
