import csv
import io
from urllib.parse import urlencode

from django.urls import reverse

from kunskapsnav.organisation import bodies
from kunskapsnav.organisation.models import Body, BodyKind, Person

from .personas import RegistryTestCase


def _csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


class PageTests(RegistryTestCase):
    def test_public_pages_render_for_anonymous_readers(self):
        urls = [
            reverse("home"),
            reverse("organisation:body_list"),
            reverse("organisation:body_detail", args=[self.heart_npo.pk]),
            reverse("organisation:body_detail", args=[self.orebro_lpo.pk]),
            reverse("organisation:person_detail", args=[self.chair.person.pk]),
            reverse("organisation:region_list"),
            reverse("organisation:region_detail", args=["18"]),
            reverse("organisation:coverage_matrix"),
            reverse("organisation:healthcare_region_detail", args=["mellansverige"]),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_directory_filters_by_level_kind_and_region(self):
        response = self.client.get(reverse("organisation:body_list"), {"kind": "LPO", "region": "18"})
        self.assertEqual(list(response.context["bodies"]), [self.orebro_lpo])
        response = self.client.get(reverse("organisation:body_list"), {"level": "healthcare_regional"})
        self.assertEqual({b.kind for b in response.context["bodies"]}, {"KSG"})
        response = self.client.get(reverse("organisation:body_list"), {"q": "hjärt"})
        self.assertIn(self.heart_npo, response.context["bodies"])
        self.assertIn(self.orebro_lpo, response.context["bodies"])  # found through what it mirrors

    def test_htmx_requests_get_only_the_results_table(self):
        response = self.client.get(reverse("organisation:body_list"), {"q": "LPO"}, headers={"HX-Request": "true"})
        # The partial is the inside of #results: the table, without the page or the container.
        self.assertContains(response, '<table class="data">')
        self.assertNotContains(response, 'id="results"')
        self.assertNotContains(response, "<html")

    def test_the_directory_exports_csv(self):
        response = self.client.get(reverse("organisation:body_list_csv"), {"kind": "NPO"})
        rows = _csv_rows(response)
        self.assertEqual(rows[0][:2], ["Namn", "Typ"])
        self.assertEqual(len(rows), 1 + 25)

    def test_csv_exports_write_a_name_that_begins_like_a_formula_as_text(self):
        hostile = '=HYPERLINK("http://evil.example","LPO hjärta")'
        bodies.body_update(by=self.orebro_coordinator, body=self.orebro_lpo, name=hostile)
        rows = _csv_rows(self.client.get(reverse("organisation:body_list_csv"), {"kind": "LPO", "region": "18"}))
        self.assertEqual(rows[1][0], "'" + hostile)
        for url in (reverse("organisation:region_coverage_csv", args=["18"]), reverse("organisation:coverage_matrix_csv")):
            with self.subTest(url=url):
                heart = [r for r in _csv_rows(self.client.get(url)) if r[0] == "18" and r[2] == self.heart_npo.name][0]
                self.assertEqual(heart[4], "'" + hostile)

    def test_a_body_page_shows_members_mirrors_and_history(self):
        bodies.body_update(by=self.orebro_coordinator, body=self.orebro_lpo, name="LPO hjärta och kärl")
        response = self.client.get(reverse("organisation:body_detail", args=[self.orebro_lpo.pk]))
        self.assertContains(response, str(self.chair.person))
        self.assertContains(response, self.heart_npo.name)
        self.assertContains(response, "Ändringshistorik")
        self.assertContains(response, "<del>LPO hjärta</del> → <ins>LPO hjärta och kärl</ins>", html=False)
        # Who made the change is for people who work in the system, not for the public.
        self.assertNotContains(response, "orebro_coordinator")
        self.assertNotContains(response, "<th scope=\"col\">Vem</th>", html=False)
        self.client.force_login(self.outsider)
        self.assertContains(self.client.get(reverse("organisation:body_detail", args=[self.orebro_lpo.pk])),
                            "orebro_coordinator")
        self.client.logout()
        npo_page = self.client.get(reverse("organisation:body_detail", args=[self.heart_npo.pk]))
        self.assertContains(npo_page, "Speglas av")
        self.assertContains(npo_page, "LPO hjärta och kärl")

    def test_contact_details_are_for_logged_in_users_only(self):
        person = self.chair.person
        person.email = "ordf@example.se"
        person.save()
        url = reverse("organisation:person_detail", args=[person.pk])
        self.assertNotContains(self.client.get(url), "ordf@example.se")
        self.client.force_login(self.outsider)
        self.assertContains(self.client.get(url), "ordf@example.se")

    def test_the_public_finds_a_person_only_through_a_seat(self):
        from kunskapsnav.organisation import people

        seatless = people.person_create(by=self.orebro_coordinator, given_name="Utan", family_name="Uppdrag",
                                        home_region=self.orebro)
        url = reverse("organisation:person_detail", args=[seatless.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.outsider)
        self.assertContains(self.client.get(url), "Utan Uppdrag")

    def test_a_person_page_shows_its_history_to_people_who_work_in_the_system_only(self):
        from kunskapsnav.organisation import people

        people.person_update(by=self.orebro_coordinator, person=self.chair.person, title="Överläkare")
        url = reverse("organisation:person_detail", args=[self.chair.person.pk])
        public = self.client.get(url)
        self.assertEqual(public.status_code, 200)
        self.assertNotContains(public, "Ändringshistorik")
        self.assertNotContains(public, "orebro_coordinator")
        self.client.force_login(self.outsider)
        inside = self.client.get(url)
        self.assertContains(inside, "Ändringshistorik")
        self.assertContains(inside, "orebro_coordinator")

    def test_a_person_page_sums_time_allocated(self):
        response = self.client.get(reverse("organisation:person_detail", args=[self.chair.person.pk]))
        self.assertEqual(response.context["time_allocated"], 0)
        self.assertContains(response, "LPO hjärta")

    def test_region_page_lists_holes_and_offers_the_coordinator_to_fill_them(self):
        url = reverse("organisation:region_detail", args=["18"])
        response = self.client.get(url)
        self.assertEqual(len(response.context["holes"]), 24)
        self.assertNotContains(response, "skapa LPO för")
        self.client.force_login(self.orebro_coordinator)
        self.assertContains(self.client.get(url), "skapa LPO för")
        self.client.force_login(self.uppsala_coordinator)
        self.assertNotContains(self.client.get(url), "skapa LPO för")

    def test_region_page_shows_the_history_of_reference_data(self):
        from kunskapsnav.organisation.models import Region
        from kunskapsnav.organisation.reference import reference_data_load

        region = Region.objects.get(pk=self.orebro.pk)
        region.name = "Örebro läns landsting"
        region.save()
        reference_data_load()
        response = self.client.get(reverse("organisation:region_detail", args=["18"]))
        self.assertContains(response, "<del>Örebro läns landsting</del> → <ins>Region Örebro län</ins>", html=False)
        self.assertContains(response, "(Referensdata)")
        self.assertNotContains(response, "<th scope=\"col\">Vem</th>", html=False)

    def test_coverage_exports_csv_nationally_and_per_region(self):
        rows = _csv_rows(self.client.get(reverse("organisation:coverage_matrix_csv")))
        self.assertEqual(len(rows), 1 + 21 * 25)
        rows = _csv_rows(self.client.get(reverse("organisation:region_coverage_csv", args=["18"])))
        self.assertEqual(len(rows), 1 + 25)
        heart = [r for r in rows if r[2] == self.heart_npo.name][0]
        self.assertEqual(heart[3:5], ["Lokalt organ", "LPO hjärta"])


class FormTests(RegistryTestCase):
    def test_a_new_person_returns_to_the_page_that_asked_but_never_to_another_site(self):
        self.client.force_login(self.orebro_coordinator)
        url = reverse("organisation:person_create")
        back = reverse("organisation:membership_create", args=[self.orebro_lpo.pk])
        cases = [(back, back), ("https://evil.example/", None), ("//evil.example", None),
                 ("javascript:alert(1)", None)]
        for number, (target, expected) in enumerate(cases):
            with self.subTest(next=target):
                response = self.client.post(f"{url}?{urlencode({'next': target})}", {
                    "given_name": "Kim", "family_name": f"Ek {number}", "home_region": self.orebro.pk})
                person = Person.objects.get(family_name=f"Ek {number}")
                self.assertRedirects(response, expected or person.get_absolute_url(), fetch_redirect_response=False)

    def test_coordinator_creates_an_lpo_through_the_form(self):
        self.client.force_login(self.orebro_coordinator)
        url = reverse("organisation:body_create")
        form_page = self.client.get(url, {"mirrors": self.lung_npo.pk, "region": self.orebro.pk})
        self.assertEqual(form_page.context["form"].initial["kind"], "LPO")
        response = self.client.post(url, {"kind": "LPO", "name": "LPO lunga", "region": self.orebro.pk,
                                          "mirrors": self.lung_npo.pk, "is_active": "on"})
        body = Body.objects.get(name="LPO lunga", region=self.orebro)
        self.assertRedirects(response, body.get_absolute_url())
        self.assertEqual(body.history.latest().history_user, self.orebro_coordinator)

    def test_form_errors_are_in_swedish_on_the_field_and_nothing_is_lost(self):
        self.client.force_login(self.orebro_coordinator)
        url = reverse("organisation:membership_create", args=[self.orebro_lpo.pk])
        response = self.client.post(url, {"person": self.member.person.pk, "role": "ordforande",
                                          "start_date": "2026-02-01", "end_date": "2026-01-01", "note": "Viktig anteckning"})
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("Slutdatumet kan inte ligga före startdatumet", form.errors["end_date"][0])
        self.assertContains(response, "Viktig anteckning")

    def test_the_domain_rule_error_lands_on_its_field(self):
        self.client.force_login(self.orebro_coordinator)
        url = reverse("organisation:membership_create", args=[self.orebro_lpo.pk])
        response = self.client.post(url, {"person": self.member.person.pk, "role": "ordforande", "start_date": "2026-02-01"})
        self.assertIn("redan en ordförande", response.context["form"].errors["role"][0])

    def test_coordinators_form_offers_only_local_kinds_in_their_region(self):
        self.client.force_login(self.orebro_coordinator)
        form = self.client.get(reverse("organisation:body_create")).context["form"]
        self.assertNotIn("NPO", [value for value, _label in form.fields["kind"].widget.choices])
        self.assertIn("LPO", [value for value, _label in form.fields["kind"].widget.choices])
        self.assertEqual([value for value, _label in form.fields["region"].widget.choices], ["", self.orebro.pk])

    def test_a_date_in_the_wrong_format_is_explained(self):
        self.client.force_login(self.admin)
        url = reverse("organisation:membership_create", args=[self.orebro_lpo.pk])
        response = self.client.post(url, {"person": self.member.person.pk, "role": "ledamot", "start_date": "31/12"})
        self.assertIn("start_date", response.context["form"].errors)
        self.assertEqual(self.orebro_lpo.memberships.count(), 2)
        self.assertTrue(BodyKind.LPO)
