from django.urls import reverse

from kunskapsnav.lowvalue.models import LowValuePractice

from .base import LowValueTestCase, practice_values


class PageTests(LowValueTestCase):
    def test_the_register_and_a_practice_are_public(self):
        response = self.client.get(reverse("lowvalue:practice_list"))
        self.assertContains(response, "NSAID vid hjärtsvikt")
        response = self.client.get(self.practice.get_absolute_url())
        self.assertContains(response, "Ge inte NSAID till personer med hjärtsvikt.")
        self.assertContains(response, "LV-BENSO-75")
        self.assertNotContains(response, reverse("lowvalue:practice_update", args=[self.practice.pk]))

    def test_who_changed_the_practice_is_shown_to_people_who_work_in_the_system_only(self):
        self.assertNotContains(self.client.get(self.practice.get_absolute_url()), ">admin<")
        self.client.force_login(self.outsider)
        self.assertContains(self.client.get(self.practice.get_absolute_url()), ">admin<")

    def test_sks_chair_adds_a_practice_through_the_form(self):
        self.client.force_login(self.sks_chair)
        values = practice_values(title="Via formuläret", region="")
        response = self.client.post(reverse("lowvalue:practice_create"), values)
        practice = LowValuePractice.objects.get(title="Via formuläret")
        self.assertRedirects(response, practice.get_absolute_url())

    def test_a_bad_form_is_a_400_in_swedish_with_nothing_stored(self):
        self.client.force_login(self.admin)
        for values in (practice_values(practice_code="XX", region=""),
                       practice_values(title="Med\x00NUL", region=""),
                       practice_values(link="inte en adress", region="")):
            with self.subTest(values=values):
                response = self.client.post(reverse("lowvalue:practice_create"), values)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "Det gick inte att spara", status_code=400)
        self.assertEqual(LowValuePractice.objects.count(), 1)

    def test_forms_are_refused_to_those_who_may_not_edit(self):
        self.client.force_login(self.npo_editor)
        for name, args in (("lowvalue:practice_create", []), ("lowvalue:practice_update", [self.practice.pk]),
                           ("lowvalue:practice_links", [self.practice.pk])):
            with self.subTest(page=name):
                self.assertEqual(self.client.get(reverse(name, args=args)).status_code, 403)

    def test_the_links_form_offers_the_matching_do_not_and_saves(self):
        self.client.force_login(self.admin)
        url = reverse("lowvalue:practice_links", args=[self.practice.pk])
        self.assertContains(self.client.get(url), str(self.rec_dont.key))
        response = self.client.post(url, {"recommendations": [], "other_keys": "", "indicators": ["HS-RAS"]})
        self.assertRedirects(response, self.practice.get_absolute_url())
        self.assertEqual(list(self.practice.indicator_links.values_list("indicator_code", flat=True)), ["HS-RAS"])
        self.assertFalse(self.practice.recommendation_links.exists())

    def test_the_links_form_refuses_a_key_that_is_no_identity(self):
        self.client.force_login(self.admin)
        url = reverse("lowvalue:practice_links", args=[self.practice.pk])
        response = self.client.post(url, {"other_keys": "inte-en-nyckel", "indicators": []})
        self.assertContains(response, "ingen identitet", status_code=400)
        self.assertTrue(self.practice.recommendation_links.exists())

    def test_the_national_view_hides_small_counts_from_the_public(self):
        response = self.client.get(reverse("lowvalue:national_view"))
        self.assertContains(response, "LV-BENSO-75")
        self.assertContains(response, "döljs, för få fall")
        self.assertContains(response, "Införande: Hjärtsvikt – nydebuterad")
        self.client.force_login(self.analyst)
        self.assertNotContains(self.client.get(reverse("lowvalue:national_view")), "döljs, för få fall")
