"""PlanDefinition: a public version of a knowledge support, following HL7's Clinical Practice
Guidelines IG (CPG-on-FHIR), and a derived PlanDefinition per region and version for the
region's additions. The mapping element by element is in docs/content-api.md, "FHIR R4"."""

import functools
import re
from collections import namedtuple

from django.db import connection
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fhir.resources.R4B.plandefinition import PlanDefinition

from kunskapsnav.knowledge import search, selectors
from kunskapsnav.knowledge.models import (
    CodeSystem,
    Direction,
    Recommendation,
    RecommendationCode,
    RegionalAddition,
    Strength,
    SupportCondition,
    SupportType,
    SupportVersion,
    VersionStatus,
    VersionTransition,
)
from kunskapsnav.lib.bounds import INTEGER_MAX
from kunskapsnav.lib.idlists import id_subquery
from kunskapsnav.lib.richtext import plain_text
from kunskapsnav.organisation.models import Region

from . import systems
from .outcome import FhirError
from .resource import ResourceType
from .search import (
    DateBound,
    Entry,
    Page,
    Query,
    SearchParam,
    Token,
    apply,
    one_of,
    parse_token,
    parse_uri,
    positive_integer,
    value_in,
)

PUBLIC = (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN)
STATUS = {VersionStatus.PUBLISHED: "active", VersionStatus.SUPERSEDED: "retired", VersionStatus.WITHDRAWN: "retired"}
NATIONAL, REGIONAL = "national", "regional"
# <support>-<version>, or <support>-<version>-<länskod> for a region's derived PlanDefinition.
ID = re.compile(r"(?P<support>[1-9]\d{0,17})-(?P<number>[1-9]\d{0,9})(-(?P<county>\d{2}))?")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.]{0,19}")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# What a code is evidence of in the journal, for the action's input (a DataRequirement).
INPUT_OF_SYSTEM = {
    CodeSystem.ICD10SE: ("Condition", "code"),
    CodeSystem.SNOMED: ("Condition", "code"),
    CodeSystem.KVA: ("Procedure", "code"),
    CodeSystem.ATC: ("MedicationStatement", "medication"),
}
# A code search's matches read from the search index as a list, at most (see _indexed).
MATCHES_AS_LIST = 2000
SYSTEM_OF_URI = {uri: system for system, uri in systems.CODE_SYSTEMS.items()}


def canonical(support_id: int) -> str:
    """The support's canonical url: the same for all its versions, and its page on the site."""
    before, after = _canonical_parts(systems.site(), get_script_prefix())
    return f"{before}{support_id}{after}"


@functools.lru_cache(maxsize=8)
def _canonical_parts(site: str, script_prefix: str) -> tuple[str, str]:
    """What comes before and after the support's id in its canonical url: reversed once, not
    for each of a page's PlanDefinitions (the prefix is part of the key, as reverse reads it)."""
    before, after = (site + reverse("knowledge:support_detail", args=[0])).rsplit("0", 1)
    return before, after


def regional_canonical(support_id: int, county: str) -> str:
    return f"{canonical(support_id)}?region={county}"


def _latest(*moments):
    return max(m for m in moments if m is not None)


def _national_entry(pk, support_id, number, status, published_at, created_at, changed) -> Entry:
    return Entry(
        f"{support_id}-{number}", _latest(changed, published_at, created_at),
        {"url": canonical(support_id), "version": str(number), "status": STATUS[status]},
        (NATIONAL, pk),
    )


def _national_entries(versions) -> list[Entry]:
    """The entries of these versions (a queryset, in its order), with their last transitions
    read in a second query for these rows only rather than grouped over every version."""
    rows = list(versions.values_list("pk", "support_id", "number", "status", "published_at", "created_at"))
    changed = {}
    if rows:
        changed = dict(VersionTransition.objects.filter(version_id__in=[row[0] for row in rows]).order_by()
                       .values("version_id").annotate(at=Max("at")).values_list("version_id", "at"))
    return [_national_entry(*row, changed.get(row[0])) for row in rows]


def _public(*conditions, **lookups) -> QuerySet:
    return SupportVersion.objects.filter(*conditions, status__in=PUBLIC, **lookups).order_by("support_id", "number")


def _regional_rows(versions=None):
    """(version, länskod, latest change) for every public version that has an addition of the
    region: written to one of its recommendations or to an earlier or later version of one
    (by the recommendation's identity), as selectors.additions_by_key shows them on the page."""
    path = "recommendation__version__support__versions"
    qs = RegionalAddition.objects.filter(**{
        f"{path}__status__in": PUBLIC, f"{path}__recommendations__key": F("recommendation__key"),
    })
    if versions is not None:
        qs = qs.filter(**{f"{path}__in": SupportVersion.objects.filter(versions)})
    return qs.values(path, "region__county_code").annotate(at=Max("updated_at")).values_list(
        path, "region__county_code", "at")


def _regional_entries(versions=None) -> list[Entry]:
    """The regional entries, ordered by support, version and region. There are as many as the
    regions' additions reach, not as many as there are versions."""
    rows = list(_regional_rows(versions))
    if not rows:
        return []
    national = {e.ref[1]: e for e in _national_entries(_public(Q(pk__in={row[0] for row in rows})))}
    entries = []
    for version_pk, county, at in rows:
        base = national.get(version_pk)
        if base is not None:
            entries.append(Entry(
                f"{base.id}-{county}", _latest(base.last_updated, at),
                {**base.values, "url": regional_canonical(int(base.id.split("-")[0]), county)},
                (REGIONAL, version_pk, county),
            ))
    return sorted(entries, key=lambda e: (*map(int, e.id.split("-")[:2]), e.ref[2]))


def _entry(resource_id: str) -> Entry | None:
    match = ID.fullmatch(resource_id)
    if not match or int(match["number"]) > INTEGER_MAX or int(match["support"]) >= 2**63:
        return None
    version = Q(support_id=int(match["support"]), number=int(match["number"]))
    found = _regional_entries(version) if match["county"] else _national_entries(_public(version))
    return next((e for e in found if e.id == resource_id), None)


def _checked(token: Token) -> str | None:
    """The token's code system (None: any), after checking the code and the system."""
    if not CODE.fullmatch(token.code):
        raise FhirError(400, "invalid",
                        _("En kod består av bokstäver, siffror och punkter, till exempel I50 eller I50.1."))
    if token.system is None:
        return None
    system = SYSTEM_OF_URI.get(token.system)
    if system is None:
        raise FhirError(400, "invalid", _("Okänt kodverk %(system)s: välj bland %(known)s.") % {
            "system": token.system[:100], "known": ", ".join(systems.CODE_SYSTEMS.values())})
    return system


def _in_system(code: str, system: str) -> Q:
    """The versions with the code or one below it in the system, as a condition on
    SupportVersion: the codes are looked up once (IN a subquery), not once per version."""
    codes = RecommendationCode.objects.filter(_prefixed(code), system=system)
    wanted = Q(pk__in=codes.values("recommendation__version_id"))
    if system == CodeSystem.ICD10SE:  # the support's own conditions are ICD-10-SE
        wanted |= Q(support_id__in=SupportCondition.objects.filter(_prefixed(code)).values("support_id"))
    return wanted


def _prefixed(code: str) -> Q:
    """Codes that start with code. SQLite's LIKE ignores case and so never uses the index on
    the code; there a range does the same for the codes' characters (the stored codes are upper
    case, and SQLite compares bytes). Elsewhere a range is not the same under a linguistic
    collation, so LIKE it is."""
    starts = Q(code__startswith=code)
    if connection.vendor == "sqlite":
        starts &= Q(code__gte=code, code__lt=code[:-1] + chr(ord(code[-1]) + 1))
    return starts


def _where_condition(values: list[Token], *, few: bool = False) -> Q:
    """?condition=I50 finds I50 and everything below it (I50.1, I50.9) in the version's
    recommendations or among the support's conditions; a comma between codes is OR.

    The versions come from the search index, which holds each version's codes and status
    (knowledge.search.versions_with_codes), so only the matches are read: joining codes to
    recommendations to versions read all 50 000 versions to count a few hundred. The index
    matches codes without their dots, as the search box does (I501 is I50.1). A code in a
    named system is looked up among that system's codes too, within what the index found.
    With few, the condition narrows a few versions given by key, and stays a subquery."""
    anywhere = [token.code.upper() for token in values if _checked(token) is None]
    wanted = Q(pk__in=[])
    if anywhere:
        wanted |= _indexed(anywhere, few=few)
    for token in values:
        system = _checked(token)
        if system is not None:
            wanted |= _indexed([token.code.upper()], few=few) & _in_system(token.code.upper(), system)
    return wanted


def _indexed(codes: list[str], *, few: bool) -> Q:
    """The public versions with any of the codes. Up to MATCHES_AS_LIST of them are read from
    the index and given to the database as one list, which it looks up by key; more, and they
    stay a subquery, which the database joins to all versions (about 20 ms at 50 000) rather
    than look up each one (docs/performance.md)."""
    ids = None if few else search.version_ids_with_codes(codes, PUBLIC, at_most=MATCHES_AS_LIST)
    if ids is not None:
        return Q(pk__in=id_subquery(ids))
    return Q(pk__in=RawSQL(*search.versions_with_codes(codes, PUBLIC)))


def _narrow_by_condition(entries: list[Entry], values: list[Token]) -> list[Entry]:
    if not entries:
        return entries
    with search.planned_with_indexes():
        wanted = _public(_where_condition(values, few=True), pk__in={e.ref[1] for e in entries})
        pks = set(wanted.values_list("pk", flat=True))
    return [e for e in entries if e.ref[1] in pks]


# -- searching in the database ----------------------------------------------------------------
# The national PlanDefinitions are the public versions: each criterion is a condition on
# SupportVersion, and the page is read with LIMIT/OFFSET. The regional ones (as many as the
# additions reach) follow all national ones and are filtered in memory.


def _where_id(values: list[str]) -> Q:
    wanted = Q(pk__in=[])
    for value in values:
        match = ID.fullmatch(value)
        if match and not match["county"] and int(match["number"]) <= INTEGER_MAX and int(match["support"]) < 2**63:
            wanted |= Q(support_id=int(match["support"]), number=int(match["number"]))
    return wanted


def _changed_since(moment) -> Q:
    """The version's last change (creation, publication or a transition) is at or after moment."""
    transitions = VersionTransition.objects.filter(version=OuterRef("pk"), at__gte=moment)
    return Q(created_at__gte=moment) | Q(published_at__gte=moment) | Q(Exists(transitions))


def _where_last_updated(values: list[DateBound]) -> Q:
    wanted = Q(pk__in=[])
    for bound in values:
        wanted |= {
            "eq": lambda b: _changed_since(b.start) & ~_changed_since(b.end),
            "ge": lambda b: _changed_since(b.start),
            "gt": lambda b: _changed_since(b.end),
            "le": lambda b: ~_changed_since(b.end),
            "lt": lambda b: ~_changed_since(b.start),
        }[bound.prefix](bound)
    return wanted


def _support_of_canonical(url: str) -> int | None:
    """The support whose canonical url this is, or None."""
    before, after = _canonical_parts(systems.site(), get_script_prefix())
    digits = url.removeprefix(before).removesuffix(after) if url.startswith(before) and url.endswith(after) else ""
    if digits.isascii() and digits.isdigit() and len(digits) <= 18 and canonical(int(digits)) == url:
        return int(digits)
    return None


def _where_url(values: list[str]) -> Q:
    return Q(support_id__in=[pk for pk in map(_support_of_canonical, values) if pk is not None])


def _where_version(values: list[str]) -> Q:
    return Q(number__in=[int(v) for v in values if int(v) <= INTEGER_MAX])


def _where_status(values: list[str]) -> Q:
    return Q(status__in=[status for status, code in STATUS.items() if code in values])


WHERE = {"_id": _where_id, "_lastUpdated": _where_last_updated, "url": _where_url, "version": _where_version,
         "status": _where_status, "condition": _where_condition}


def _search(query: Query) -> Page:
    codes = _only_codes(query)
    if codes is not None:
        matches = search.versions_and_supports_with_codes(codes, PUBLIC, at_most=MATCHES_AS_LIST)
        if matches is not None:  # the matches are all there is to count
            nationals = SupportVersion.objects.filter(pk__in=id_subquery([v for v, _s in matches]))
            return _page(nationals.order_by("support_id", "number"), query, national_count=len(matches),
                         window=_window_of_matches(matches, query))
    criteria = [WHERE[param.name](values) for param, values in query.criteria]
    if any(param.name == "condition" for param, _values in query.criteria):
        # The code match keeps to the public versions itself: said again as a condition on
        # the versions, it makes PostgreSQL read every version to join them to the matches;
        # and with many matches, the index subquery is read through its inverted index only
        # with sequential scans off (knowledge.search.planned_with_indexes).
        with search.planned_with_indexes():
            return _page(SupportVersion.objects.filter(*criteria).order_by("support_id", "number"), query)
    return _page(_public(*criteria), query)


def _only_codes(query: Query) -> list[str] | None:
    """The codes of a search by condition codes in any system and nothing else (the common
    search of a journal system), else None."""
    if len(query.criteria) != 1 or query.criteria[0][0].name != "condition":
        return None
    tokens = query.criteria[0][1]
    return None if any(_checked(t) is not None for t in tokens) else [t.code.upper() for t in tokens]


def _window_of_matches(matches: list[tuple[int, int]], query: Query) -> list[Entry]:
    """The national entries of the page's window among the matches (version, support), in the
    order of a search (by support, then version number), reading the numbers of the page's
    supports' matches only: ordered by support, the groups fall where they would in any case,
    so only the order inside the groups at the window needs the numbers. Sorting a thousand
    matches here is cheaper than the database's join of them to the versions."""
    start, stop = query.window
    ordered = sorted(matches, key=lambda m: (m[1], m[0]))
    supports = {support for _version, support in ordered[start:stop]}
    if not supports:
        return []
    first = next(i for i, (_version, support) in enumerate(ordered) if support in supports)
    grouped = [version for version, support in ordered if support in supports]
    entries = _national_entries(SupportVersion.objects.filter(pk__in=grouped).order_by("support_id", "number"))
    return entries[start - first:stop - first]


def _page(nationals: QuerySet, query: Query, *, national_count: int | None = None,
          window: list[Entry] | None = None) -> Page:
    """The page of national then regional entries; national_count, when known, spares the
    count of the national ones, and window, when known, the reading of the window's ones."""
    start, stop = query.window
    entries = window if window is not None else _national_entries(nationals[start:stop])
    known = national_count
    national_count = None
    if len(entries) < stop - start:  # the national ones end here: what follows is regional
        national_count = start + len(entries) if entries or not start else (
            known if known is not None else nationals.count())
    regional = []
    if national_count is not None or query.total:
        regional = apply(_regional_entries(), query.criteria)
    if national_count is not None:
        skip = max(start - national_count, 0)
        entries += regional[skip:skip + stop - start - len(entries)]
    elif query.total:
        national_count = known if known is not None else nationals.count()
    total = national_count + len(regional) if query.total else None
    return Page(entries[:query.count], len(entries) > query.count, total)


# -- building --------------------------------------------------------------------------------


# A recommendation and a code as the building reads them: plain rows, since making model
# instances of a page's recommendations and codes (and a queryset per .codes.all()) took
# longer than everything else in a search page together.
RecommendationRow = namedtuple("RecommendationRow", "pk key position section text priority strength direction codes")
CodeRow = namedtuple("CodeRow", "system code")
RECOMMENDATION_FIELDS = ("pk", "version_id", "key", "position", "section", "text", "priority", "strength", "direction")


def _versions(pks) -> dict[int, SupportVersion]:
    qs = (SupportVersion.objects.filter(pk__in=pks)
          .select_related("support__issuer_body", "support__issuer_region")
          .prefetch_related("support__target_groups", "support__conditions", "attachments"))
    return {v.pk: v for v in qs}


def _recommendations(version_pks) -> dict[int, list[RecommendationRow]]:
    """The versions' recommendations in order, each with its codes, in two queries whatever
    the number of versions."""
    codes: dict[int, list[CodeRow]] = {}
    code_rows = (RecommendationCode.objects.filter(recommendation__version_id__in=version_pks)
                 .order_by("system", "code").values_list("recommendation_id", "system", "code"))
    for recommendation_id, system, code in code_rows:
        codes.setdefault(recommendation_id, []).append(CodeRow(system, code))
    found: dict[int, list[RecommendationRow]] = {}
    rows = (Recommendation.objects.filter(version_id__in=version_pks).order_by("version_id", "position")
            .values_list(*RECOMMENDATION_FIELDS))
    for pk, version_id, *rest in rows:
        found.setdefault(version_id, []).append(RecommendationRow(pk, *rest, codes.get(pk, [])))
    return found


def _predecessors(versions) -> dict[int, int]:
    """The public version each replaced, by version pk: the one before it that a reader sees."""
    numbers: dict[int, list[int]] = {}
    rows = SupportVersion.objects.filter(status__in=PUBLIC, support_id__in={v.support_id for v in versions})
    for support_id, number in rows.values_list("support_id", "number"):
        numbers.setdefault(support_id, []).append(number)
    found = {}
    for v in versions:
        earlier = [n for n in numbers.get(v.support_id, []) if n < v.number]
        if earlier:
            found[v.pk] = max(earlier)
    return found


@functools.lru_cache(maxsize=256)
def _label_in(choices, value, language) -> str:
    """A choice's label in the active language, kept per language: Django's get_FOO_display
    translates every choice of the field on each call, which for the actions of a page of
    PlanDefinitions was a large part of the page. Called with get_language()."""
    return str(choices(value).label)


def _instant(moment) -> str:
    """A dateTime as the R4B model writes it (UTC as Z), so that the resource built here is the
    one the model would give and need not be run through it on every request."""
    written = moment.isoformat()
    return written.removesuffix("+00:00") + "Z" if written.endswith("+00:00") else written


def _codeable(system: str, code: str, display: str | None = None, text: str | None = None) -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    concept = {"coding": [coding]}
    if text:
        concept["text"] = text
    return concept


def _use_context(version: SupportVersion) -> list[dict]:
    contexts = [
        {"code": {"system": systems.USAGE_CONTEXT_TYPE, "code": "user"},
         "valueCodeableConcept": _codeable(systems.local("malgrupp"), group.code, group.name, group.name)}
        for group in version.support.target_groups.all()
    ]
    contexts += [
        {"code": {"system": systems.USAGE_CONTEXT_TYPE, "code": "focus"},
         "valueCodeableConcept": _codeable(systems.ICD10SE, condition.code)}
        for condition in version.support.conditions.all()
    ]
    return contexts


def _attachment_artifact(attachment) -> dict:
    url = systems.site() + reverse("knowledge:attachment_download", args=[attachment.pk])
    return {"type": "documentation", "display": attachment.title,
            "document": {"contentType": MEDIA_TYPES[attachment.kind], "url": url, "title": attachment.title,
                         "size": attachment.size}}


# The parts of an action that depend only on its grade, direction or code and the language
# are made once per language and shared (they are only ever serialised, never changed): made
# anew for each of a page's 200 actions, with a translation lookup each, they were a good
# part of a search page's time.


@functools.lru_cache(maxsize=64)
def _grade_extensions(priority: int | None, strength: str, direction: str, language: str) -> tuple[dict, ...]:
    """Priority (Socialstyrelsen's scale 1–10) or strength as CPG's strengthOfRecommendation;
    do and do-not as CPG's directionOfRecommendation (research only has no code there)."""
    extensions = []
    if priority:
        label = _("Prioritet %(p)s") % {"p": priority}
        extensions.append({"url": systems.STRENGTH_EXTENSION, "valueCodeableConcept": _codeable(
            systems.local("socialstyrelsen-prioritet"), str(priority), label, label)})
    elif strength:
        code = "strong" if strength == Strength.STRONG else "weak"
        extensions.append({"url": systems.STRENGTH_EXTENSION, "valueCodeableConcept": _codeable(
            systems.RECOMMENDATION_STRENGTH, code, code.capitalize(), _label_in(Strength, strength, language))})
    coded = {Direction.DO: "for", Direction.DO_NOT: "against"}.get(direction)
    if coded:
        extensions.append({"url": systems.DIRECTION_EXTENSION, "valueCodeableConcept": _codeable(
            systems.DIRECTION, coded, coded.capitalize(), _label_in(Direction, direction, language))})
    return tuple(extensions)


@functools.lru_cache(maxsize=16)
def _direction_code(direction: str, language: str) -> dict:
    label = _label_in(Direction, direction, language)
    return _codeable(systems.local("riktning"), direction, label, label)


@functools.lru_cache(maxsize=4096)
def _condition(code: str) -> dict:
    # The codes' formats are checked when they are saved (knowledge/codes.py): no quote in them.
    expression = (f"Condition.code.coding.where(system = '{systems.ICD10SE}' "
                  f"and code.startsWith('{code}')).exists()")
    return {"kind": "applicability", "expression": {
        "language": "text/fhirpath", "expression": expression, "description": f"ICD-10-SE {code}"}}


@functools.lru_cache(maxsize=4096)
def _input(system: str, code: str, language: str) -> dict:
    resource_type, path = INPUT_OF_SYSTEM[system]
    return {"type": resource_type, "codeFilter": [
        {"path": path, "code": [{"system": systems.CODE_SYSTEMS[system], "code": code,
                                 "display": f"{_label_in(CodeSystem, system, language)} {code}"}]}]}


@functools.lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    """A recommendation's words: the same texts recur in the versions of a support and on
    page after page, and each costs a pass through the HTML cleaner."""
    return plain_text(text)


def _action(recommendation: RecommendationRow, language: str) -> dict:
    codes = recommendation.codes
    grades = _grade_extensions(recommendation.priority, recommendation.strength, recommendation.direction, language)
    action = {
        "id": str(recommendation.key),
        "prefix": str(recommendation.position),
        "title": recommendation.section or None,
        "description": _plain(recommendation.text),
        "extension": list(grades) or None,
        "code": [_direction_code(recommendation.direction, language)],
        "condition": [_condition(c.code) for c in codes if c.system == CodeSystem.ICD10SE] or None,
        "input": [_input(c.system, c.code, language) for c in codes] or None,
    }
    return {k: v for k, v in action.items() if v is not None}


def _type(version: SupportVersion, language: str) -> dict:
    return {"coding": [{"system": systems.PLAN_DEFINITION_TYPE, "code": "clinical-protocol",
                        "display": "Clinical Protocol"}], "text": _label_in(SupportType, version.support.type, language)}


def _national(entry: Entry, version: SupportVersion, recommendations: list[RecommendationRow],
              predecessor: int | None) -> dict:
    support = version.support
    url = canonical(support.pk)
    language = get_language()
    artifacts = []
    if predecessor:
        artifacts.append({"type": "predecessor", "resource": f"{url}|{predecessor}",
                          "display": _("Version %(n)s") % {"n": predecessor}})
    artifacts += [_attachment_artifact(a) for a in version.attachments.all()]
    resource = {
        "resourceType": "PlanDefinition",
        "id": entry.id,
        "meta": {"lastUpdated": _instant(entry.last_updated)},
        "url": url,
        "version": str(version.number),
        "title": support.title,
        "type": _type(version, get_language()),
        "status": STATUS[version.status],
        "date": _instant(version.published_at or entry.last_updated),
        "publisher": str(support.issuer),
        "description": plain_text(version.summary) or None,
        "useContext": _use_context(version) or None,
        "approvalDate": version.approved_at.date().isoformat() if version.approved_at else None,
        "relatedArtifact": artifacts or None,
        "action": [_action(r, language) for r in recommendations] or None,
    }
    return {k: v for k, v in resource.items() if v is not None}


def _regional(entry: Entry, version: SupportVersion, recommendations: list[RecommendationRow],
              region: Region) -> dict:
    """The region's additions as a PlanDefinition derived from the national one: an action
    per recommendation the region adds to, with the same id (the recommendation's identity)."""
    support = version.support
    additions = selectors.additions_by_key(version, region=region, show_all=False)
    actions = []
    for recommendation in recommendations:
        for addition in additions.get(str(recommendation.key), []):
            action = {"id": str(recommendation.key), "prefix": str(recommendation.position),
                      "title": recommendation.section or None, "description": plain_text(addition.text)}
            actions.append({k: v for k, v in action.items() if v is not None})
    resource = {
        "resourceType": "PlanDefinition",
        "id": entry.id,
        "meta": {"lastUpdated": _instant(entry.last_updated)},
        "url": entry.values["url"],
        "version": str(version.number),
        "title": _("%(title)s – tillägg från %(region)s") % {"title": support.title, "region": region.name},
        "type": _type(version, get_language()),
        "status": STATUS[version.status],
        "date": _instant(entry.last_updated),
        "publisher": region.name,
        "relatedArtifact": [{"type": "derived-from", "resource": f"{canonical(support.pk)}|{version.number}",
                             "display": support.title}],
        "action": actions or None,
    }
    return {k: v for k, v in resource.items() if v is not None}


def _build(entries: list[Entry]) -> list[dict]:
    versions = _versions({e.ref[1] for e in entries})
    recommendations = _recommendations(list(versions))
    predecessors = _predecessors(versions.values())
    regions = {r.county_code: r for r in Region.objects.filter(
        county_code__in={e.ref[2] for e in entries if e.ref[0] == REGIONAL})}
    built = []
    for entry in entries:
        version = versions[entry.ref[1]]
        if entry.ref[0] == NATIONAL:
            built.append(_national(entry, version, recommendations.get(version.pk, []), predecessors.get(version.pk)))
        else:
            built.append(_regional(entry, version, recommendations.get(version.pk, []), regions[entry.ref[2]]))
    return built


PLAN_DEFINITION = ResourceType(
    name="PlanDefinition",
    model=PlanDefinition,
    documentation="En publik version av ett kunskapsstöd (publicerad, ersatt eller återkallad) med rekommendationerna "
                  "som actions enligt CPG-on-FHIR; en regions tillägg som en härledd PlanDefinition per version.",
    params=(
        SearchParam("url", "uri", "Kunskapsstödets kanoniska url (samma för alla versioner)", parse_uri,
                    matches=value_in("url")),
        SearchParam("version", "token", "Versionsnumret", positive_integer, matches=value_in("version")),
        SearchParam("status", "token", "active (gällande) eller retired (ersatt eller återkallad)",
                    one_of(("active", "retired", "draft", "unknown")), matches=value_in("status")),
        SearchParam("condition", "token", "Kod i en rekommendation eller ett tillstånd för kunskapsstödet "
                    "(ICD-10-SE, KVÅ, ATC, SNOMED CT; system|kod eller kod); I50 träffar även I50.1",
                    parse_token, narrow=_narrow_by_condition,
                    definition="PlanDefinition-condition",
                    expression="PlanDefinition.action.input.codeFilter.code | PlanDefinition.useContext.value"),
    ),
    entry=_entry,
    build=_build,
    search=_search,
    validate_each=False,
)
