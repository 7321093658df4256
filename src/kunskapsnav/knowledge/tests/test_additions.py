from django.core.exceptions import PermissionDenied, ValidationError

from kunskapsnav.knowledge import additions, content, selectors
from kunskapsnav.knowledge.models import VersionStatus
from kunskapsnav.organisation.models import Region

from .personas import KnowledgeTestCase, publish


class RegionalAdditionTests(KnowledgeTestCase):
    def test_a_coordinator_writes_additions_for_their_own_region_only(self):
        addition = additions.addition_save(by=self.orebro_coordinator, recommendation=self.rec_echo, region=self.orebro,
                                           text="Remiss till USÖ")
        self.assertEqual(addition.text, "<p>Remiss till USÖ</p>")
        with self.assertRaises(PermissionDenied):
            additions.addition_save(by=self.orebro_coordinator, recommendation=self.rec_echo, region=self.uppsala,
                                    text="Nej")

    def test_saving_again_replaces_the_regions_addition(self):
        additions.addition_save(by=self.admin, recommendation=self.rec_echo, region=self.orebro, text="Ett")
        additions.addition_save(by=self.admin, recommendation=self.rec_echo, region=self.orebro, text="Två")
        self.assertEqual(self.rec_echo.additions.get().text, "<p>Två</p>")

    def test_additions_are_written_to_published_recommendations_only(self):
        draft = self.heart_guideline.versions.get()
        rec = content.recommendation_create(by=self.npo_editor, version=draft, text="R", priority=1)
        with self.assertRaises(ValidationError):
            additions.addition_save(by=self.admin, recommendation=rec, region=self.orebro, text="X")

    def test_readers_see_their_own_regions_additions_or_the_ones_they_ask_for(self):
        additions.addition_save(by=self.admin, recommendation=self.rec_echo, region=self.orebro, text="Örebro")
        additions.addition_save(by=self.admin, recommendation=self.rec_echo, region=self.skane, text="Skåne")
        key = str(self.rec_echo.key)

        region, show_all = selectors.reader_region(self.member, None)  # member's home region: Örebro
        self.assertEqual(region, self.orebro)
        shown = selectors.additions_by_key(self.v1, region=region, show_all=show_all)
        self.assertEqual([a.region for a in shown[key]], [self.orebro])

        region, show_all = selectors.reader_region(self.member, "alla")
        shown = selectors.additions_by_key(self.v1, region=region, show_all=show_all)
        self.assertEqual({a.region.county_code for a in shown[key]}, {"18", "12"})

        from django.contrib.auth.models import AnonymousUser

        region, show_all = selectors.reader_region(AnonymousUser(), None)
        self.assertEqual(selectors.additions_by_key(self.v1, region=region, show_all=show_all), {})

    def test_an_addition_to_an_earlier_version_shows_and_says_so(self):
        additions.addition_save(by=self.admin, recommendation=self.rec_echo, region=self.orebro, text="Örebro")
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)
        v2.refresh_from_db()
        self.assertEqual(v2.status, VersionStatus.PUBLISHED)
        shown = selectors.additions_by_key(v2, region=Region.objects.get(county_code="18"), show_all=False)
        [addition] = shown[str(self.rec_echo.key)]
        self.assertTrue(addition.is_for_earlier_version)
