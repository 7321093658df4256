"""Organization: the registry's sjukvårdsregioner, regions (länskod), kommuner (kommunkod) and
bodies (NPO, LPO, …), with partOf for the structure: a region is part of its sjukvårdsregion,
a body part of its parent body, else of the region or sjukvårdsregion that owns it."""

import datetime

from django.db.models import Max
from django.utils.translation import gettext as _
from fhir.resources.R4B.organization import Organization

from kunskapsnav.organisation.models import Body, HealthcareRegion, Municipality, Region

from . import systems
from .resource import ResourceType
from .search import Entry, SearchParam, Token, one_of, parse_token

# The id's prefix says what the Organization is; what follows is its code, or a body's key.
HEALTHCARE_REGION, REGION, MUNICIPALITY, BODY = "sjukvardsregion", "region", "kommun", "organ"
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def _last_changes(model) -> dict[int, datetime.datetime]:
    """When each row last changed, from its history (every write function records one)."""
    return dict(model.history.model.objects.values("id").annotate(at=Max("history_date")).values_list("id", "at"))


def _identifier(system: str, value: str) -> dict:
    return {"system": system, "value": value}


def _entries() -> list[Entry]:
    entries = []
    changed = _last_changes(HealthcareRegion)
    for pk, code in HealthcareRegion.objects.values_list("pk", "code"):
        entries.append(Entry(f"{HEALTHCARE_REGION}-{code}", changed.get(pk, EPOCH),
                             {"identifier": Token(systems.local("sjukvardsregion"), code), "active": "true"},
                             (HEALTHCARE_REGION, pk)))
    changed = _last_changes(Region)
    for pk, county, healthcare_region in Region.objects.values_list("pk", "county_code", "healthcare_region__code"):
        entries.append(Entry(f"{REGION}-{county}", changed.get(pk, EPOCH),
                             {"identifier": Token(systems.COUNTY_CODE, county), "active": "true",
                              "partof": f"{HEALTHCARE_REGION}-{healthcare_region}"}, (REGION, pk)))
    changed = _last_changes(Municipality)
    for pk, code in Municipality.objects.values_list("pk", "code"):
        entries.append(Entry(f"{MUNICIPALITY}-{code}", changed.get(pk, EPOCH),
                             {"identifier": Token(systems.MUNICIPALITY_CODE, code), "active": "true"},
                             (MUNICIPALITY, pk)))
    changed = _last_changes(Body)
    rows = Body.objects.values_list("pk", "is_active", "parent_id", "region__county_code", "healthcare_region__code")
    for pk, active, parent, county, healthcare_region in rows.order_by("pk"):
        entries.append(Entry(f"{BODY}-{pk}", changed.get(pk, EPOCH),
                             {"identifier": Token(systems.local("organ"), str(pk)),
                              "active": "true" if active else "false",
                              "partof": _body_part_of(parent, county, healthcare_region)}, (BODY, pk)))
    return entries


def _body_part_of(parent, county, healthcare_region) -> str | None:
    if parent:
        return f"{BODY}-{parent}"
    if county:
        return f"{REGION}-{county}"
    if healthcare_region:
        return f"{HEALTHCARE_REGION}-{healthcare_region}"
    return None  # a national body without a parent stands on its own


def _entry(resource_id: str) -> Entry | None:
    # Few enough rows (some hundred) that reading them all is simpler than one query per kind.
    return next((e for e in _entries() if e.id == resource_id), None)


def _type(code: str, text: str, *, kind: tuple[str, str] | None = None) -> list[dict]:
    coding = [{"system": systems.ORGANIZATION_TYPE, "code": code}]
    if kind:
        coding.append({"system": systems.local("organtyp"), "code": kind[0], "display": kind[1]})
    return [{"coding": coding, "text": text}]


def _base(entry: Entry) -> dict:
    identifier = entry.values["identifier"]
    resource = {
        "resourceType": "Organization",
        "id": entry.id,
        "meta": {"lastUpdated": entry.last_updated.isoformat()},
        "identifier": [_identifier(identifier.system, identifier.code)],
        "active": entry.values["active"] == "true",
    }
    if entry.values.get("partof"):
        resource["partOf"] = {"reference": f"Organization/{entry.values['partof']}"}
    return resource


def _describe(entry: Entry, obj) -> dict:
    resource = _base(entry)
    kind = entry.ref[0]
    if kind == HEALTHCARE_REGION:
        resource.update(name=obj.name, alias=[obj.short_name], type=_type("govt", _("Sjukvårdsregion")))
    elif kind == REGION:
        resource.update(name=obj.name, type=_type("govt", _("Region")))
    elif kind == MUNICIPALITY:
        resource.update(name=obj.name, type=_type("govt", _("Kommun")))
    else:
        label = obj.get_kind_display()
        resource.update(name=obj.name, type=_type("team", label, kind=(obj.kind, label)))
    return resource


MODELS = {HEALTHCARE_REGION: HealthcareRegion, REGION: Region, MUNICIPALITY: Municipality, BODY: Body}


def _build(entries: list[Entry]) -> list[dict]:
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        wanted.setdefault(entry.ref[0], set()).add(entry.ref[1])
    objects = {(kind, obj.pk): obj for kind, pks in wanted.items() for obj in MODELS[kind].objects.filter(pk__in=pks)}
    return [_describe(entry, objects[entry.ref]) for entry in entries]


def _identifier_matches(entry: Entry, values: list[Token]) -> bool:
    own = entry.values["identifier"]
    return any(v.code == own.code and v.system in (None, own.system) for v in values)


def _parse_reference(value: str) -> str:
    return value.removeprefix("Organization/")


ORGANIZATION = ResourceType(
    name="Organization",
    model=Organization,
    documentation="Sjukvårdsregioner, regioner (länskod), kommuner (kommunkod) och organ i kunskapsstyrningen.",
    params=(
        SearchParam("identifier", "token", "Länskod, kommunkod, sjukvårdsregionens kod eller organets nummer "
                    "(system|värde)", parse_token, matches=_identifier_matches),
        SearchParam("partof", "reference", "Den organisation som denna är en del av (Organization/region-18)",
                    _parse_reference, matches=lambda e, values: e.values.get("partof") in values),
        SearchParam("active", "token", "Om organet är aktivt (true eller false)", one_of(("true", "false")),
                    matches=lambda e, values: e.values["active"] in values),
    ),
    entries=_entries,
    entry=_entry,
    build=_build,
)
