import uuid

from django.core.exceptions import PermissionDenied, ValidationError

from kunskapsnav.knowledge import content
from kunskapsnav.lowvalue import practices
from kunskapsnav.lowvalue.models import LowValuePractice, PracticeRecommendation, Source

from .base import LowValueTestCase, practice_values


class PracticeTests(LowValueTestCase):
    def test_it_stores_the_codes_in_their_normal_form(self):
        self.assertEqual((self.practice.practice_code, self.practice.condition_code), ("M01A", "I50"))

    def test_sks_chair_adds_a_national_practice(self):
        practice = practices.practice_create(by=self.sks_chair, **practice_values(title="Annat"))
        self.assertEqual(practice.history.get().history_user, self.sks_chair)

    def test_others_cannot_add_a_national_practice(self):
        for user in (self.npo_editor, self.orebro_coordinator, self.analyst, self.outsider, self.chair):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                practices.practice_create(by=user, **practice_values(title="Annat"))

    def test_coordinator_adds_own_regions_do_not_only(self):
        own = practices.practice_create(by=self.orebro_coordinator, **practice_values(
            source=Source.REGIONAL_DO_NOT, region=self.orebro))
        self.assertEqual(own.region, self.orebro)
        with self.assertRaises(PermissionDenied):
            practices.practice_create(by=self.uppsala_coordinator, **practice_values(
                source=Source.REGIONAL_DO_NOT, region=self.orebro))

    def test_coordinator_cannot_move_own_practice_to_the_nation(self):
        own = practices.practice_create(by=self.orebro_coordinator, **practice_values(
            source=Source.REGIONAL_DO_NOT, region=self.orebro))
        with self.assertRaises(PermissionDenied):
            practices.practice_update(by=self.orebro_coordinator, practice=own, source=Source.WISE_CHOICES,
                                      region=None)

    def test_it_refuses_malformed_codes_in_swedish(self):
        with self.assertRaises(ValidationError) as caught:
            practices.practice_create(by=self.admin, **practice_values(practice_code="M01A!", condition_code="50I"))
        self.assertIn("ingen giltig ATC-kod", caught.exception.message_dict["practice_code"][0])
        self.assertIn("ingen giltig ICD-10-SE-kod", caught.exception.message_dict["condition_code"][0])
        self.assertEqual(LowValuePractice.objects.count(), 1)

    def test_it_refuses_a_regional_source_without_region_and_a_national_one_with(self):
        for values in ({"source": Source.REGIONAL_DO_NOT}, {"source": Source.WISE_CHOICES, "region": self.orebro}):
            with self.subTest(values=values), self.assertRaises(ValidationError) as caught:
                practices.practice_create(by=self.admin, **practice_values(**values))
            self.assertIn("region", caught.exception.message_dict)

    def test_it_refuses_an_empty_rationale_and_a_link_that_is_no_address(self):
        with self.assertRaises(ValidationError) as caught:
            practices.practice_create(by=self.admin, **practice_values(rationale="  ", link="javascript:alert(1)"))
        self.assertEqual(set(caught.exception.message_dict), {"rationale", "link"})

    def test_update_keeps_history_with_the_editor(self):
        practices.practice_update(by=self.sks_chair, practice=self.practice, rationale="Ny motivering.")
        latest = self.practice.history.order_by("-history_id").first()
        self.assertEqual((latest.rationale, latest.history_user), ("Ny motivering.", self.sks_chair))


class LinkTests(LowValueTestCase):
    def test_links_are_set_and_their_changes_kept_in_history(self):
        practices.practice_links_set(by=self.sks_chair, practice=self.practice, recommendation_keys=[],
                                     indicator_codes=["LV-BENSO-75"])
        self.assertFalse(self.practice.recommendation_links.exists())
        removed = PracticeRecommendation.history.filter(practice_id=self.practice.pk, history_type="-").get()
        self.assertEqual(removed.history_user, self.sks_chair)

    def test_only_a_published_do_not_recommendation_may_be_linked(self):
        for key in (self.rec_drug.key, uuid.uuid4()):
            with self.subTest(key=key), self.assertRaises(ValidationError) as caught:
                practices.practice_links_set(by=self.admin, practice=self.practice, recommendation_keys=[key],
                                             indicator_codes=[])
            self.assertIn("recommendations", caught.exception.message_dict)
        self.assertEqual(list(self.practice.recommendation_links.values_list("recommendation_key", flat=True)),
                         [self.rec_dont.key])

    def test_a_draft_do_not_cannot_be_linked(self):
        draft = content.recommendation_create(by=self.npo_editor, version=self.heart_guideline.versions.get(),
                                              text="<p>Gör inte X.</p>", priority=3, direction="gor_inte")
        with self.assertRaises(ValidationError):
            practices.practice_links_set(by=self.admin, practice=self.practice, recommendation_keys=[draft.key],
                                         indicator_codes=[])

    def test_an_unknown_indicator_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            practices.practice_links_set(by=self.admin, practice=self.practice, recommendation_keys=[],
                                         indicator_codes=["FINNS-INTE"])
        self.assertIn("FINNS-INTE", caught.exception.message_dict["indicators"][0])

    def test_outsiders_cannot_change_links(self):
        with self.assertRaises(PermissionDenied):
            practices.practice_links_set(by=self.npo_editor, practice=self.practice, recommendation_keys=[],
                                         indicator_codes=[])
        self.assertTrue(self.practice.recommendation_links.exists())
