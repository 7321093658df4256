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
