import datetime

from kunskapsnav.organisation import bodies, memberships
from kunskapsnav.organisation.coverage import CoverageStatus, healthcare_region_coverage, region_coverage
from kunskapsnav.organisation.models import Body, BodyKind, Region, Role

from .personas import RegistryTestCase, make_person, seat

D = datetime.date


class CoverageTests(RegistryTestCase):
    def cell(self, region, npo, day=None):
        return region_coverage(regions=[region], day=day).cells[(region.pk, npo.pk)]

    def test_the_matrix_is_regions_by_npos(self):
        matrix = region_coverage()
        self.assertEqual(len(matrix.regions), 21)
        self.assertEqual(len(matrix.npos), 25)
        self.assertEqual(len(matrix.cells), 21 * 25)

    def test_a_mirroring_lpo_closes_the_hole(self):
        self.assertEqual(self.cell(self.orebro, self.lung_npo).status, CoverageStatus.HOLE)
        bodies.body_create(by=self.orebro_coordinator, kind=BodyKind.LPO, name="LPO lunga", region=self.orebro,
                           mirrors=self.lung_npo)
        self.assertEqual(self.cell(self.orebro, self.lung_npo).status, CoverageStatus.BODY)
        self.assertEqual(self.cell(self.orebro, self.heart_npo).status, CoverageStatus.BODY)
        self.assertEqual(self.cell(self.uppsala, self.heart_npo).status, CoverageStatus.HOLE)

    def test_a_contact_person_closes_the_hole_while_the_assignment_lasts(self):
        person = make_person(by=self.admin, region=self.orebro, family="Kontakt")
        seat(by=self.orebro_coordinator, body=self.lung_npo, person=person, role=Role.CONTACT,
             represents_region=self.orebro, start_date=D(2026, 1, 1), end_date=D(2026, 12, 31))
        self.assertEqual(self.cell(self.orebro, self.lung_npo, day=D(2026, 6, 1)).status, CoverageStatus.CONTACT)
        self.assertEqual(self.cell(self.orebro, self.lung_npo, day=D(2027, 1, 1)).status, CoverageStatus.HOLE)
        self.assertEqual(self.cell(self.skane, self.lung_npo, day=D(2026, 6, 1)).status, CoverageStatus.HOLE)

    def test_an_inactive_lpo_leaves_a_hole(self):
        bodies.body_update(by=self.admin, body=self.orebro_lpo, is_active=False)
        self.assertEqual(self.cell(self.orebro, self.heart_npo).status, CoverageStatus.HOLE)

    def test_holes_are_listed_per_region(self):
        holes = region_coverage(regions=[self.orebro]).holes(self.orebro)
        self.assertEqual(len(holes), 24)
        self.assertNotIn(self.heart_npo, [cell.npo for cell in holes])

    def test_healthcare_region_coverage_reports_rpos_and_ksg_members(self):
        rpo = bodies.body_create(by=self.admin, kind=BodyKind.RPO, name="RPO hjärta", healthcare_region=self.mellansverige,
                                 mirrors=self.heart_npo)
        ksg = Body.objects.get(kind=BodyKind.KSG, healthcare_region=self.mellansverige)
        person = make_person(by=self.admin, region=self.orebro, family="Ksg")
        memberships.membership_create(by=self.admin, body=ksg, person=person, role=Role.MEMBER,
                                      represents_region=self.orebro, start_date=D(2025, 1, 1))

        result = healthcare_region_coverage(healthcare_region=self.mellansverige)

        self.assertEqual(dict(result.rpo_by_npo)[self.heart_npo], [rpo])
        self.assertIn(self.lung_npo, result.npos_without_rpo)
        self.assertEqual(result.ksg, ksg)
        self.assertNotIn(self.orebro, result.regions_without_ksg_member)
        self.assertIn(self.uppsala, result.regions_without_ksg_member)
        self.assertEqual(len(result.ksg_members_by_region), Region.objects.filter(healthcare_region=self.mellansverige).count())
