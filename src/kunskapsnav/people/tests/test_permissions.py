from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kunskapsnav.organisation.models import Body, Role
from kunskapsnav.organisation.tests.personas import make_person

from .. import nominations, permissions
from .personas import PeopleTestCase, declare, open_call


class PermissionsTests(PeopleTestCase):
    def test_the_call_form_offers_exactly_the_bodies_can_manage_call_allows(self):
        for user in (self.admin, self.npo_editor, self.orebro_coordinator, self.uppsala_coordinator, self.member,
                     self.outsider):
            with self.subTest(user=user.username):
                offered = set(permissions.call_bodies(user))
                allowed = {b for b in Body.objects.active() if permissions.can_manage_call(user, b)}
                self.assertEqual(offered, allowed)

    def test_the_nominee_and_the_regions_coordinators_may_withdraw(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call,
                                                   person=self.nominee.person, motivation="Erfaren.")
        self.assertTrue(permissions.can_withdraw_nomination(self.nominee, nomination))
        self.assertTrue(permissions.can_withdraw_nomination(self.orebro_coordinator, nomination))
        self.assertFalse(permissions.can_withdraw_nomination(self.uppsala_coordinator, nomination))
        self.assertFalse(permissions.can_withdraw_nomination(self.npo_editor, nomination))


class NominationVisibilityTests(PeopleTestCase):
    """Who sees a nomination: the region's kunskapsstödsgrupp, those who manage the call, the
    members of every body in its chain, and the nominee; nobody else."""

    def test_a_working_group_nomination_is_seen_along_its_chain(self):
        from django.contrib.auth.models import AnonymousUser

        call = open_call(by=self.npo_editor, body=self.heart_nag)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call,
                                                   person=self.nominee.person, motivation="Erfaren.")
        expected = {"orebro_coordinator": True, "rmks_member": True, "npo_editor": True, "nominee": True,
                    "admin": True, "uppsala_coordinator": False, "ksg_member": False, "chair": False,
                    "member": False, "analyst": False, "outsider": False, "orebro_assessor": False}
        for name, allowed in expected.items():
            with self.subTest(name):
                self.assertEqual(permissions.can_see_nomination(getattr(self, name), nomination), allowed)
        self.assertFalse(permissions.can_see_nomination(AnonymousUser(), nomination))

    def test_a_healthcare_region_seat_is_seen_by_its_ksg(self):
        call = open_call(by=self.npo_editor, body=self.heart_npo, represents_healthcare_region=self.mellansverige)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call,
                                                   person=self.nominee.person, motivation="Erfaren.")
        self.assertTrue(permissions.can_see_nomination(self.ksg_member, nomination))
        self.assertTrue(permissions.can_see_nomination(self.npo_editor, nomination))  # manages the NPO's call
        self.assertFalse(permissions.can_see_nomination(self.uppsala_coordinator, nomination))


class DeclarationEscalationTests(PeopleTestCase):
    """The Uppsala coordinator chairs Uppsala's kunskapsstödsgrupp and edits Uppsala's bodies.
    Every relation they can make to an Örebro nominee on their own (a seat in a body they
    chair, a nomination, a pool entry with an assignment, a home region) leaves the nominee's
    declaration unreadable to them, on the page and through the API."""

    SECRET = "Hemlig Läkemedel AB"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = declare(cls.nominee, nothing=False, interests=[{
            "category": "konsultuppdrag", "organisation": cls.SECRET, "description": "Föreläsningsarvode",
            "amount": 48000}])
        cls.attacker = cls.uppsala_coordinator

    def assertUnreadable(self):
        import json

        from django.urls import reverse

        from kunskapsnav.accounts.models import ApiToken

        self.assertFalse(permissions.can_see_declaration(self.attacker, self.declaration))
        self.client.force_login(self.attacker)
        page = self.client.get(reverse("people:declaration_detail", args=[self.declaration.pk]))
        self.assertIn(page.status_code, (403, 404))
        self.assertNotContains(page, self.SECRET, status_code=page.status_code)
        assess = self.client.get(reverse("people:declaration_assess", args=[self.declaration.pk]))
        self.assertNotContains(assess, self.SECRET, status_code=assess.status_code)
        self.client.logout()
        headers = {"Authorization": "Bearer " + ApiToken.issue(user=self.attacker, name="test")[1]}
        one = self.client.get(f"/api/v1/declarations/{self.declaration.pk}", headers=headers)
        self.assertIn(one.status_code, (403, 404))
        self.assertNotIn(self.SECRET, one.content.decode())
        listed = self.client.get("/api/v1/declarations", headers=headers)
        self.assertEqual(listed.status_code, 200)
        self.assertNotIn(self.declaration.pk, [d["id"] for d in listed.json()])
        self.assertNotIn(self.SECRET, json.dumps(listed.json(), ensure_ascii=False))

    def test_a_chair_who_seats_someone_in_their_body_does_not_read_their_declaration(self):
        import json

        from kunskapsnav.accounts.models import ApiToken
        from kunskapsnav.organisation import memberships

        today = timezone.localdate()
        memberships.membership_create(by=self.attacker, body=self.uppsala_lpo, person=self.attacker.person,
                                      role=Role.CHAIR, start_date=today)
        # For one day, through the domain function, and once more through the API.
        memberships.membership_create(by=self.attacker, body=self.uppsala_lpo, person=self.nominee.person,
                                      role=Role.MEMBER, start_date=today, end_date=today)
        headers = {"Authorization": "Bearer " + ApiToken.issue(user=self.attacker, name="test")[1]}
        created = self.client.post("/api/v1/memberships", data=json.dumps({
            "body": self.uppsala_support_group.pk, "person": self.nominee.person.pk, "role": "ledamot",
            "start_date": today.isoformat(), "end_date": today.isoformat()}), content_type="application/json",
            headers=headers)
        self.assertEqual(created.status_code, 201, created.content)
        self.assertUnreadable()

    def test_a_coordinator_cannot_nominate_another_regions_person_even_to_a_seat_of_their_own(self):
        import json

        from kunskapsnav.accounts.models import ApiToken

        call = open_call(by=self.attacker, body=self.uppsala_lpo, represents_region=self.uppsala)
        with self.assertRaises(PermissionDenied):
            nominations.nomination_create(by=self.attacker, call=call, person=self.nominee.person,
                                          motivation="Erfaren.")
        headers = {"Authorization": "Bearer " + ApiToken.issue(user=self.attacker, name="test")[1]}
        refused = self.client.post(f"/api/v1/nomination-calls/{call.pk}/nominations", data=json.dumps({
            "person_id": self.nominee.person.pk, "motivation": "Erfaren."}), content_type="application/json",
            headers=headers)
        self.assertEqual(refused.status_code, 403)
        self.assertFalse(call.nominations.exists())
        self.assertUnreadable()

    def test_a_seat_that_represents_a_region_takes_that_regions_people(self):
        call = open_call(by=self.npo_editor, body=self.heart_npo, represents_region=self.uppsala)
        with self.assertRaisesMessage(ValidationError, "Platsen företräder Region Uppsala"):
            nominations.nomination_create(by=self.admin, call=call, person=self.nominee.person,
                                          motivation="Erfaren.")

    def test_a_typed_address_does_not_link_a_self_nomination_to_another_regions_person(self):
        from .. import chain

        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)
        # The attacker types the Örebro nominee's address into the public form, naming Uppsala.
        nomination = nominations.nomination_self_submit(
            call=call, sender="192.0.2.50", given_name="Nora", family_name="Nominee", email="nominee@example.se",
            title="", home_region=self.uppsala, motivation="Intresserad.")
        with self.assertRaisesMessage(ValidationError, "med hemregion Region Örebro län"):
            chain.nomination_decide(by=self.attacker, nomination=nomination, outcome="godkand")
        nomination.refresh_from_db()
        self.assertIsNone(nomination.person)
        self.assertFalse(nomination.decisions.exists())
        self.assertUnreadable()

    def test_a_pool_entry_and_an_assignment_give_no_reading(self):
        from .. import participation

        with self.assertRaises(PermissionDenied):
            participation.representative_add(by=self.attacker, person=self.nominee.person, region=self.uppsala,
                                             kind="patient", recruited_through="annat", experience_areas="Hjärta",
                                             consent_on=timezone.localdate())
        # Even a representative of the attacker's own pool, given an assignment in the body
        # the attacker chairs, is no way in: nothing reads declarations through the pool.
        own = make_person(by=self.attacker, region=self.uppsala, given="Ulla")
        rep = participation.representative_add(by=self.attacker, person=own, region=self.uppsala, kind="patient",
                                               recruited_through="annat", experience_areas="Hjärta",
                                               consent_on=timezone.localdate())
        participation.assignment_create(by=self.attacker, representative=rep, kind="organ",
                                        body=self.uppsala_support_group, description="Ledamot",
                                        start_date=timezone.localdate())
        self.assertUnreadable()

    def test_a_coordinator_cannot_move_someone_into_their_region(self):
        from kunskapsnav.organisation import people as registry_people

        with self.assertRaises(PermissionDenied):
            registry_people.person_update(by=self.attacker, person=self.nominee.person, home_region=self.uppsala)
        # The own region's coordinator cannot hand the person over either.
        with self.assertRaises(PermissionDenied):
            registry_people.person_update(by=self.orebro_coordinator, person=self.nominee.person,
                                          home_region=self.uppsala)
        self.assertUnreadable()
