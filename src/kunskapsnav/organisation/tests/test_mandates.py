"""A body's mandate (uppdragsbeskrivning): adopted as versions by those who edit the body,
read as it held on a day."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from kunskapsnav.organisation import mandates
from kunskapsnav.organisation.tests.personas import RegistryTestCase


class MandateTests(RegistryTestCase):
    def test_a_new_mandate_is_the_next_version_and_the_old_one_still_reads_for_its_days(self):
        first = mandates.mandate_adopt(by=self.orebro_coordinator, body=self.orebro_lpo, adopted_by="RMKS § 4",
                                       text="LPO hjärta <b>leder</b> införandet.<script>x()</script>",
                                       valid_from=datetime.date(2025, 1, 1))
        self.assertEqual((first.version, first.adopted_by), (1, "RMKS § 4"))
        self.assertNotIn("<script>", first.text)
        second = mandates.mandate_adopt(by=self.admin, body=self.orebro_lpo, text="Nytt uppdrag.",
                                        valid_from=datetime.date(2026, 1, 1))
        self.assertEqual(second.version, 2)
        self.assertEqual(mandates.mandate_on(self.orebro_lpo.pk, datetime.date(2025, 6, 1)), first)
        self.assertEqual(mandates.mandate_on(self.orebro_lpo.pk, datetime.date(2026, 6, 1)), second)
        self.assertIsNone(mandates.mandate_on(self.orebro_lpo.pk, datetime.date(2024, 6, 1)))
        self.assertEqual(mandates.bodies_with_mandate_on([self.orebro_lpo.pk, self.uppsala_lpo.pk],
                                                         datetime.date(2025, 6, 1)), {self.orebro_lpo.pk})

    def test_only_those_who_edit_the_body_adopt_its_mandate(self):
        for user in (self.uppsala_coordinator, self.chair, self.analyst, self.outsider):
            with self.assertRaises(PermissionDenied):
                mandates.mandate_adopt(by=user, body=self.orebro_lpo, text="x", valid_from=datetime.date(2025, 1, 1))
        self.assertFalse(self.orebro_lpo.mandates.exists())

    def test_a_mandate_is_checked(self):
        mandates.mandate_adopt(by=self.admin, body=self.orebro_lpo, text="Ett", valid_from=datetime.date(2025, 6, 1))
        for values, field in ((dict(text="  "), "text"), (dict(text="x" * 50_001), "text"),
                              (dict(text="a\x00b"), "text"), (dict(valid_from=datetime.date(2025, 1, 1)), "valid_from"),
                              (dict(adopted_by="x" * 201), "adopted_by")):
            values = {"text": "Två", "valid_from": datetime.date(2026, 1, 1), **values}
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                mandates.mandate_adopt(by=self.admin, body=self.orebro_lpo, **values)
            self.assertIn(field, caught.exception.message_dict)
        self.assertEqual(self.orebro_lpo.mandates.count(), 1)

    def test_the_body_page_shows_the_mandate_in_force_and_offers_the_form_to_its_editors(self):
        mandates.mandate_adopt(by=self.admin, body=self.orebro_lpo, text="Leder införandet i Örebro.",
                               valid_from=datetime.date(2025, 1, 1))
        page = self.client.get(self.orebro_lpo.get_absolute_url())
        self.assertContains(page, "Leder införandet i Örebro.")
        self.assertNotContains(page, "Spara som ny version")
        self.client.force_login(self.orebro_coordinator)
        response = self.client.post(f"/organisation/organ/{self.orebro_lpo.pk}/uppdragsbeskrivning/",
                                    {"text": "Version två.", "valid_from": "2026-01-01", "adopted_by": "RMKS"})
        self.assertRedirects(response, f"{self.orebro_lpo.get_absolute_url()}#uppdragsbeskrivning")
        self.assertContains(self.client.get(self.orebro_lpo.get_absolute_url()), "Spara som ny version")
        self.assertEqual(self.orebro_lpo.mandates.count(), 2)
