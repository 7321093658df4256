"""Coverage of the national bodies in the regions (täckning).

Region Örebro län's process requires, for every NPO, either a local body in the region that
mirrors it (usually an LPO) or a named contact person who represents the region in the NPO.
Per sjukvårdsregion we also ask: is there an RPO mirroring each NPO, and does every region
have its member in the sjukvårdsregion's KSG?
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Body, BodyKind, HealthcareRegion, Level, Membership, Person, Region, Role


class CoverageStatus(StrEnum):
    BODY = "body"
    CONTACT = "contact"
    HOLE = "hole"

    @property
    def label(self) -> str:
        return {
            CoverageStatus.BODY: _("Lokalt organ"),
            CoverageStatus.CONTACT: _("Kontaktperson"),
            CoverageStatus.HOLE: _("Saknas"),
        }[self]


@dataclass
class CoverageCell:
    region: Region
    npo: Body
    bodies: list[Body] = field(default_factory=list)
    contacts: list[Person] = field(default_factory=list)

    @property
    def status(self) -> CoverageStatus:
        if self.bodies:
            return CoverageStatus.BODY
        if self.contacts:
            return CoverageStatus.CONTACT
        return CoverageStatus.HOLE


@dataclass
class CoverageMatrix:
    day: datetime.date
    regions: list[Region]
    npos: list[Body]
    cells: dict[tuple[int, int], CoverageCell]

    def row(self, region: Region) -> list[CoverageCell]:
        return [self.cells[(region.pk, npo.pk)] for npo in self.npos]

    def covers(self, region_ids) -> bool:
        """Whether the matrix has a row for each of these regions, read today."""
        return self.day == timezone.localdate() and set(region_ids) <= {r.pk for r in self.regions}

    def holes(self, region: Region | None = None) -> list[CoverageCell]:
        return [
            cell
            for cell in self.cells.values()
            if cell.status == CoverageStatus.HOLE and (region is None or cell.region.pk == region.pk)
        ]


def region_coverage(*, day: datetime.date | None = None, regions=None) -> CoverageMatrix:
    """Regions × NPO, each cell the mirroring local bodies or else the contact persons.

    Three queries whatever the size: regions, NPOs, and the mirrors and contacts together.
    """
    day = day or timezone.localdate()
    regions = list(regions if regions is not None else Region.objects.all())
    npos = list(Body.objects.active().npos().order_by("name"))
    cells = {(r.pk, n.pk): CoverageCell(region=r, npo=n) for r in regions for n in npos}
    mirrors = Body.objects.active().at_level(Level.LOCAL).filter(mirrors__in=npos, region__in=regions)
    for body in mirrors.order_by("name"):
        cells[(body.region_id, body.mirrors_id)].bodies.append(body)
    contacts = (
        Membership.objects.active_on(day)
        .filter(role=Role.CONTACT, body__in=npos, represents_region__in=regions)
        .select_related("person")
        .order_by("person__family_name")
    )
    for m in contacts:
        cells[(m.represents_region_id, m.body_id)].contacts.append(m.person)
    return CoverageMatrix(day=day, regions=regions, npos=npos, cells=cells)


@dataclass
class HealthcareRegionCoverage:
    healthcare_region: HealthcareRegion
    rpo_by_npo: list[tuple[Body, list[Body]]]
    ksg: Body | None
    ksg_members_by_region: list[tuple[Region, list[Person]]]

    @property
    def npos_without_rpo(self) -> list[Body]:
        return [npo for npo, rpos in self.rpo_by_npo if not rpos]

    @property
    def regions_without_ksg_member(self) -> list[Region]:
        return [region for region, members in self.ksg_members_by_region if not members]


def healthcare_region_coverage(
    *, healthcare_region: HealthcareRegion, day: datetime.date | None = None
) -> HealthcareRegionCoverage:
    day = day or timezone.localdate()
    npos = list(Body.objects.active().npos().order_by("name"))
    rpos = defaultdict(list)
    for rpo in Body.objects.active().filter(
        kind=BodyKind.RPO, healthcare_region=healthcare_region, mirrors__isnull=False
    ):
        rpos[rpo.mirrors_id].append(rpo)
    ksg = Body.objects.active().filter(kind=BodyKind.KSG, healthcare_region=healthcare_region).first()
    members = defaultdict(list)
    if ksg is not None:
        for m in Membership.objects.active_on(day).filter(body=ksg, represents_region__isnull=False).select_related(
            "person"
        ):
            members[m.represents_region_id].append(m.person)
    regions = list(healthcare_region.regions.all())
    return HealthcareRegionCoverage(
        healthcare_region=healthcare_region,
        rpo_by_npo=[(npo, rpos[npo.pk]) for npo in npos],
        ksg=ksg,
        ksg_members_by_region=[(region, members[region.pk]) for region in regions],
    )
