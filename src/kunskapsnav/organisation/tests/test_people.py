from django.core.exceptions import PermissionDenied, ValidationError

from kunskapsnav.organisation import people

from .personas import RegistryTestCase, make_person


class PersonTests(RegistryTestCase):
    def test_coordinator_registers_people_of_their_own_region(self):
        person = people.person_create(by=self.orebro_coordinator, given_name=" Kim ", family_name="Ek", home_region=self.orebro)
        self.assertEqual(person.given_name, "Kim")
        with self.assertRaises(PermissionDenied):
            people.person_create(by=self.orebro_coordinator, given_name="Kim", family_name="Ek", home_region=self.uppsala)

    def test_members_cannot_register_people(self):
        with self.assertRaises(PermissionDenied):
            people.person_create(by=self.member, given_name="Kim", family_name="Ek", home_region=self.orebro)

    def test_coordinator_cannot_edit_a_person_of_another_region_or_move_one_there(self):
        uppsala_person = make_person(by=self.admin, region=self.uppsala, family="Uppsala")
        with self.assertRaises(PermissionDenied):
            people.person_update(by=self.orebro_coordinator, person=uppsala_person, title="Nej")
        orebro_person = make_person(by=self.admin, region=self.orebro, family="Örebro")
        with self.assertRaises(PermissionDenied):
            people.person_update(by=self.orebro_coordinator, person=orebro_person, home_region=self.uppsala)

    def test_a_person_edits_their_own_details(self):
        person = people.person_update(by=self.member, person=self.member.person, title="Sjuksköterska")
        self.assertEqual(person.title, "Sjuksköterska")
        self.assertEqual(person.history.latest().history_user, self.member)

    def test_it_requires_names_and_a_unique_email(self):
        with self.assertRaises(ValidationError) as caught:
            people.person_create(by=self.admin, given_name=" ", family_name="", home_region=self.orebro)
        self.assertEqual(set(caught.exception.message_dict), {"given_name", "family_name"})
        people.person_create(by=self.admin, given_name="A", family_name="B", email="a.b@regionorebrolan.se")
        with self.assertRaises(ValidationError) as caught:
            people.person_create(by=self.admin, given_name="C", family_name="D", email="A.B@regionorebrolan.se")
        self.assertIn("email", caught.exception.message_dict)

    def test_it_keeps_an_hsa_id_checked_for_format_and_check_digit(self):
        person = people.person_create(by=self.admin, given_name="A", family_name="B", hsa_id=" SE2321000032-abc123 ")
        self.assertEqual(person.hsa_id, "SE2321000032-abc123")
        for wrong in ("2321000032-abc123", "SE2321000032", "SE232100003-abc", "SE2321000033-abc123",
                      "SE2321000032-ab c", "SE2321000032-" + "x" * 20):
            with self.subTest(hsa_id=wrong), self.assertRaises(ValidationError) as caught:
                people.person_create(by=self.admin, given_name="C", family_name="D", hsa_id=wrong)
            self.assertEqual(set(caught.exception.message_dict), {"hsa_id"})
        # Older ids carry "16" before the organisation number.
        people.person_create(by=self.admin, given_name="E", family_name="F", hsa_id="SE162321000016-15CQ")

    def test_an_hsa_id_belongs_to_one_person_whatever_the_letter_case(self):
        people.person_create(by=self.admin, given_name="A", family_name="B", hsa_id="SE2321000032-abc123")
        with self.assertRaises(ValidationError) as caught:
            people.person_create(by=self.admin, given_name="C", family_name="D", hsa_id="se2321000032-ABC123")
        self.assertIn("redan det HSA-id:t", caught.exception.message_dict["hsa_id"][0])
        # People without one do not collide.
        people.person_create(by=self.admin, given_name="E", family_name="F")
        people.person_create(by=self.admin, given_name="G", family_name="H", hsa_id="")

    def test_the_database_refuses_a_second_person_with_the_same_hsa_id(self):
        from django.db import IntegrityError, transaction

        from kunskapsnav.organisation.models import Person

        Person.objects.create(given_name="A", family_name="B", hsa_id="SE2321000032-abc123")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Person.objects.create(given_name="C", family_name="D", hsa_id="SE2321000032-ABC123")

    def test_the_person_form_edits_the_hsa_id_shown_only_to_logged_in_users(self):
        from django.urls import reverse

        person = self.member.person
        self.client.force_login(self.orebro_coordinator)
        url = reverse("organisation:person_update", args=[person.pk])
        form = {"given_name": person.given_name, "family_name": person.family_name, "home_region": self.orebro.pk}
        response = self.client.post(url, {**form, "hsa_id": "SE2321000033-abc"})
        self.assertContains(response, "fel kontrollsiffra")
        response = self.client.post(url, {**form, "hsa_id": "SE2321000016-abc"})
        self.assertRedirects(response, person.get_absolute_url())
        person.refresh_from_db()
        self.assertEqual(person.hsa_id, "SE2321000016-abc")
        self.assertContains(self.client.get(person.get_absolute_url()), "SE2321000016-abc")
        self.client.logout()
        self.assertNotContains(self.client.get(person.get_absolute_url()), "SE2321000016")
