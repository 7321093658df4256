import datetime

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kunskapsnav.organisation.models import Membership, Person, Role

from .. import chain, declarations, nominations
from ..models import Assessment, NominationStatus, Outcome, Step
from .personas import PeopleTestCase, declare, declare_and_assess, open_call


class ChainTests(PeopleTestCase):
    def self_nomination(self, call, **values):
        fields = dict(call=call, sender="192.0.2.1", given_name="Sara", family_name="Ek", email="sara.ek@example.se",
                      title="Sjuksköterska", home_region=self.orebro, motivation="Tio år i hjärtsviktsvård.")
        fields.update(values)
        return nominations.nomination_self_submit(**fields)

    def nag_call(self, **values):
        return open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True, **values)

    def test_a_working_group_nomination_goes_through_support_group_rmks_and_npo(self):
        nomination = self.self_nomination(self.nag_call())
        self.assertEqual(chain.steps_for(nomination), [Step.SUPPORT_GROUP, Step.RMKS, Step.NPO])

    def test_a_seat_for_the_healthcare_region_is_decided_there(self):
        call = open_call(by=self.npo_editor, body=self.heart_npo, represents_healthcare_region=self.mellansverige)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call,
                                                   person=self.nominee.person, motivation="Erfaren.")
        self.assertEqual(chain.steps_for(nomination), [Step.SUPPORT_GROUP, Step.RMKS, Step.HEALTHCARE_REGION])
        self.assertEqual(chain.deciding_body(nomination, Step.HEALTHCARE_REGION), self.mellansverige_ksg)

    def test_each_step_is_taken_by_its_body_and_recorded(self):
        nomination = self.self_nomination(self.nag_call())
        with self.assertRaises(PermissionDenied):
            chain.nomination_decide(by=self.rmks_member, nomination=nomination, outcome=Outcome.APPROVED)
        with self.assertRaises(PermissionDenied):
            chain.nomination_decide(by=self.uppsala_coordinator, nomination=nomination, outcome=Outcome.APPROVED)
        chain.nomination_decide(by=self.orebro_coordinator, nomination=nomination, outcome=Outcome.APPROVED,
                                comment="Förankrad med verksamhetschefen.")
        with self.assertRaises(PermissionDenied):
            chain.nomination_decide(by=self.npo_editor, nomination=nomination, outcome=Outcome.APPROVED)
        chain.nomination_decide(by=self.rmks_member, nomination=nomination, outcome=Outcome.APPROVED,
                                comment="RMKS 2026-11-20 § 4")
        chain.nomination_decide(by=self.npo_editor, nomination=nomination, outcome=Outcome.APPROVED)
        nomination.refresh_from_db()
        self.assertEqual(nomination.status, NominationStatus.APPROVED)
        recorded = [(d.step, d.outcome, d.decided_by) for d in nomination.decisions.all()]
        self.assertEqual(recorded, [(Step.SUPPORT_GROUP, Outcome.APPROVED, self.orebro_coordinator),
                                    (Step.RMKS, Outcome.APPROVED, self.rmks_member),
                                    (Step.NPO, Outcome.APPROVED, self.npo_editor)])
        self.assertTrue(all(d.decided_at for d in nomination.decisions.all()))
        with self.assertRaises(ValidationError):
            chain.nomination_decide(by=self.npo_editor, nomination=nomination, outcome=Outcome.APPROVED)

    def test_the_support_group_links_a_self_nominee_to_the_registry_with_an_account(self):
        nomination = self.self_nomination(self.nag_call())
        self.assertIsNone(nomination.person)
        chain.nomination_decide(by=self.orebro_coordinator, nomination=nomination, outcome=Outcome.APPROVED)
        nomination.refresh_from_db()
        person = Person.objects.get(email="sara.ek@example.se")
        self.assertEqual(nomination.person, person)
        self.assertEqual(person.home_region, self.orebro)
        self.assertIsNotNone(person.user)
        self.assertFalse(person.user.has_usable_password())
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("/konto/losenord/", mail.outbox[0].body)

    def test_a_rejection_ends_the_chain_and_needs_a_reason(self):
        nomination = self.self_nomination(self.nag_call())
        with self.assertRaises(ValidationError):
            chain.nomination_decide(by=self.orebro_coordinator, nomination=nomination, outcome=Outcome.REJECTED)
        chain.nomination_decide(by=self.orebro_coordinator, nomination=nomination, outcome=Outcome.REJECTED,
                                comment="Saknar erfarenhet av området.")
        nomination.refresh_from_db()
        self.assertEqual(nomination.status, NominationStatus.REJECTED)
        self.assertIsNone(chain.next_step(nomination))

    def approve_all(self, nomination):
        for user in (self.orebro_coordinator, self.rmks_member, self.npo_editor):
            chain.nomination_decide(by=user, nomination=nomination, outcome=Outcome.APPROVED)
        nomination.refresh_from_db()
        return nomination

    def test_no_seat_without_an_assessed_declaration(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call, person=self.nominee.person,
                                                   motivation="Erfaren.")
        nomination = self.approve_all(nomination)
        self.assertEqual(nomination.status, NominationStatus.APPROVED)
        self.assertFalse(Membership.objects.filter(person=self.nominee.person, body=self.heart_nag).exists())
        declaration = declare(self.nominee)  # declared but not assessed: still no seat
        self.assertFalse(Membership.objects.filter(person=self.nominee.person, body=self.heart_nag).exists())
        declarations.declaration_assess(by=self.orebro_assessor, declaration=declaration,
                                        assessment=Assessment.NO_CONFLICT, reasoning="Inga band.")
        nomination.refresh_from_db()
        self.assertEqual(nomination.status, NominationStatus.SEATED)
        membership = nomination.membership
        self.assertEqual((membership.body, membership.role, membership.start_date),
                         (self.heart_nag, Role.MEMBER, call.start_date))

    def test_an_assessed_nominee_is_seated_at_the_last_step(self):
        declare_and_assess(self.nominee, assessor=self.orebro_assessor)
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call, person=self.nominee.person,
                                                   motivation="Erfaren.")
        self.assertEqual(self.approve_all(nomination).status, NominationStatus.SEATED)

    def test_not_eligible_means_no_seat(self):
        declare_and_assess(self.nominee, assessor=self.orebro_assessor, assessment=Assessment.NOT_ELIGIBLE)
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call, person=self.nominee.person,
                                                   motivation="Erfaren.")
        self.assertEqual(self.approve_all(nomination).status, NominationStatus.APPROVED)
        self.assertIsNone(nomination.membership)

    def test_approvals_stop_at_the_number_of_seats(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)
        self.approve_all(self.self_nomination(call))
        second = self.self_nomination(call, email="other@example.se", sender="192.0.2.2")
        chain.nomination_decide(by=self.orebro_coordinator, nomination=second, outcome=Outcome.APPROVED)
        chain.nomination_decide(by=self.rmks_member, nomination=second, outcome=Outcome.APPROVED)
        with self.assertRaises(ValidationError):
            chain.nomination_decide(by=self.npo_editor, nomination=second, outcome=Outcome.APPROVED)

    def test_a_missing_rmks_is_named(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)
        nomination = self.self_nomination(call, home_region=self.skane, email="skane@example.se")
        with self.assertRaisesMessage(ValidationError, "kunskapsstödsgrupp"):
            chain.nomination_decide(by=self.orebro_coordinator, nomination=nomination, outcome=Outcome.APPROVED)


class SelfNominationTests(PeopleTestCase):
    def submit(self, call, n, sender="198.51.100.7"):
        return nominations.nomination_self_submit(
            call=call, sender=sender, given_name="Per", family_name=f"Nilsson{n}", email=f"per{n}@example.se",
            title="", home_region=self.orebro, motivation="Intresserad.")

    def test_only_calls_that_allow_it_take_self_nominations(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        with self.assertRaises(ValidationError):
            self.submit(call, 1)

    def test_a_closed_call_takes_none(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True,
                         closes_on=timezone.localdate())
        call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
        call.save()
        with self.assertRaises(ValidationError):
            self.submit(call, 1)

    def test_the_same_person_once(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)
        self.submit(call, 1)
        self.assertIsNone(self.submit(call, 1, sender="203.0.113.9"))  # nothing stored, nothing said
        self.assertEqual(call.nominations.count(), 1)

    def test_one_sender_is_limited_per_hour(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)
        with self.settings(SELF_NOMINATION_LIMIT_PER_HOUR=3):
            for n in range(3):
                self.assertIsNotNone(self.submit(call, n))
            self.assertIsNone(self.submit(call, 9))
            self.assertIsNotNone(self.submit(call, 10, sender="203.0.113.9"))  # another sender is not held back
        self.assertFalse(call.nominations.filter(email="per9@example.se").exists())

    def test_every_submission_counts_towards_the_limit_whatever_became_of_it(self):
        # Were an address already nominated not counted, a stranger could tell by the limit
        # whether it is: the next new address would go in (or not) one submission later.
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)
        self.submit(call, 1, sender="203.0.113.9")
        with self.settings(SELF_NOMINATION_LIMIT_PER_HOUR=2):
            self.assertIsNone(self.submit(call, 1))  # already nominated
            self.assertIsNone(self.submit(call, 1))  # already nominated
            self.assertIsNone(self.submit(call, 2))  # new, but the third submission this hour
        self.assertFalse(call.nominations.filter(email="per2@example.se").exists())

    def test_the_limit_counts_an_ipv6_64_as_one_sender_and_an_ipv4_address_alone(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)
        with self.settings(SELF_NOMINATION_LIMIT_PER_HOUR=1):
            self.assertIsNotNone(self.submit(call, 1, sender="2001:db8:1:2::1"))
            self.assertIsNone(self.submit(call, 2, sender="2001:db8:1:2:ffff:ffff:ffff:ffff"))
            self.assertIsNotNone(self.submit(call, 3, sender="2001:db8:1:3::1"))  # the next /64
            self.assertIsNotNone(self.submit(call, 4, sender="192.0.2.10"))
            self.assertIsNotNone(self.submit(call, 5, sender="192.0.2.11"))  # IPv4: the address alone
            self.assertIsNone(self.submit(call, 6, sender="::ffff:192.0.2.10"))  # the same, written as IPv6

    def test_the_sender_block_is_what_the_limit_counts(self):
        self.assertEqual(nominations.sender_block("192.0.2.7"), "192.0.2.7/32")
        self.assertEqual(nominations.sender_block("::ffff:192.0.2.7"), "192.0.2.7/32")
        self.assertEqual(nominations.sender_block("2001:DB8:a:b:1:2:3:4"), "2001:db8:a:b::/64")
        self.assertEqual(nominations.sender_block("fe80::1%eth0"), "fe80::/64")
        self.assertEqual(nominations.sender_block("not an address"), "not an address")

    def test_the_sender_is_kept_only_as_a_keyed_hash_and_forgotten_after_a_day(self):
        from ..models import SelfNominationAttempt

        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)
        self.submit(call, 1)
        attempt = SelfNominationAttempt.objects.get()
        self.assertNotIn("198.51.100", attempt.sender_key)
        self.assertEqual(len(attempt.sender_key), 64)
        now = timezone.now()
        self.assertEqual(nominations.sender_keys_forget(now=now + datetime.timedelta(hours=23)), 0)
        self.assertEqual(nominations.sender_keys_forget(now=now + datetime.timedelta(hours=25)), 1)
        self.assertFalse(SelfNominationAttempt.objects.exists())

    def test_a_seat_for_a_region_takes_self_nominations_from_that_region(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True,
                         represents_region=self.uppsala)
        with self.assertRaisesMessage(ValidationError, "Platsen företräder Region Uppsala"):
            self.submit(call, 1)

    def test_a_coordinator_nominates_only_for_their_region(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        with self.assertRaises(PermissionDenied):
            nominations.nomination_create(by=self.uppsala_coordinator, call=call, person=self.nominee.person,
                                          motivation="x")


class NominationRetentionTests(PeopleTestCase):
    def test_rejected_and_withdrawn_nominations_go_after_the_retention_period(self):
        from django.test import override_settings

        call = open_call(by=self.npo_editor, body=self.heart_nag, self_nomination_allowed=True)

        def submit(n):
            return nominations.nomination_self_submit(
                call=call, sender=f"192.0.2.{n}", given_name="A", family_name=f"B{n}", email=f"n{n}@example.se",
                title="", home_region=self.orebro, motivation="x")

        rejected, withdrawn, waiting = submit(1), submit(2), submit(3)
        chain.nomination_decide(by=self.orebro_coordinator, nomination=rejected, outcome=Outcome.REJECTED,
                                comment="Nej.")
        nominations.nomination_withdraw(by=self.orebro_coordinator, nomination=withdrawn)
        now = timezone.now()
        with override_settings(NOMINATION_RETENTION_DAYS=10):
            self.assertEqual(nominations.nominations_purge(now=now + datetime.timedelta(days=9)), 0)
            self.assertEqual(nominations.nominations_purge(now=now + datetime.timedelta(days=11)), 2)
        self.assertEqual(list(call.nominations.all()), [waiting])
