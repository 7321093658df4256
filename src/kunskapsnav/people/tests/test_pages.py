import datetime
import json
from decimal import Decimal

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kunskapsnav.organisation.models import Role
from kunskapsnav.organisation.tests.personas import make_person, make_user, seat

from .. import compensation, declarations, nominations, participation
from ..models import Assessment, Declaration, DeclarationStatus, Nomination
from .personas import PeopleTestCase, declare, open_call

LOGIN = reverse("accounts:login")


class PeoplePagesTests(PeopleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.nag_call = open_call(by=cls.npo_editor, body=cls.heart_nag, self_nomination_allowed=True)
        cls.npo_call = open_call(by=cls.npo_editor, body=cls.heart_npo)
        cls.self_nomination = nominations.nomination_self_submit(
            call=cls.nag_call, sender="192.0.2.1", given_name="Sara", family_name="Ek", email="sara.ek@example.se",
            title="Sjuksköterska", home_region=cls.orebro, motivation="Tio år i hjärtsviktsvård.")
        cls.nominee_declaration = declare(cls.nominee, nothing=False, interests=[{
            "category": "forskning", "organisation": "Hjärtfonden", "description": "Anslag"}])
        cls.rep_user = make_user("representative")
        rep_person = make_person(by=cls.admin, region=cls.orebro, user=cls.rep_user, given="Rut")
        cls.rep = participation.representative_add(
            by=cls.orebro_coordinator, person=rep_person, region=cls.orebro, kind="patient",
            recruited_through="levande_bibliotek", experience_areas="Hjärtsvikt", phone="070-1234567",
            payee_reference="LÖN-77", consent_on=today)
        cls.assignment = participation.assignment_create(
            by=cls.orebro_coordinator, representative=cls.rep, kind="annat", description="Kartläggning",
            start_date=today - datetime.timedelta(days=30))
        compensation.compensation_model_set(by=cls.orebro_coordinator, region=cls.orebro, basis="timarvode",
                                            hourly_rate=Decimal("250"), fixed_fee=Decimal("0"),
                                            mileage_rate=Decimal("2.50"))
        claim = compensation.claim_submit(by=cls.rep_user, assignment=cls.assignment, worked_on=today,
                                          hours=Decimal("2"), travel_km=Decimal("10"))
        compensation.claim_decide(by=cls.orebro_coordinator, claim=claim, approve=True)
        cls.payable = compensation.payable_list_create(by=cls.orebro_coordinator, region=cls.orebro,
                                                       period=today.strftime("%Y-%m"))
        seat(by=cls.admin, body=cls.heart_npo, person=cls.nominee.person, role=Role.MEMBER,
             represents_region=cls.orebro, time_share=20)

    def get_as(self, user, url, **params):
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        return self.client.get(url, params)

    # --- who sees which page --------------------------------------------------------

    def test_each_page_renders_for_its_role_and_is_refused_to_others(self):
        pages = [
            # (url, allowed user, refused logged-in user or None when public)
            (reverse("people:call_list"), None, None),
            (reverse("people:call_detail", args=[self.nag_call.pk]), None, None),
            (reverse("people:call_create"), self.npo_editor, self.outsider),
            (reverse("people:call_update", args=[self.nag_call.pk]), self.npo_editor, self.orebro_coordinator),
            (reverse("people:self_nominate", args=[self.nag_call.pk]), None, None),
            (reverse("people:self_nomination_thanks", args=[self.nag_call.pk]), None, None),
            (reverse("people:nominate", args=[self.npo_call.pk]), self.orebro_coordinator, self.chair),
            (reverse("people:nomination_detail", args=[self.self_nomination.pk]), self.orebro_coordinator,
             self.uppsala_coordinator),
            (reverse("people:my_declarations"), self.nominee, None),
            (reverse("people:declaration_create"), self.nominee, self.outsider),
            (reverse("people:declaration_detail", args=[self.nominee_declaration.pk]), self.orebro_assessor,
             self.outsider),
            (reverse("people:declaration_assess", args=[self.nominee_declaration.pk]), self.orebro_assessor,
             self.orebro_coordinator),
            (reverse("people:assessor_queue"), self.orebro_assessor, self.outsider),
            (reverse("people:assessors"), self.orebro_coordinator, self.chair),
            (reverse("people:coordination"), self.orebro_coordinator, self.chair),
            (reverse("people:body_seats", args=[self.heart_npo.pk]), None, None),
            (reverse("people:pool"), self.orebro_coordinator, self.member),
            (reverse("people:representative_create"), self.orebro_coordinator, self.member),
            (reverse("people:representative_detail", args=[self.rep.pk]), self.rep_user, self.uppsala_coordinator),
            (reverse("people:representative_update", args=[self.rep.pk]), self.orebro_coordinator,
             self.uppsala_coordinator),
            (reverse("people:assignment_create", args=[self.rep.pk]), self.orebro_coordinator, self.rep_user),
            (reverse("people:claim_create", args=[self.assignment.pk]), self.rep_user, self.uppsala_coordinator),
            (reverse("people:compensation_model", args=["18"]), self.orebro_coordinator, self.uppsala_coordinator),
            (reverse("people:payable_lists"), self.orebro_coordinator, self.member),
            (reverse("people:payable_csv", args=[self.payable.pk]), self.orebro_coordinator,
             self.uppsala_coordinator),
            (reverse("people:expert_time"), self.uppsala_coordinator, self.member),
            (reverse("people:expert_time_csv"), self.admin, self.outsider),
            (reverse("people:own_data_export"), self.nominee, None),
        ]
        for url, allowed, refused in pages:
            with self.subTest(url=url):
                self.assertEqual(self.get_as(allowed, url).status_code, 200)
                if allowed is not None:
                    response = self.get_as(None, url)
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith(LOGIN))
                if refused is not None:
                    self.assertEqual(self.get_as(refused, url).status_code, 403)

    def test_a_draft_call_is_not_found_by_those_who_cannot_manage_it(self):
        from .. import calls

        draft = calls.call_create(by=self.npo_editor, body=self.heart_nag, profile="Utkast",
                                  start_date=timezone.localdate(), closes_on=timezone.localdate())
        self.assertEqual(self.get_as(self.outsider, reverse("people:call_detail", args=[draft.pk])).status_code,
                         404)
        self.assertContains(self.get_as(self.npo_editor, reverse("people:call_detail", args=[draft.pk])),
                            "Publicera")

    def test_the_public_sees_that_a_declaration_is_assessed_but_not_the_measures(self):
        declaration = Declaration.objects.get(pk=self.nominee_declaration.pk)
        declarations.declaration_assess(by=self.orebro_assessor, declaration=declaration,
                                        assessment=Assessment.MEASURES, reasoning="Anslag från fonden.",
                                        measures="Deltar inte i frågor om fondens projekt.")
        url = reverse("people:body_seats", args=[self.heart_npo.pk])
        public = self.get_as(None, url)
        self.assertContains(public, "Jävsdeklaration bedömd")
        self.assertNotContains(public, "Deltar inte i frågor")
        self.assertContains(self.get_as(self.outsider, url), "Deltar inte i frågor om fondens projekt.")
        person_page = self.get_as(self.outsider, self.nominee.person.get_absolute_url())
        self.assertContains(person_page, "Deltar inte i frågor om fondens projekt.")

    def test_a_representative_in_the_pool_is_not_in_the_public_registry_unless_they_hold_a_seat(self):
        person = self.rep.person
        page, api = reverse("organisation:person_detail", args=[person.pk]), f"/api/v1/people/{person.pk}"
        self.assertEqual(self.get_as(None, page).status_code, 404)
        self.assertEqual(self.client.get(api).status_code, 404)
        self.assertEqual(self.get_as(self.outsider, page).status_code, 200)
        seat(by=self.orebro_coordinator, body=self.orebro_lpo, person=person, role=Role.PATIENT_REPRESENTATIVE)
        self.assertContains(self.get_as(None, page), str(person))
        self.assertEqual(self.client.get(api).status_code, 200)

    # --- the public self-nomination form --------------------------------------------

    def form_data(self, **changes):
        data = {"given_name": "Per", "family_name": "Anmälare", "email": "per@example.se", "title": "Läkare",
                "home_region": self.orebro.pk, "motivation": "Forskar om hjärtsvikt.", "consent": "on"}
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    def post_form(self, call=None, **changes):
        self.client.logout()
        return self.client.post(reverse("people:self_nominate", args=[(call or self.nag_call).pk]),
                                self.form_data(**changes), REMOTE_ADDR="198.51.100.7")

    def test_the_public_form_stores_a_nomination_and_thanks(self):
        response = self.post_form()
        self.assertRedirects(response, reverse("people:self_nomination_thanks", args=[self.nag_call.pk]))
        nomination = Nomination.objects.get(email="per@example.se")
        self.assertEqual((nomination.call, nomination.home_region), (self.nag_call, self.orebro))

    def test_the_public_form_says_in_swedish_what_to_fix_and_keeps_what_was_typed(self):
        response = self.post_form(email="inte-en-adress", given_name="", consent=None, family_name="Ö" * 101,
                                  motivation="Min långa erfarenhet")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'role="alert"')
        self.assertContains(response, "Skriv e-postadressen i formatet namn@exempel.se.")
        self.assertContains(response, "Skriv ditt förnamn.")
        self.assertContains(response, "Efternamnet får vara högst 100 tecken. Korta det.")
        self.assertContains(response, "Kryssa i rutan för att godkänna hur dina uppgifter hanteras.")
        self.assertContains(response, 'value="inte-en-adress"')
        self.assertContains(response, "Min långa erfarenhet</textarea>")
        self.assertContains(response, f'<option value="{self.orebro.pk}" selected>')
        self.assertFalse(Nomination.objects.filter(email="inte-en-adress").exists())

    def test_a_filled_honeypot_stores_nothing_but_thanks_all_the_same(self):
        before = Nomination.objects.count()
        with self.assertLogs("kunskapsnav.people.views", "WARNING") as logs:
            response = self.post_form(webbplats="http://spam.example")
        self.assertRedirects(response, reverse("people:self_nomination_thanks", args=[self.nag_call.pk]))
        self.assertEqual(Nomination.objects.count(), before)
        self.assertIn("honeypot", logs.output[0])

    def test_a_second_nomination_of_an_address_is_thanked_without_telling_it_exists(self):
        self.post_form(email="samma@example.se")
        response = self.post_form(email="samma@example.se")
        self.assertRedirects(response, reverse("people:self_nomination_thanks", args=[self.nag_call.pk]))
        self.assertEqual(Nomination.objects.filter(email="samma@example.se").count(), 1)

    def test_the_honeypot_is_hidden_from_people_and_keyboards(self):
        response = self.get_as(None, reverse("people:self_nominate", args=[self.nag_call.pk]))
        self.assertContains(response, '<div class="visually-hidden" aria-hidden="true">')
        self.assertContains(response, "Lämna detta fält tomt")
        self.assertContains(response, 'tabindex="-1"')
        self.assertContains(response, 'autocomplete="off"')

    @override_settings(SELF_NOMINATION_LIMIT_PER_HOUR=2)
    def test_the_answer_is_the_same_for_a_new_an_already_nominated_and_an_over_the_limit_address(self):
        def answer(response):
            return response.status_code, response.get("Location"), response.content

        new = answer(self.post_form(email="a@example.se"))
        again = answer(self.post_form(email="a@example.se"))
        over = answer(self.post_form(email="c@example.se"))
        robot = answer(self.post_form(email="d@example.se", webbplats="http://spam.example"))
        self.assertEqual(new, (302, reverse("people:self_nomination_thanks", args=[self.nag_call.pk]), b""))
        self.assertEqual(again, new)
        self.assertEqual(over, new)
        self.assertEqual(robot, new)
        self.assertEqual(set(Nomination.objects.filter(call=self.nag_call).values_list("email", flat=True))
                         & {"a@example.se", "c@example.se", "d@example.se"}, {"a@example.se"})

    def test_the_form_tells_the_limit_before_anything_is_sent(self):
        self.assertContains(self.get_as(None, reverse("people:self_nominate", args=[self.nag_call.pk])),
                            "högst 5 anmälningar i timmen från samma uppkoppling")

    @override_settings(SELF_NOMINATION_LIMIT_PER_HOUR=1, SENDER_ADDRESS_HEADER="X-Real-IP")
    def test_behind_a_proxy_the_limit_counts_the_clients_address(self):
        url = reverse("people:self_nominate", args=[self.nag_call.pk])
        self.client.post(url, self.form_data(email="a@example.se"), HTTP_X_REAL_IP="192.0.2.10")
        # Another client through the same proxy (the same REMOTE_ADDR) is not held back …
        self.client.post(url, self.form_data(email="b@example.se"), HTTP_X_REAL_IP="192.0.2.11")
        # … but the same client is, and thanked all the same.
        third = self.client.post(url, self.form_data(email="c@example.se"), HTTP_X_REAL_IP="192.0.2.10")
        self.assertEqual(third.status_code, 302)
        stored = set(Nomination.objects.filter(call=self.nag_call).values_list("email", flat=True))
        self.assertLessEqual({"a@example.se", "b@example.se"}, stored)
        self.assertNotIn("c@example.se", stored)

    def test_the_form_does_not_exist_for_a_call_without_self_nomination(self):
        self.assertEqual(self.get_as(None, reverse("people:self_nominate", args=[self.npo_call.pk])).status_code,
                         404)
        self.assertEqual(self.post_form(call=self.npo_call).status_code, 404)

    # --- nominations and the chain --------------------------------------------------

    def test_the_support_group_takes_its_step_on_the_nomination_page(self):
        url = reverse("people:nomination_detail", args=[self.self_nomination.pk])
        page = self.get_as(self.orebro_coordinator, url)
        self.assertContains(page, "nästa steg")
        self.assertContains(page, "Registrera beslutet")
        self.client.post(reverse("people:nomination_decide", args=[self.self_nomination.pk]),
                         {"outcome": "godkand", "comment": "Förankrad."})
        page = self.get_as(self.rmks_member, url)
        self.assertContains(page, "Förankrad.")
        self.assertContains(page, "Registrera beslutet")  # RMKS is next
        self.assertContains(page, "Jävsdeklaration saknas")

    # --- declarations ---------------------------------------------------------------

    def test_a_person_declares_through_the_formset(self):
        self.client.force_login(self.rmks_member)
        response = self.client.post(reverse("people:declaration_create"), {
            "intresse-TOTAL_FORMS": "3", "intresse-INITIAL_FORMS": "0",
            "intresse-0-category": "konsultuppdrag", "intresse-0-organisation": "Läkemedel AB",
            "intresse-0-description": "Föreläsning", "intresse-0-start_date": "2026-03-01",
            "intresse-0-amount": "12000",
            "intresse-1-category": "agande", "intresse-1-organisation": "Medtech AB",
            "intresse-1-description": "Aktier"})
        declaration = Declaration.objects.get(person=self.rmks_member.person)
        self.assertRedirects(response, declaration.get_absolute_url())
        self.assertEqual(sorted(declaration.interests.values_list("organisation", flat=True)),
                         ["Läkemedel AB", "Medtech AB"])

    def test_a_declaration_page_reports_the_domains_problems_and_keeps_the_rows(self):
        self.client.force_login(self.rmks_member)
        response = self.client.post(reverse("people:declaration_create"), {
            "intresse-TOTAL_FORMS": "3", "intresse-INITIAL_FORMS": "0",
            "intresse-0-category": "konsultuppdrag", "intresse-0-organisation": "Läkemedel AB"})
        self.assertContains(response, "Intresse 1: beskriv vad det gäller.")
        self.assertContains(response, 'value="Läkemedel AB"')
        response = self.client.post(reverse("people:declaration_create"), {
            "intresse-TOTAL_FORMS": "3", "intresse-INITIAL_FORMS": "0"})
        self.assertContains(response, "bekräfta att du inte har några att redovisa")
        self.assertFalse(Declaration.objects.filter(person=self.rmks_member.person).exists())

    def test_more_rows_keeps_what_is_typed_and_submits_nothing(self):
        self.client.force_login(self.rmks_member)
        response = self.client.post(reverse("people:declaration_create"), {
            "intresse-TOTAL_FORMS": "3", "intresse-INITIAL_FORMS": "0", "fler_rader": "1",
            "intresse-0-organisation": "Läkemedel AB"})
        self.assertContains(response, 'name="intresse-5-organisation"')
        self.assertContains(response, 'value="Läkemedel AB"')
        self.assertFalse(Declaration.objects.filter(person=self.rmks_member.person).exists())

    def test_the_assessor_assesses_on_the_page(self):
        self.client.force_login(self.orebro_assessor)
        self.assertContains(self.client.get(reverse("people:assessor_queue")), str(self.nominee.person))
        url = reverse("people:declaration_assess", args=[self.nominee_declaration.pk])
        response = self.client.post(url, {"assessment": "jav_med_atgarder", "reasoning": "Anslag."})
        self.assertContains(response, "Ange vilka åtgärder som hanterar jävet")
        response = self.client.post(url, {"assessment": "jav_med_atgarder", "reasoning": "Anslag.",
                                          "measures": "Deltar inte i fondens frågor."})
        self.assertRedirects(response, self.nominee_declaration.get_absolute_url())
        declaration = Declaration.objects.get(pk=self.nominee_declaration.pk)
        self.assertEqual((declaration.status, declaration.assessed_by), (DeclarationStatus.ASSESSED,
                                                                          self.orebro_assessor))

    def test_a_declaration_is_refused_to_an_outsider_and_another_regions_coordinator(self):
        url = reverse("people:declaration_detail", args=[self.nominee_declaration.pk])
        self.assertEqual(self.get_as(self.outsider, url).status_code, 403)
        self.assertEqual(self.get_as(self.uppsala_coordinator, url).status_code, 403)
        self.assertContains(self.get_as(self.orebro_coordinator, url), "Hjärtfonden")
        self.assertContains(self.get_as(self.nominee, url), "Hjärtfonden")

    # --- pool and compensation ------------------------------------------------------

    def test_the_pool_shows_contact_details_to_the_regions_coordinator(self):
        self.assertContains(self.get_as(self.orebro_coordinator, reverse("people:pool")), "070-1234567")
        self.assertNotContains(self.get_as(self.uppsala_coordinator, reverse("people:pool")), "070-1234567")

    def test_a_new_person_can_be_added_to_the_pool_from_the_page(self):
        self.client.force_login(self.orebro_coordinator)
        response = self.client.post(reverse("people:representative_create"), {
            "region": self.orebro.pk, "given_name": "Ny", "family_name": "Företrädare", "email": "ny@example.se",
            "kind": "brukare", "recruited_through": "annat", "experience_areas": "Psykisk hälsa",
            "consent_on": timezone.localdate().isoformat(), "is_active": "on"})
        rep = participation.Representative.objects.get(person__email="ny@example.se")
        self.assertRedirects(response, rep.get_absolute_url())
        self.assertEqual(rep.person.home_region, self.orebro)

    def test_the_payable_list_downloads_as_csv(self):
        response = self.get_as(self.orebro_coordinator, reverse("people:payable_csv", args=[self.payable.pk]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[0], "referens;fornamn;efternamn;datum;uppdrag;timmar;tillfallen;arvode;"
                                   "reseersattning;summa")
        self.assertEqual(lines[1].split(";")[0], "LÖN-77")
        self.assertEqual(lines[1].split(";")[-3:], ["500,00", "25,00", "525,00"])

    def test_expert_time_downloads_as_csv_for_the_year(self):
        year = timezone.localdate().year
        response = self.get_as(self.orebro_coordinator, reverse("people:expert_time_csv"), ar=year)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(f"experttid-{year}.csv", response["Content-Disposition"])
        text = response.content.decode("utf-8-sig")
        self.assertTrue(text.startswith("organ;region;ledamoter;utan_angiven_tid;arsarbetare"))
        self.assertIn(f"{self.heart_npo.name};Region Örebro län;", text)

    # --- one's own data and the start page ------------------------------------------

    def test_the_export_holds_ones_own_data_and_nobody_elses(self):
        response = self.get_as(self.nominee, reverse("people:own_data_export"))
        self.assertIn("attachment;", response["Content-Disposition"])
        data = json.loads(response.content)
        self.assertEqual(data["person"]["given_name"], "Nora")
        self.assertEqual([i["organisation"] for i in data["declarations"][0]["interests"]], ["Hjärtfonden"])
        text = response.content.decode()
        for other in ("Sara", "sara.ek@example.se", "LÖN-77", "Rut"):
            self.assertNotIn(other, text)
        self.assertEqual(self.get_as(self.outsider, reverse("people:own_data_export")).status_code, 404)

    def test_the_start_page_shows_what_waits_in_the_people_work(self):
        self.assertContains(self.get_as(self.orebro_coordinator, reverse("home")), "Sara Ek")
        self.assertContains(self.get_as(self.orebro_assessor, reverse("home")), "Jävsdeklarationer att bedöma")
        declaration = Declaration.objects.get(pk=self.nominee_declaration.pk)
        declarations.declaration_assess(by=self.orebro_assessor, declaration=declaration,
                                        assessment=Assessment.NO_CONFLICT, reasoning="Inget jäv.")
        self.assertNotContains(self.get_as(self.nominee, reverse("home")), "Din jävsdeklaration")
        Declaration.objects.filter(pk=declaration.pk).update(valid_until=timezone.localdate())
        self.assertContains(self.get_as(self.nominee, reverse("home")), "Din jävsdeklaration")
