import datetime

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from kunskapsnav.organisation.models import Role
from kunskapsnav.organisation.tests.personas import make_person, make_user, seat

from .. import declarations, permissions, selectors, tasks
from ..models import Assessment, Declaration, DeclarationReminder, DeclarationStatus
from .personas import PeopleTestCase, declare, declare_and_assess

INTEREST = {"category": "konsultuppdrag", "organisation": "Läkemedel AB", "description": "Föreläsning",
            "start_date": datetime.date(2026, 3, 1), "end_date": datetime.date(2026, 3, 1), "amount": 12000}


class DeclareTests(PeopleTestCase):
    def test_a_declaration_lists_ties_or_says_there_are_none(self):
        with self.assertRaisesMessage(ValidationError, "bekräfta att du inte har några"):
            declare(self.nominee, nothing=False)
        with self.assertRaisesMessage(ValidationError, "Ta bort bocken"):
            declare(self.nominee, nothing=True, interests=[INTEREST])
        declaration = declare(self.nominee, nothing=False, interests=[INTEREST])
        self.assertEqual(declaration.interests.get().organisation, "Läkemedel AB")

    def test_each_bad_interest_is_named_by_its_number(self):
        bad = dict(INTEREST, organisation="", amount=-5)
        with self.assertRaises(ValidationError) as caught:
            declare(self.nominee, nothing=False, interests=[INTEREST, bad])
        messages = caught.exception.message_dict["interests"]
        self.assertTrue(all(m.startswith("Intresse 2") for m in messages), messages)
        self.assertEqual(len(messages), 2)

    def test_only_the_person_declares(self):
        with self.assertRaises(PermissionDenied):
            declarations.declaration_submit(by=self.orebro_coordinator, person=self.nominee.person,
                                            nothing_to_declare=True, interests=[])

    def test_changed_ties_supersede_the_assessed_declaration_at_once(self):
        first = declare_and_assess(self.nominee, assessor=self.orebro_assessor)
        self.assertTrue(selectors.clearance(self.nominee.person, timezone.localdate()).ok)
        declare(self.nominee, nothing=False, interests=[INTEREST])
        first.refresh_from_db()
        self.assertEqual(first.status, DeclarationStatus.SUPERSEDED)
        self.assertEqual(selectors.clearance(self.nominee.person, timezone.localdate()).status, selectors.PENDING)

    def test_the_assessors_are_told_of_a_new_declaration(self):
        self.orebro_assessor.email = "bedomare@example.se"
        self.orebro_assessor.save()
        with self.captureOnCommitCallbacks(execute=True):
            declare(self.nominee)
        self.assertEqual([m.to for m in mail.outbox], [["bedomare@example.se"]])


class AssessTests(PeopleTestCase):
    def test_the_regions_assessor_assesses_with_reasoning_and_measures(self):
        declaration = declare(self.nominee, nothing=False, interests=[INTEREST])
        with self.assertRaises(ValidationError) as caught:
            declarations.declaration_assess(by=self.orebro_assessor, declaration=declaration,
                                            assessment=Assessment.MEASURES, reasoning="")
        self.assertEqual(set(caught.exception.message_dict), {"reasoning", "measures"})
        declarations.declaration_assess(by=self.orebro_assessor, declaration=declaration,
                                        assessment=Assessment.MEASURES, reasoning="Föreläsningsarvode.",
                                        measures="Deltar inte i frågor om Läkemedel AB:s produkter.")
        declaration.refresh_from_db()
        self.assertEqual(declaration.valid_until, timezone.localdate() + datetime.timedelta(days=365))
        clearance = selectors.clearance(self.nominee.person, timezone.localdate())
        self.assertTrue(clearance.ok)
        self.assertIn("Läkemedel AB", clearance.measures)

    def test_others_cannot_assess(self):
        declaration = declare(self.nominee)
        for user in (self.orebro_coordinator, self.uppsala_coordinator, self.nominee, self.chair):
            with self.assertRaises(PermissionDenied, msg=user.username):
                declarations.declaration_assess(by=user, declaration=declaration,
                                                assessment=Assessment.NO_CONFLICT, reasoning="x")

    def test_an_assessor_does_not_assess_their_own_declaration(self):
        declaration = declare(self.orebro_assessor)
        self.assertFalse(permissions.can_assess(self.orebro_assessor, declaration))

    def test_the_validity_follows_the_setting(self):
        with override_settings(DECLARATION_VALID_DAYS=90):
            declaration = declare_and_assess(self.nominee, assessor=self.orebro_assessor)
        self.assertEqual(declaration.valid_until, timezone.localdate() + datetime.timedelta(days=90))


class LapseTests(PeopleTestCase):
    def setUp(self):
        self.nominee.person.email = "nora@example.se"
        self.orebro_coordinator.email = "samordnare@example.se"
        self.orebro_coordinator.save()
        seat(by=self.admin, body=self.heart_nag, person=self.nominee.person, role=Role.MEMBER)
        self.declaration = declare_and_assess(self.nominee, assessor=self.orebro_assessor)

    def move_validity(self, days_from_today):
        Declaration.objects.filter(pk=self.declaration.pk).update(
            valid_until=timezone.localdate() + datetime.timedelta(days=days_from_today))

    def test_a_lapsed_declaration_flags_the_seat(self):
        today = timezone.localdate()

        def flagged_in_nag(**scope):
            return [(s.membership.person, s.clearance.status) for s in selectors.flagged_seats(today, **scope)
                    if s.membership.body == self.heart_nag]

        self.assertEqual(flagged_in_nag(), [])
        self.move_validity(-1)
        self.assertEqual(flagged_in_nag(), [(self.nominee.person, selectors.LAPSED)])
        self.assertEqual(flagged_in_nag(region_ids={self.orebro.pk}), [(self.nominee.person, selectors.LAPSED)])
        self.assertEqual(flagged_in_nag(region_ids={self.uppsala.pk}), [])

    def test_a_seat_without_any_declaration_is_flagged_but_a_contact_person_is_not(self):
        person = make_person(by=self.admin, region=self.orebro, given="Utan")
        seat(by=self.admin, body=self.heart_nag, person=person, role=Role.MEMBER)
        contact = make_person(by=self.admin, region=self.orebro, given="Kontakt")
        seat(by=self.admin, body=self.lung_npo, person=contact, role=Role.CONTACT, represents_region=self.orebro)
        flagged = {s.membership.person: s.clearance.status for s in selectors.flagged_seats(timezone.localdate())}
        self.assertEqual(flagged.get(person), selectors.MISSING)
        self.assertNotIn(contact, flagged)
        self.assertNotIn(self.nominee.person, flagged)  # assessed and valid

    def test_the_person_and_coordinator_are_reminded_once_before_it_lapses(self):
        today = timezone.localdate()
        self.move_validity(31)
        self.assertEqual(tasks.remind_lapsing(today=today), 0)
        self.move_validity(30)
        self.assertEqual(tasks.remind_lapsing(today=today), 2)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["nominee@example.se", "samordnare@example.se"])
        self.assertIn("gäller till och med", mail.outbox[0].body)
        self.assertEqual(tasks.remind_lapsing(today=today), 0)
        self.assertEqual(tasks.remind_lapsing(today=today + datetime.timedelta(days=5)), 0)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(DeclarationReminder.objects.filter(sent_at__isnull=False).count(), 2)

    def test_an_assessment_queues_the_reminder_for_its_morning(self):
        from django_tasks_db.models import DBTaskResult

        with self.captureOnCommitCallbacks(execute=True):
            declaration = declare_and_assess(self.nominee, assessor=self.orebro_assessor)
        queued = DBTaskResult.objects.get(task_path__endswith="remind_lapsing_declarations")
        due = declaration.valid_until - datetime.timedelta(days=30)
        self.assertEqual(timezone.localtime(queued.run_after).date(), due)
        self.assertEqual(timezone.localtime(queued.run_after).hour, 8)

    def test_no_reminder_once_lapsed_or_renewed(self):
        self.move_validity(-1)
        self.assertEqual(tasks.remind_lapsing(today=timezone.localdate()), 0)
        self.move_validity(10)
        declare(self.nominee)  # renewed: the old one is superseded
        self.assertEqual(tasks.remind_lapsing(today=timezone.localdate()), 0)


class RetentionTests(PeopleTestCase):
    def test_superseded_declarations_go_after_the_retention_period(self):
        old = declare(self.nominee)
        current = declare(self.nominee)
        now = timezone.now()
        with override_settings(DECLARATION_RETENTION_DAYS=30):
            self.assertEqual(declarations.declarations_purge(now=now + datetime.timedelta(days=29)), 0)
            self.assertEqual(declarations.declarations_purge(now=now + datetime.timedelta(days=31)), 1)
        self.assertFalse(Declaration.objects.filter(pk=old.pk).exists())
        self.assertTrue(Declaration.objects.filter(pk=current.pk).exists())


class VisibilityTests(PeopleTestCase):
    """Who sees the nominee's declaration: every role of the registry personas, own region
    (Örebro) and another (Uppsala)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.uppsala_assessor = make_user("uppsala_assessor")
        declarations.assessor_designate(by=cls.uppsala_coordinator, region=cls.uppsala,
                                        person=make_person(by=cls.admin, region=cls.uppsala,
                                                           user=cls.uppsala_assessor))
        # The nominee sits in Örebro's LPO, whose chair is the `chair` persona, by an entry in
        # the registry (not through the nomination chain).
        seat(by=cls.admin, body=cls.orebro_lpo, person=cls.nominee.person, role=Role.MEMBER)
        cls.nag_chair = make_user("nag_chair")
        seat(by=cls.admin, body=cls.heart_nag, person=make_person(by=cls.admin, region=cls.skane, user=cls.nag_chair),
             role=Role.CHAIR)

    def test_the_declaration_is_seen_only_by_those_with_a_reason(self):
        from django.contrib.auth.models import AnonymousUser

        declaration = declare(self.nominee)
        expected = {
            "nominee": True, "orebro_coordinator": True, "orebro_assessor": True, "admin": True,
            "chair": False,  # a seat entered in the registry is a relation whoever edits the body can make
            "uppsala_coordinator": False, "uppsala_assessor": False, "member": False, "npo_editor": False,
            "analyst": False, "outsider": False, "rmks_member": False, "nag_chair": False,
        }
        for name, allowed in expected.items():
            with self.subTest(name):
                self.assertEqual(permissions.can_see_declaration(getattr(self, name), declaration), allowed)
        self.assertFalse(permissions.can_see_declaration(AnonymousUser(), declaration))

    def test_the_chair_sees_it_once_the_chain_has_seated_the_person_not_before(self):
        from .. import chain, nominations
        from .personas import open_call

        declaration = declare_and_assess(self.nominee, assessor=self.orebro_assessor)
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call,
                                                   person=self.nominee.person, motivation="Erfaren.")
        self.assertFalse(permissions.can_see_declaration(self.nag_chair, declaration))  # nominated only
        for user in (self.orebro_coordinator, self.rmks_member, self.npo_editor):
            self.assertFalse(permissions.can_see_declaration(self.nag_chair, declaration))
            chain.nomination_decide(by=user, nomination=nomination, outcome="godkand")
        nomination.refresh_from_db()
        self.assertEqual(nomination.membership.body, self.heart_nag)
        self.assertTrue(permissions.can_see_declaration(self.nag_chair, declaration))
        # The chair of the LPO, where the nominee's seat was entered directly, still does not.
        self.assertFalse(permissions.can_see_declaration(self.chair, declaration))

    def test_the_chair_stops_reading_when_they_no_longer_chair(self):
        from kunskapsnav.organisation import memberships

        from .. import chain, nominations
        from .personas import open_call

        declaration = declare_and_assess(self.nominee, assessor=self.orebro_assessor)
        call = open_call(by=self.npo_editor, body=self.heart_nag)
        nomination = nominations.nomination_create(by=self.orebro_coordinator, call=call,
                                                   person=self.nominee.person, motivation="Erfaren.")
        for user in (self.orebro_coordinator, self.rmks_member, self.npo_editor):
            chain.nomination_decide(by=user, nomination=nomination, outcome="godkand")
        self.assertTrue(permissions.can_see_declaration(self.nag_chair, declaration))
        chairing = self.nag_chair.person.memberships.get(body=self.heart_nag)
        memberships.membership_end(by=self.admin, membership=chairing,
                                   end_date=timezone.localdate() - datetime.timedelta(days=1))
        self.assertFalse(permissions.can_see_declaration(self.nag_chair, declaration))
