import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kunskapsnav.organisation.models import Role
from kunskapsnav.organisation.tests.personas import seat

from .. import chain, nominations, selectors
from ..models import Declaration, Nomination, NominationStatus, Outcome
from .personas import PeopleTestCase, declare, declare_and_assess, open_call


class SelectorsTests(PeopleTestCase):
    def test_a_declaration_is_to_renew_when_a_seat_needs_it_or_it_lapses(self):
        today = timezone.localdate()
        person = self.nominee.person
        self.assertIsNone(selectors.declaration_to_renew(person, today))  # no seat, nothing asked
        seat(by=self.admin, body=self.heart_npo, person=person, role=Role.MEMBER, represents_region=self.orebro)
        self.assertEqual(selectors.declaration_to_renew(person, today).status, selectors.MISSING)
        declare(self.nominee)
        self.assertIsNone(selectors.declaration_to_renew(person, today))  # with the assessor
        Declaration.objects.filter(person=person).delete()
        declaration = declare_and_assess(self.nominee, assessor=self.orebro_assessor)
        self.assertIsNone(selectors.declaration_to_renew(person, today))
        Declaration.objects.filter(pk=declaration.pk).update(valid_until=today + datetime.timedelta(days=3))
        self.assertEqual(selectors.declaration_to_renew(person, today).status, selectors.VALID)
        Declaration.objects.filter(pk=declaration.pk).update(valid_until=today - datetime.timedelta(days=1))
        self.assertEqual(selectors.declaration_to_renew(person, today).status, selectors.LAPSED)

    def test_nominations_waiting_asks_only_those_who_can_decide(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)
        nomination = nominations.nomination_self_submit(
            call=call, sender="192.0.2.1", given_name="Sara", family_name="Ek", email="sara@example.se", title="",
            home_region=self.orebro, motivation="Erfaren.")
        self.assertEqual(selectors.nominations_waiting(self.orebro_coordinator), [nomination])
        self.assertEqual(selectors.nominations_waiting(self.admin), [nomination])
        with self.assertNumQueries(1):
            self.assertEqual(selectors.nominations_waiting(self.outsider), [])
        self.assertEqual(selectors.nominations_waiting(self.rmks_member), [])

    def test_nominations_waiting_are_those_each_user_may_decide_at_a_fixed_cost(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)

        def submit(n, region):
            return nominations.nomination_self_submit(
                call=call, sender=f"192.0.2.{n}", given_name="Sara", family_name=f"Ek {n}",
                email=f"sara{n}@example.se", title="", home_region=region, motivation="Erfaren.")

        first = [submit(1, self.orebro), submit(2, self.orebro), submit(3, self.uppsala)]
        chain.nomination_decide(by=self.orebro_coordinator, nomination=first[0], outcome=Outcome.APPROVED)
        users = [self.orebro_coordinator, self.uppsala_coordinator, self.rmks_member, self.admin, self.outsider]
        for user in users:
            with self.subTest(user=user.username):
                expected = [n for n in Nomination.objects.filter(status=NominationStatus.IN_PROGRESS) if chain.may_decide(user, n)]
                self.assertEqual(selectors.nominations_waiting(user), expected)
        self.assertEqual(selectors.nominations_waiting(self.rmks_member), [first[0]])
        with CaptureQueriesContext(connection) as few:
            selectors.nominations_waiting(self.orebro_coordinator)
        for n in range(4, 10):
            submit(n, self.orebro if n % 2 else self.uppsala)
        with CaptureQueriesContext(connection) as many:
            self.assertEqual(len(selectors.nominations_waiting(self.orebro_coordinator)), 4)
        self.assertEqual(len(many), len(few))

    def test_seats_take_a_clearance_already_read_in_place_of_reading_it_again(self):
        today = timezone.localdate()
        person = self.nominee.person
        seat(by=self.admin, body=self.heart_npo, person=person, role=Role.MEMBER, represents_region=self.orebro)
        declare_and_assess(self.nominee, assessor=self.orebro_assessor)
        memberships = person.memberships.active_on(today).select_related("body")
        read = selectors.seats(memberships, today)
        self.assertEqual(read[0].clearance.status, selectors.VALID)
        with self.assertNumQueries(1):  # the caller's own reading; the memberships are read already
            known = selectors.seats(memberships, today, known={person.pk: selectors.clearance(person, today)})
        self.assertEqual(known, read)
