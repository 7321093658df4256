from django.test import TestCase

from kunskapsnav.organisation.models import Body, BodyKind, HealthcareRegion, Level, Municipality, Region
from kunskapsnav.organisation.reference import reference_data_load


class ReferenceDataTests(TestCase):
    """The reference data is loaded once for the test session (conftest.py)."""

    def test_it_ships_the_whole_organisation(self):
        self.assertEqual(HealthcareRegion.objects.count(), 6)
        self.assertEqual(Region.objects.count(), 21)
        self.assertEqual(Municipality.objects.count(), 290)
        self.assertEqual(Body.objects.filter(kind=BodyKind.NPO).count(), 25)
        self.assertEqual(Body.objects.filter(kind=BodyKind.NSG).count(), 7)
        self.assertEqual(Body.objects.filter(kind=BodyKind.KSG).count(), 6)
        for kind in (BodyKind.SKS, BodyKind.PREPARATION_GROUP, BodyKind.PRIMARY_CARE_COUNCIL):
            self.assertEqual(Body.objects.filter(kind=kind).count(), 1, kind)

    def test_it_places_regions_and_kommuner_correctly(self):
        orebro = Region.objects.get(county_code="18")
        self.assertEqual(orebro.name, "Region Örebro län")
        self.assertEqual(orebro.healthcare_region.short_name, "Mellansverige")
        # Halland belongs to Södra in the knowledge-governance system.
        self.assertEqual(Region.objects.get(county_code="13").healthcare_region.code, "sodra")
        self.assertEqual(Municipality.objects.get(code="1880").name, "Örebro")
        self.assertEqual(Municipality.objects.get(code="1880").region, orebro)
        self.assertEqual(Municipality.objects.filter(region=orebro).count(), 12)

    def test_every_ksg_belongs_to_its_healthcare_region(self):
        for ksg in Body.objects.filter(kind=BodyKind.KSG):
            self.assertEqual(ksg.level, Level.HEALTHCARE_REGIONAL)
            self.assertIn(ksg.healthcare_region.name, ksg.name)

    def test_loading_twice_changes_nothing(self):
        history_before = (Body.history.count(), Region.history.count(), Municipality.history.count())
        report = reference_data_load()
        self.assertEqual(report.changed, 0)
        self.assertEqual(
            (Body.history.count(), Region.history.count(), Municipality.history.count()), history_before
        )
        self.assertEqual(Region.objects.count(), 21)

    def test_a_changed_name_is_updated_not_duplicated(self):
        region = Region.objects.get(county_code="18")
        Region.objects.filter(pk=region.pk).update(name="Örebro läns landsting")
        npo = Body.objects.get(reference_key="npo-psykisk-halsa")
        Body.objects.filter(pk=npo.pk).update(name="Psykiatri")

        report = reference_data_load()

        self.assertEqual(report.changed, 2)
        self.assertEqual(Region.objects.get(pk=region.pk).name, "Region Örebro län")
        self.assertEqual(Body.objects.get(pk=npo.pk).name, "Psykisk hälsa")
        self.assertEqual(Region.objects.count(), 21)
        self.assertEqual(Body.objects.filter(kind=BodyKind.NPO).count(), 25)
        self.assertEqual(Region.history.filter(id=region.pk).latest().history_change_reason, "Referensdata")
