import threading

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase

from kunskapsnav.knowledge import content, lifecycle
from kunskapsnav.knowledge.lifecycle import TRANSITIONS
from kunskapsnav.knowledge.models import SupportVersion, VersionStatus, VersionTransition
from kunskapsnav.knowledge.subscriptions import subscription_toggle

from .personas import KnowledgeTestCase, publish

S = VersionStatus


class LifecycleTests(KnowledgeTestCase):
    def new_version(self):
        return content.version_create_next(by=self.npo_editor, support=self.heart_pathway)

    def test_every_forbidden_transition_is_refused_with_a_clear_message(self):
        for old in S.values:
            for new in S.values:
                if new in TRANSITIONS[old] or old == new:
                    continue
                with self.subTest(old=old, new=new):
                    version = SupportVersion.objects.get(pk=self.v1.pk)
                    SupportVersion.objects.filter(pk=version.pk).update(status=old)
                    version.refresh_from_db()
                    with self.assertRaises(ValidationError) as caught:
                        lifecycle.version_transition(version=version, to=new, by=self.admin)
                    self.assertIn("kan inte bli", caught.exception.messages[0])

    def test_superseded_is_only_reached_by_publishing_a_newer_version(self):
        with self.assertRaises(ValidationError) as caught:
            lifecycle.version_transition(version=self.v1, to=S.SUPERSEDED, by=self.admin)
        self.assertIn("nyare version publiceras", caught.exception.messages[0])

    def test_publishing_version_2_replaces_version_1(self):
        v2 = self.new_version()
        self.assertEqual(v2.recommendations.count(), 3)
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)
        self.v1.refresh_from_db()
        v2.refresh_from_db()
        self.assertEqual((self.v1.status, v2.status), (S.SUPERSEDED, S.PUBLISHED))
        self.assertEqual(SupportVersion.objects.filter(support=self.heart_pathway, status=S.PUBLISHED).count(), 1)
        transition = VersionTransition.objects.filter(version=self.v1).last()
        self.assertEqual((transition.old_status, transition.new_status, transition.by), (S.PUBLISHED, S.SUPERSEDED, self.npo_editor))

    def test_each_transition_records_who_and_when(self):
        rows = list(VersionTransition.objects.filter(version=self.v1).order_by("at", "pk"))
        self.assertEqual(
            [(t.old_status, t.new_status, t.by) for t in rows],
            [(S.DRAFT, S.REMISS, self.npo_editor), (S.REMISS, S.APPROVED, self.sks_chair),
             (S.APPROVED, S.PUBLISHED, self.npo_editor)],
        )
        self.assertTrue(all(t.at for t in rows))

    def test_only_sks_approves_a_care_pathway(self):
        v2 = self.new_version()
        lifecycle.version_transition(version=v2, to=S.REMISS, by=self.npo_editor)
        with self.assertRaises(PermissionDenied):
            lifecycle.version_transition(version=v2, to=S.APPROVED, by=self.npo_editor)
        lifecycle.version_transition(version=v2, to=S.APPROVED, by=self.sks_chair)

    def test_the_npo_approves_its_own_clinical_support(self):
        draft = self.heart_guideline.versions.get()
        content.recommendation_create(by=self.npo_editor, version=draft, text="Text", priority=3)
        lifecycle.version_transition(version=draft, to=S.REMISS, by=self.npo_editor)
        lifecycle.version_transition(version=draft, to=S.APPROVED, by=self.npo_editor)
        with self.assertRaises(PermissionDenied):
            lifecycle.version_transition(version=draft, to=S.PUBLISHED, by=self.sks_chair)

    def test_only_editors_move_a_version(self):
        v2 = self.new_version()
        for user in (self.orebro_coordinator, self.chair, self.analyst, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                lifecycle.version_transition(version=v2, to=S.REMISS, by=user)

    def test_publishing_needs_recommendations_and_a_review_date(self):
        draft = self.heart_guideline.versions.get()
        with self.assertRaises(ValidationError):
            lifecycle.version_transition(version=draft, to=S.REMISS, by=self.npo_editor)
        content.recommendation_create(by=self.npo_editor, version=draft, text="Text", priority=3)
        lifecycle.version_transition(version=draft, to=S.REMISS, by=self.npo_editor)
        lifecycle.version_transition(version=draft, to=S.APPROVED, by=self.npo_editor)
        with self.assertRaises(ValidationError) as caught:
            lifecycle.version_transition(version=draft, to=S.PUBLISHED, by=self.npo_editor)
        self.assertIn("review_date", caught.exception.message_dict)

    def test_content_is_locked_after_the_draft(self):
        with self.assertRaises(ValidationError) as caught:
            content.recommendation_update(by=self.npo_editor, recommendation=self.rec_echo, text="Ändrad")
        self.assertIn("Skapa en ny version", caught.exception.messages[0])

    def test_the_database_allows_one_published_version_only(self):
        v2 = self.new_version()
        with self.assertRaises(IntegrityError), transaction.atomic():
            SupportVersion.objects.filter(pk=v2.pk).update(status=S.PUBLISHED)

    def test_the_buttons_ask_the_same_table(self):
        v2 = self.new_version()
        self.assertEqual(lifecycle.allowed_transitions(self.npo_editor, v2), [S.REMISS])
        self.assertEqual(lifecycle.allowed_transitions(self.sks_chair, v2), [])
        v2 = lifecycle.version_transition(version=v2, to=S.REMISS, by=self.npo_editor)
        self.assertEqual(lifecycle.allowed_transitions(self.npo_editor, v2), [S.DRAFT])
        self.assertEqual(lifecycle.allowed_transitions(self.sks_chair, v2), [S.APPROVED])
        self.assertEqual(lifecycle.allowed_transitions(self.outsider, v2), [])

    def test_followers_are_told_once_after_the_publication_commits(self):
        self.outsider.email = "foljare@example.se"
        self.outsider.save()
        subscription_toggle(user=self.outsider, support=self.heart_pathway)
        self.analyst.email = "npo@example.se"
        self.analyst.save()
        subscription_toggle(user=self.analyst, body=self.heart_npo)
        v2 = self.new_version()
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        with self.captureOnCommitCallbacks(execute=True):
            publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)
        self.assertEqual(mail.outbox, [])  # nothing is sent by the web request itself
        from django_tasks_db.models import DBTaskResult

        # The notices are one task; the publication also queues the coherence run (coherence.tasks).
        queued = DBTaskResult.objects.get(task_path="kunskapsnav.knowledge.tasks.send_publication_notices")
        self.assertEqual(queued.args_kwargs["args"], [v2.pk])


class PublicationNoticeWorkerTests(TransactionTestCase):
    """The real database worker sends the notices, each address once. Transactional: the
    worker manages its own connections and transactions, as in production."""

    def setUp(self):
        from kunskapsnav.knowledge.models import SupportType
        from kunskapsnav.organisation.models import Body
        from kunskapsnav.organisation.reference import reference_data_load
        from kunskapsnav.organisation.tests.personas import make_user

        reference_data_load()
        self.admin = make_user("admin", national_admin=True)
        npo = Body.objects.get(reference_key="npo-hjart-och-karlsjukdomar")
        self.support = content.support_create(by=self.admin, type=SupportType.CLINICAL, title="Förmaksflimmer",
                                              issuer_body=npo, owning_body=npo, review_date="2030-01-01")
        version = self.support.versions.get()
        content.recommendation_create(by=self.admin, version=version, text="R", priority=1)
        follower = make_user("foljare")
        follower.email = "foljare@example.se"
        follower.save()
        subscription_toggle(user=follower, support=self.support)
        npo_follower = make_user("npo_foljare")
        npo_follower.email = "npo@example.se"
        npo_follower.save()
        subscription_toggle(user=npo_follower, body=npo)
        for to in (S.REMISS, S.APPROVED, S.PUBLISHED):
            self.version = lifecycle.version_transition(version=version, to=to, by=self.admin)

    def run_worker(self):
        from io import StringIO

        from django.core.management import call_command

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO(), stderr=StringIO())

    def test_the_worker_tells_the_followers_of_the_support_and_of_its_npo(self):
        self.assertEqual(mail.outbox, [])
        self.run_worker()
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["foljare@example.se", "npo@example.se"])
        self.assertIn("Version 1 av Förmaksflimmer", mail.outbox[0].body)

    def test_a_notice_is_sent_once_even_if_the_task_runs_again(self):
        from kunskapsnav.knowledge.tasks import send_publication_notices

        self.run_worker()
        send_publication_notices.enqueue(self.version.pk)  # a second worker, or a restart
        self.run_worker()
        self.assertEqual(len(mail.outbox), 2)


class ConcurrentPublicationTests(TransactionTestCase):
    """Two editors publish two approved versions of one support at the same moment: one wins,
    the other gets a clear message, and there is still exactly one valid version."""

    def setUp(self):
        from kunskapsnav.organisation.reference import reference_data_load

        reference_data_load()
        from kunskapsnav.knowledge.models import SupportType
        from kunskapsnav.organisation.models import Body
        from kunskapsnav.organisation.tests.personas import make_user

        self.admin = make_user("admin", national_admin=True)
        npo = Body.objects.get(reference_key="npo-hjart-och-karlsjukdomar")
        self.support = content.support_create(by=self.admin, type=SupportType.CLINICAL, title="Samtidigt",
                                              issuer_body=npo, owning_body=npo)
        first = self.support.versions.get()
        content.recommendation_create(by=self.admin, version=first, text="A", priority=1)
        content.version_update(by=self.admin, version=first, review_date="2030-01-01")
        lifecycle.version_transition(version=first, to=S.REMISS, by=self.admin)
        lifecycle.version_transition(version=first, to=S.APPROVED, by=self.admin)
        # A second approved version, made directly: the race is between two approved versions.
        self.versions = [first, SupportVersion.objects.create(support=self.support, number=2, status=S.APPROVED,
                                                              review_date="2030-01-01")]
        from kunskapsnav.knowledge.models import Recommendation

        Recommendation.objects.create(version=self.versions[1], position=1, text="<p>B</p>", priority=1)

    def test_two_concurrent_publications_leave_exactly_one_valid_version(self):
        barrier = threading.Barrier(2)
        outcomes = []

        def publish_one(version):
            try:
                barrier.wait(timeout=10)
                lifecycle.version_transition(version=version, to=S.PUBLISHED, by=self.admin)
                outcomes.append("published")
            except ValidationError as exc:
                outcomes.append("refused: " + exc.messages[0])
            except Exception as exc:  # noqa: BLE001 - reported in the assertion below
                outcomes.append(f"error: {type(exc).__name__}: {exc}")
            finally:
                connection.close()

        threads = [threading.Thread(target=publish_one, args=(v,)) for v in self.versions]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        published = SupportVersion.objects.filter(support=self.support, status=S.PUBLISHED)
        self.assertEqual(published.count(), 1, outcomes)
        # Both may succeed one after the other (the second replaces the first); never two valid.
        self.assertTrue(all(o == "published" or o.startswith("refused") for o in outcomes), outcomes)
