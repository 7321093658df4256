import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import TransactionTestCase
from django.utils import timezone

from kunskapsnav.consultation import answers, tasks
from kunskapsnav.consultation.models import STOCKHOLM, Reminder
from kunskapsnav.consultation.rounds import round_open

from .remiss import AFTER, RemissTestCase


def at(day, hour=9):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=STOCKHOLM)


class ReminderTests(RemissTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user, email in [(cls.orebro_coordinator, "samordnare@orebro.example"),
                            (cls.uppsala_coordinator, "samordnare@uppsala.example"),
                            (cls.chair, "ordforande@orebro.example"), (cls.member, "ledamot@orebro.example")]:
            user.email = email
            user.save()

    def test_parties_that_have_not_answered_are_reminded_a_week_before_the_last_day(self):
        self.assertEqual(tasks.party_reminder_at(self.round), at(datetime.date(2027, 4, 7), 8))
        self.assertEqual(tasks.remind_parties_of(self.round, now=at(datetime.date(2027, 4, 6))), 0)
        self.submit(self.uppsala_coordinator, self.uppsala_inv, [(None, "", "Uppsala tillstyrker")])
        sent = tasks.remind_parties_of(self.round, now=at(datetime.date(2027, 4, 8)))
        self.assertEqual(sent, 1)
        self.assertEqual([m.to for m in mail.outbox], [["samordnare@orebro.example"]])
        self.assertIn("2027-04-14", mail.outbox[0].body)
        self.assertIn(self.orebro_inv.get_absolute_url(), mail.outbox[0].body)

    def test_the_coordinators_are_told_once_when_the_round_opens(self):
        self.assertEqual(tasks.tell_invited_regions(self.round, now=at(datetime.date(2027, 2, 14))), 0)
        for day in (15, 16):
            tasks.tell_invited_regions(self.round, now=at(datetime.date(2027, 2, day)))
        self.assertEqual(sorted(m.to[0] for m in mail.outbox),
                         ["samordnare@orebro.example", "samordnare@uppsala.example"])
        self.assertIn("svar senast 2027-04-14", mail.outbox[0].subject)

    def test_a_reminder_is_sent_once_however_often_it_runs(self):
        for day in (8, 9, 10):
            tasks.remind_parties_of(self.round, now=at(datetime.date(2027, 4, day)))
        self.assertEqual(sorted(m.to[0] for m in mail.outbox),
                         ["samordnare@orebro.example", "samordnare@uppsala.example"])
        self.assertEqual(Reminder.objects.count(), 2)

    def test_nothing_is_sent_once_the_round_has_closed(self):
        self.assertEqual(tasks.remind_parties_of(self.round, now=AFTER), 0)
        self.assertEqual(tasks.remind_assignees_of(self.assignment, now=AFTER), 0)

    def test_assignees_are_reminded_before_their_own_due_date(self):
        self.assertEqual(tasks.assignee_reminder_at(self.assignment), at(datetime.date(2027, 3, 29), 8))
        self.assertEqual(tasks.remind_assignees_of(self.assignment, now=at(datetime.date(2027, 3, 28))), 0)
        self.assertEqual(tasks.remind_assignees_of(self.assignment, now=at(datetime.date(2027, 3, 29))), 1)
        self.assertEqual(tasks.remind_assignees_of(self.assignment, now=at(datetime.date(2027, 3, 30))), 0)
        # The LPO's chair answers for it; its ordinary member is not mailed.
        self.assertEqual([m.to for m in mail.outbox], [["ordforande@orebro.example"]])
        self.assertIn("2027-03-31", mail.outbox[0].subject)

    def test_a_person_given_the_remiss_is_reminded_and_nobody_once_the_region_has_answered(self):
        person_assignment = answers.assignment_add(by=self.orebro_coordinator, invitation=self.orebro_inv,
                                                   person=self.member.person, due_on=datetime.date(2027, 4, 1))
        self.assertEqual(tasks.remind_assignees_of(person_assignment, now=at(datetime.date(2027, 3, 30))), 1)
        self.assertEqual(mail.outbox[0].to, ["ledamot@orebro.example"])
        self.submit(self.orebro_coordinator, self.orebro_inv, [(None, "", "Örebro tillstyrker")])
        self.assertEqual(tasks.remind_assignees_of(self.assignment, now=at(datetime.date(2027, 3, 30))), 0)
        tasks.remind_parties_of(self.round, now=at(datetime.date(2027, 4, 8)))
        self.assertEqual([m.to for m in mail.outbox[1:]], [["samordnare@uppsala.example"]])

    def test_opening_a_round_and_assigning_queue_their_reminders_for_their_moment(self):
        from django_tasks_db.models import DBTaskResult

        with self.captureOnCommitCallbacks(execute=True):
            round_ = round_open(by=self.npo_editor, version=self.v2, opens_on=datetime.date(2027, 5, 1),
                                closes_on=datetime.date(2027, 6, 30))
            answers.assignment_add(by=self.orebro_coordinator, invitation=round_.invitations.get(region=self.orebro),
                                   body=self.orebro_lpo, due_on=datetime.date(2027, 6, 15))
        queued = {r.task_path.rsplit(".", 1)[1]: r.run_after for r in DBTaskResult.objects.all()}
        self.assertEqual(queued, {"send_invitations": datetime.datetime(2027, 5, 1, tzinfo=STOCKHOLM),
                                  "remind_parties": at(datetime.date(2027, 6, 23), 8),
                                  "remind_assignees": at(datetime.date(2027, 6, 13), 8)})
        self.assertEqual(mail.outbox, [])


class ReminderWorkerTests(TransactionTestCase):
    """The real database worker: the round's own reminder and the sweep both run, and each
    address gets one mail."""

    def setUp(self):
        from kunskapsnav.knowledge import content, lifecycle
        from kunskapsnav.knowledge.models import SupportType
        from kunskapsnav.organisation import bodies
        from kunskapsnav.organisation.models import Body, BodyKind, Region, Role
        from kunskapsnav.organisation.reference import reference_data_load
        from kunskapsnav.organisation.tests.personas import make_person, make_user, seat

        reference_data_load()
        admin = make_user("admin", national_admin=True)
        orebro = Region.objects.get(county_code="18")
        group = bodies.body_create(by=admin, kind=BodyKind.SUPPORT_GROUP, name="KSTG", region=orebro)
        coordinator = make_user("samordnare")
        coordinator.email = "samordnare@orebro.example"
        coordinator.save()
        seat(by=admin, body=group, person=make_person(by=admin, region=orebro, user=coordinator), role=Role.CHAIR)
        npo = Body.objects.get(reference_key="npo-hjart-och-karlsjukdomar")
        support = content.support_create(by=admin, type=SupportType.CLINICAL, title="Förmaksflimmer",
                                         issuer_body=npo, owning_body=npo)
        version = support.versions.get()
        content.recommendation_create(by=admin, version=version, text="R", priority=1)
        lifecycle.version_transition(version=version, to="remiss", by=admin)
        today = timezone.localdate()
        # Closing in three days: the reminder a week before the last day is already due.
        round_open(by=admin, version=version, opens_on=today - datetime.timedelta(days=20),
                   closes_on=today + datetime.timedelta(days=3))

    def run_worker(self):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO(), stderr=StringIO())

    def test_two_runs_and_a_sweep_send_one_invitation_and_one_reminder(self):
        self.run_worker()
        tasks.remind_due.enqueue()
        tasks.remind_due.enqueue()
        self.run_worker()
        self.assertEqual(sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox),
                         [("samordnare@orebro.example", "Påminnelse"), ("samordnare@orebro.example", "Remiss")])
        self.assertEqual(Reminder.objects.filter(sent_at__isnull=False).count(), 2)
