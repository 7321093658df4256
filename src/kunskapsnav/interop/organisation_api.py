"""/api/v1/ resources of the organisation registry."""

import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from kunskapsnav.interop.api import READ_AUTH, WRITE_AUTH
from kunskapsnav.interop.edge import Day, FieldOf, Id, In, Pagination
from kunskapsnav.interop.references import resolve
from kunskapsnav.organisation import bodies, coverage, memberships, people, selectors
from kunskapsnav.organisation.models import (
    Body,
    BodyKind,
    HealthcareRegion,
    Level,
    Membership,
    Municipality,
    Person,
    Region,
    Role,
)

router = Router(tags=["organisation"])

# --- schemas ---------------------------------------------------------------------------


class HealthcareRegionOut(Schema):
    code: str
    name: str
    short_name: str
    regions: list[str] = Field(..., description="Länskoder för regionerna i sjukvårdsregionen")

    @staticmethod
    def resolve_regions(obj):
        return [r.county_code for r in obj.regions.all()]


class RegionOut(Schema):
    county_code: str
    name: str
    healthcare_region: str = Field(..., alias="healthcare_region.code")


class MunicipalityOut(Schema):
    code: str
    name: str
    county_code: str = Field(..., alias="region.county_code")


class BodyOut(Schema):
    id: int
    kind: str
    kind_label: str
    level: str
    name: str
    description: str
    region: str | None = Field(None, description="Länskod för regionala organ")
    healthcare_region: str | None = Field(None, description="Kod för sjukvårdsregionala organ")
    mirrors: int | None = Field(None, description="Id för det nationella organ som organet speglar")
    parent: int | None = None
    host_region: str | None = Field(None, description="Värdregionens länskod (NPO och NSG)")
    is_active: bool
    is_synthetic: bool

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_level(obj):
        return obj.level.value

    @staticmethod
    def resolve_region(obj):
        return obj.region.county_code if obj.region_id else None

    @staticmethod
    def resolve_healthcare_region(obj):
        return obj.healthcare_region.code if obj.healthcare_region_id else None

    @staticmethod
    def resolve_mirrors(obj):
        return obj.mirrors_id

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id

    @staticmethod
    def resolve_host_region(obj):
        return obj.host_region.county_code if obj.host_region_id else None


class BodyFilter(Schema):
    q: str = ""
    level: Level | None = None
    kind: BodyKind | None = None
    region: str | None = Field(None, description="Länskod: regionens organ och dess sjukvårdsregions")
    healthcare_region: str | None = None
    mirrors: Id | None = Field(None, description="Id för ett nationellt organ: de organ som speglar det")
    include_inactive: bool = False


class BodyIn(In):
    kind: BodyKind
    name: str
    description: str = ""
    region: str | None = None
    healthcare_region: str | None = None
    mirrors: Id | None = None
    parent: Id | None = None
    host_region: str | None = None
    is_active: bool = True


class BodyPatch(In):
    kind: BodyKind | None = None
    name: str | None = None
    description: str | None = None
    region: str | None = None
    healthcare_region: str | None = None
    mirrors: Id | None = None
    parent: Id | None = None
    host_region: str | None = None
    is_active: bool | None = None


class PersonRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj):
        return str(obj)


class PersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    title: str
    home_region: str | None = None
    is_synthetic: bool

    @staticmethod
    def resolve_home_region(obj):
        return obj.home_region.county_code if obj.home_region_id else None


class PersonIn(In):
    given_name: str
    family_name: str
    title: str = ""
    home_region: str | None = None
    email: str = ""
    hsa_id: str = Field("", description="HSA-id, till exempel SE2321000032-abc123; känner igen personen vid inloggning")


class PersonPatch(In):
    given_name: str | None = None
    family_name: str | None = None
    title: str | None = None
    home_region: str | None = None
    email: str | None = None
    hsa_id: str | None = Field(None, description="HSA-id; tom sträng eller null tar bort det")


class MembershipOut(Schema):
    id: int
    body: int
    person: PersonRef
    role: Role
    role_label: str
    represents_region: str | None = None
    represents_healthcare_region: str | None = None
    start_date: datetime.date
    end_date: datetime.date | None
    time_share: int | None = Field(None, description="Avsatt arbetstid i procent")
    note: str

    @staticmethod
    def resolve_body(obj):
        return obj.body_id

    @staticmethod
    def resolve_role_label(obj):
        return obj.get_role_display()

    @staticmethod
    def resolve_represents_region(obj):
        return obj.represents_region.county_code if obj.represents_region_id else None

    @staticmethod
    def resolve_represents_healthcare_region(obj):
        return obj.represents_healthcare_region.code if obj.represents_healthcare_region_id else None


class MembershipFilter(Schema):
    body: Id | None = None
    person: Id | None = None
    region: str | None = Field(None, description="Länskod: uppdrag som företräder regionen")
    active_on: Day | None = Field(None, description="Bara uppdrag som gäller detta datum")


class MembershipIn(In):
    body: Id
    person: Id
    role: Role
    represents_region: str | None = None
    represents_healthcare_region: str | None = None
    start_date: Day
    end_date: Day | None = None
    time_share: int | None = FieldOf(Membership, "time_share", None)
    note: str = ""


class MembershipPatch(In):
    role: Role | None = None
    represents_region: str | None = None
    represents_healthcare_region: str | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    time_share: int | None = FieldOf(Membership, "time_share", None)
    note: str | None = None


class CoverageCellOut(Schema):
    region: str
    npo: int
    npo_name: str
    status: Literal["body", "contact", "hole"]
    status_label: str
    bodies: list[int]
    contacts: list[str]


class RegionCoverageOut(Schema):
    day: datetime.date
    hole_count: int
    cells: list[CoverageCellOut]


class RpoCoverageOut(Schema):
    npo: int
    npo_name: str
    rpos: list[int]


class KsgMemberOut(Schema):
    region: str
    members: list[str]


class HealthcareRegionCoverageOut(Schema):
    healthcare_region: str
    ksg: int | None
    rpos: list[RpoCoverageOut]
    npos_without_rpo: list[int]
    ksg_members: list[KsgMemberOut]
    regions_without_ksg_member: list[str]


# --- input conversion ------------------------------------------------------------------


def _body_values(data: dict) -> dict:
    kinds = {
        "region": "region",
        "host_region": "region",
        "healthcare_region": "healthcare_region",
        "mirrors": "body",
        "parent": "body",
    }
    values = dict(data)
    for field, kind in kinds.items():
        if field in values:
            values[field] = resolve(field, kind, values[field])
    if "description" in values and values["description"] is None:
        values["description"] = ""
    return values


def _membership_values(data: dict) -> dict:
    values = dict(data)
    if "represents_region" in values:
        values["represents_region"] = resolve("represents_region", "region", values["represents_region"])
    if "represents_healthcare_region" in values:
        values["represents_healthcare_region"] = resolve(
            "represents_healthcare_region", "healthcare_region", values["represents_healthcare_region"]
        )
    for text in ("note",):
        if text in values and values[text] is None:
            values[text] = ""
    return values


def _person_values(data: dict) -> dict:
    values = {k: ("" if v is None and k in ("title", "email", "hsa_id") else v) for k, v in data.items()}
    if "home_region" in values:
        values["home_region"] = resolve("home_region", "region", values["home_region"])
    return values


# --- reference data --------------------------------------------------------------------


@router.get("/healthcare-regions", response=list[HealthcareRegionOut], summary="Sjukvårdsregioner")
def list_healthcare_regions(request):
    return HealthcareRegion.objects.prefetch_related("regions")


@router.get("/regions", response=list[RegionOut], summary="Regioner")
def list_regions(request):
    return Region.objects.select_related("healthcare_region")


@router.get("/regions/{county_code}", response=RegionOut, summary="En region")
def get_region(request, county_code: str):
    return get_object_or_404(Region.objects.select_related("healthcare_region"), county_code=county_code)


@router.get("/municipalities", response=list[MunicipalityOut], summary="Kommuner")
@paginate(Pagination)
def list_municipalities(request, region: str | None = None):
    qs = Municipality.objects.select_related("region")
    if region:
        qs = qs.filter(region__county_code=region)
    return qs


# --- bodies ----------------------------------------------------------------------------


@router.get("/bodies", response=list[BodyOut], summary="Organ, med filter på nivå, typ, region och speglat organ")
@paginate(Pagination)
def list_bodies(request, filters: Query[BodyFilter]):
    region = resolve("region", "region", filters.region)
    healthcare_region = resolve("healthcare_region", "healthcare_region", filters.healthcare_region)
    mirrors = resolve("mirrors", "body", filters.mirrors)
    return selectors.bodies_search(
        q=filters.q,
        level=filters.level,
        kind=filters.kind,
        region=region,
        healthcare_region=healthcare_region,
        mirrors=mirrors,
        include_inactive=filters.include_inactive,
    )


@router.get("/bodies/{body_id}", response=BodyOut, summary="Ett organ")
def get_body(request, body_id: Id):
    return get_object_or_404(Body.objects.select_related("region", "healthcare_region", "host_region"), pk=body_id)


@router.post("/bodies", response={201: BodyOut}, auth=WRITE_AUTH, summary="Skapa ett organ")
def create_body(request, payload: BodyIn):
    return 201, bodies.body_create(by=request.user, **_body_values(payload.dict()))


@router.patch("/bodies/{body_id}", response={200: BodyOut}, auth=WRITE_AUTH, summary="Ändra ett organ")
def update_body(request, body_id: Id, payload: BodyPatch):
    body = get_object_or_404(Body, pk=body_id)
    return bodies.body_update(by=request.user, body=body, **_body_values(payload.dict(exclude_unset=True)))


# --- people ----------------------------------------------------------------------------


@router.get("/people/{person_id}", response=PersonOut, auth=READ_AUTH, summary="En person (utan kontaktuppgifter)",
            description="Utan inloggning bara den som har eller har haft ett uppdrag i ett organ.")
def get_person(request, person_id: Id):
    return get_object_or_404(selectors.people_visible_to(request.user).select_related("home_region"), pk=person_id)


@router.post("/people", response={201: PersonOut}, auth=WRITE_AUTH, summary="Lägg till en person")
def create_person(request, payload: PersonIn):
    return 201, people.person_create(by=request.user, **_person_values(payload.dict()))


@router.patch("/people/{person_id}", response={200: PersonOut}, auth=WRITE_AUTH, summary="Ändra en person")
def update_person(request, person_id: Id, payload: PersonPatch):
    person = get_object_or_404(Person, pk=person_id)
    return people.person_update(by=request.user, person=person, **_person_values(payload.dict(exclude_unset=True)))


# --- memberships -----------------------------------------------------------------------


@router.get("/memberships", response=list[MembershipOut], summary="Uppdrag i organ")
@paginate(Pagination)
def list_memberships(request, filters: Query[MembershipFilter]):
    qs = Membership.objects.select_related("person", "represents_region", "represents_healthcare_region")
    if filters.body is not None:
        qs = qs.filter(body_id=filters.body)
    if filters.person is not None:
        qs = qs.filter(person_id=filters.person)
    if filters.region:
        qs = qs.filter(represents_region__county_code=filters.region)
    if filters.active_on:
        qs = qs.active_on(filters.active_on)
    return qs.order_by("body_id", "role", "start_date", "pk")


@router.post(
    "/memberships", response={201: MembershipOut}, auth=WRITE_AUTH, summary="Lägg till ett uppdrag"
)
def create_membership(request, payload: MembershipIn):
    values = _membership_values(payload.dict())
    body = resolve("body", "body", values.pop("body"))
    person = resolve("person", "person", values.pop("person"))
    return 201, memberships.membership_create(by=request.user, body=body, person=person, **values)


@router.patch(
    "/memberships/{membership_id}",
    response={200: MembershipOut},
    auth=WRITE_AUTH,
    summary="Ändra eller avsluta ett uppdrag",
)
def update_membership(request, membership_id: Id, payload: MembershipPatch):
    membership = get_object_or_404(Membership, pk=membership_id)
    values = _membership_values(payload.dict(exclude_unset=True))
    return memberships.membership_update(by=request.user, membership=membership, **values)


# --- coverage --------------------------------------------------------------------------


def _cells(matrix) -> list[dict]:
    return [
        {
            "region": cell.region.county_code,
            "npo": cell.npo.pk,
            "npo_name": cell.npo.name,
            "status": cell.status.value,
            "status_label": str(cell.status.label),
            "bodies": [b.pk for b in cell.bodies],
            "contacts": [str(p) for p in cell.contacts],
        }
        for region in matrix.regions
        for cell in matrix.row(region)
    ]


@router.get(
    "/coverage/regions",
    response=RegionCoverageOut,
    summary="Täckning: 21 regioner × NPO (lokalt organ, kontaktperson eller hål)",
)
def national_coverage(request):
    matrix = coverage.region_coverage()
    return {"day": matrix.day, "hole_count": len(matrix.holes()), "cells": _cells(matrix)}


@router.get("/coverage/regions/{county_code}", response=RegionCoverageOut, summary="Täckning för en region")
def region_coverage(request, county_code: str):
    region = get_object_or_404(Region, county_code=county_code)
    matrix = coverage.region_coverage(regions=[region])
    return {"day": matrix.day, "hole_count": len(matrix.holes()), "cells": _cells(matrix)}


@router.get(
    "/coverage/healthcare-regions/{code}",
    response=HealthcareRegionCoverageOut,
    summary="Täckning för en sjukvårdsregion: RPO per NPO och regionernas ledamöter i KSG",
)
def healthcare_region_coverage(request, code: str):
    healthcare_region = get_object_or_404(HealthcareRegion, code=code)
    result = coverage.healthcare_region_coverage(healthcare_region=healthcare_region)
    return {
        "healthcare_region": healthcare_region.code,
        "ksg": result.ksg.pk if result.ksg else None,
        "rpos": [{"npo": npo.pk, "npo_name": npo.name, "rpos": [r.pk for r in rpos]} for npo, rpos in result.rpo_by_npo],
        "npos_without_rpo": [npo.pk for npo in result.npos_without_rpo],
        "ksg_members": [
            {"region": region.county_code, "members": [str(p) for p in members]}
            for region, members in result.ksg_members_by_region
        ],
        "regions_without_ksg_member": [r.county_code for r in result.regions_without_ksg_member],
    }
