import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.contrib.auth.models import AnonymousUser

from kunskapsnav.knowledge import content
from kunskapsnav.knowledge.models import SupportVersion
from kunskapsnav.knowledge.tests.personas import publish
from kunskapsnav.needs import permissions, selectors, triage
from kunskapsnav.needs.models import Decision, Need, NeedStatus, NeedStep, Priority, StepAction
from kunskapsnav.organisation.models import Role
from kunskapsnav.organisation.tests.personas import seat

from .personas import NeedsTestCase, TEXTS, submit


def decided(need, *, by, decision=Decision.NEW_SUPPORT, **values):
    triage.triage_start(by=by, need=need)
    values.setdefault("reason", "Stort behov, inget stöd finns.")
    return triage.triage_decide(by=by, need=need, decision=decision, priority=Priority.HIGH, **values)


class NeedTriageTests(NeedsTestCase):
    def test_it_records_the_submission_as_the_first_step(self):
        step = self.heart_need.steps.get()
        self.assertEqual((step.action, step.old_status, step.new_status, step.by),
                         (StepAction.SUBMITTED, "", NeedStatus.SUBMITTED, self.member))
        self.assertEqual(self.heart_need.party, "LPO hjärta")

    def test_it_refuses_a_body_where_the_submitter_has_no_seat(self):
        with self.assertRaises(ValidationError) as caught:
            submit(by=self.orebro_coordinator, body=self.orebro_lpo)
        self.assertIn("on_behalf_of", caught.exception.message_dict)

    def test_it_refuses_a_need_from_nobody(self):
        with self.assertRaises(ValidationError) as caught:
            submit(by=self.outsider)
        self.assertIn("organisation", caught.exception.message_dict)

    def test_it_refuses_anonymous_submitters(self):
        with self.assertRaises(PermissionDenied):
            submit(by=AnonymousUser(), organisation="Kommun")

    def test_it_refuses_too_long_and_missing_texts_and_stores_nothing(self):
        before = (Need.objects.count(), NeedStep.objects.count())
        with self.assertRaises(ValidationError) as caught:
            submit(by=self.outsider, organisation="Kommun", title="x" * 201, problem="  ")
        self.assertEqual(set(caught.exception.message_dict), {"title", "problem"})
        self.assertEqual((Need.objects.count(), NeedStep.objects.count()), before)

    def test_the_area_must_be_an_npo(self):
        with self.assertRaises(ValidationError):
            submit(by=self.outsider, organisation="Kommun", area=self.orebro_lpo)

    def test_the_npo_of_the_area_triages_and_sks_where_there_is_none(self):
        self.assertEqual(permissions.triage_body(self.heart_need), self.heart_npo)
        self.assertEqual(permissions.triage_body(self.open_need), self.sks)
        allowed = {role: (permissions.can_triage(getattr(self, role), self.heart_need),
                          permissions.can_triage(getattr(self, role), self.open_need))
                   for role in ("admin", "npo_editor", "sks_chair", "chair", "member", "orebro_coordinator",
                                "analyst", "outsider")}
        self.assertEqual(allowed, {"admin": (True, True), "npo_editor": (True, False), "sks_chair": (False, True),
                                   "chair": (False, False), "member": (False, False),
                                   "orebro_coordinator": (False, False), "analyst": (False, False),
                                   "outsider": (False, False)})

    def test_a_contact_person_the_coordinator_names_does_not_triage(self):
        # The coordinator may name themselves Örebro's contact in the NPO: a relation they make alone.
        seat(by=self.orebro_coordinator, body=self.heart_npo, person=self.orebro_coordinator.person,
             role=Role.CONTACT, represents_region=self.orebro)
        self.assertFalse(permissions.can_triage(self.orebro_coordinator, self.heart_need))
        with self.assertRaises(PermissionDenied):
            triage.triage_start(by=self.orebro_coordinator, need=self.heart_need)

    def test_the_status_follows_the_table_to_answered_with_every_step_in_the_history(self):
        need = triage.triage_start(by=self.npo_editor, need=self.heart_need, note="Tas upp i NPO:t")
        need = triage.triage_assess(by=self.npo_editor, need=need, severity="hog", affected_count=12000,
                                    unwarranted_variation="hog", evidence_available="medel",
                                    existing_supports="Vårdförloppet täcker inte sköra äldre.")
        need = triage.triage_decide(by=self.npo_editor, need=need, decision=Decision.NEW_SUPPORT,
                                    priority=Priority.HIGH, reason="Ett kliniskt kunskapsstöd tas fram.")
        need = triage.support_link(by=self.npo_editor, need=need, support=self.heart_guideline)
        with self.assertRaises(ValidationError):  # the support is still a draft
            triage.need_answer(by=self.npo_editor, need=need)
        version = self.heart_guideline.versions.get()
        content.recommendation_create(by=self.npo_editor, version=version, text="R", priority=3)
        SupportVersion.objects.filter(pk=version.pk).update(review_date=datetime.date(2030, 1, 1))
        publish(self.heart_guideline.versions.get(), by_editor=self.npo_editor, by_approver=self.npo_editor)
        need = triage.need_answer(by=self.npo_editor, need=need)
        self.assertEqual(need.status, NeedStatus.ANSWERED)
        steps = list(need.steps.values_list("action", "old_status", "new_status", "by__username"))
        self.assertEqual(steps, [
            ("inskickat", "", "inskickat", "member"),
            ("bedomning_paborjad", "inskickat", "under_bedomning", "npo_editor"),
            ("bedomt", "under_bedomning", "under_bedomning", "npo_editor"),
            ("beslutat", "under_bedomning", "beslutat", "npo_editor"),
            ("stod_kopplat", "beslutat", "beslutat", "npo_editor"),
            ("besvarat", "beslutat", "besvarat", "npo_editor"),
        ])

    def test_it_refuses_steps_outside_the_table(self):
        with self.assertRaises(ValidationError):
            triage.triage_decide(by=self.npo_editor, need=self.heart_need, decision=Decision.NO_ACTION,
                                 priority=Priority.LOW, reason="Nej")
        with self.assertRaises(ValidationError):
            triage.triage_assess(by=self.npo_editor, need=self.heart_need, severity="hog")
        triage.triage_start(by=self.npo_editor, need=self.heart_need)
        with self.assertRaises(ValidationError):
            triage.triage_start(by=self.npo_editor, need=self.heart_need)
        self.assertEqual(Need.objects.get(pk=self.heart_need.pk).status, NeedStatus.IN_TRIAGE)

    def test_each_decision_says_what_it_needs(self):
        triage.triage_start(by=self.npo_editor, need=self.heart_need)
        cases = [({"decision": Decision.REVISION}, "support"), ({"decision": Decision.REFERRAL}, "referred_to"),
                 ({"decision": Decision.NO_ACTION, "reason": " "}, "decision_reason")]
        for values, field in cases:
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                triage.triage_decide(by=self.npo_editor, need=self.heart_need, priority=Priority.LOW,
                                     **({"reason": "Skäl"} | values))
            self.assertIn(field, caught.exception.message_dict)
        need = triage.triage_decide(by=self.npo_editor, need=self.heart_need, decision=Decision.REVISION,
                                    priority=Priority.MEDIUM, reason="Vårdförloppet revideras.",
                                    support=self.heart_pathway)
        self.assertEqual((need.support, need.decision), (self.heart_pathway, Decision.REVISION))

    def test_a_referral_is_answered_with_the_states_answer(self):
        need = decided(self.heart_need, by=self.npo_editor, decision=Decision.REFERRAL,
                       referred_to="Rådet för styrning med kunskap")
        with self.assertRaises(ValidationError):
            triage.need_answer(by=self.npo_editor, need=need, answer="")
        with self.assertRaises(ValidationError):  # a referral is not answered by a support
            triage.support_link(by=self.npo_editor, need=need, support=self.heart_pathway)
        need = triage.need_answer(by=self.npo_editor, need=need, answer="Socialstyrelsen tar fram riktlinjer.")
        self.assertEqual(need.status, NeedStatus.ANSWERED)

    def test_reassigning_to_sks_moves_the_triage(self):
        triage.triage_reassign(by=self.npo_editor, need=self.heart_need, area=None, note="Berör flera NPO.")
        need = Need.objects.get(pk=self.heart_need.pk)
        self.assertIsNone(need.area)
        self.assertFalse(permissions.can_triage(self.npo_editor, need))
        self.assertTrue(permissions.can_triage(self.sks_chair, need))
        self.assertIn("Berör flera NPO.", need.steps.get(action=StepAction.REASSIGNED).note)
        with self.assertRaises(ValidationError):  # no reason given
            triage.triage_reassign(by=self.sks_chair, need=need, area=self.lung_npo, note="")


class NeedVisibilityTests(NeedsTestCase):
    def test_the_public_sees_decided_needs_only_and_insiders_every_need(self):
        decided(self.heart_need, by=self.npo_editor)
        self.assertEqual(list(selectors.needs_visible_to(AnonymousUser())), [self.heart_need])
        self.assertEqual(set(selectors.needs_visible_to(self.outsider)), {self.heart_need, self.open_need})
        self.assertIsNone(selectors.need_for(AnonymousUser(), self.open_need.pk))

    def test_the_submitter_filters_their_own(self):
        submit(by=self.outsider, organisation="Örebro kommun")
        mine = selectors.needs_visible_to(self.member, selectors.NeedFilters(mine=True))
        self.assertEqual(set(mine), {self.heart_need, self.open_need})
        self.assertEqual(list(selectors.needs_visible_to(AnonymousUser(), selectors.NeedFilters(mine=True))), [])

    def test_the_list_filters_by_status_and_priority(self):
        decided(self.heart_need, by=self.npo_editor)
        found = selectors.needs_visible_to(self.outsider, selectors.NeedFilters(status=NeedStatus.DECIDED,
                                                                                priority=Priority.HIGH))
        self.assertEqual(list(found), [self.heart_need])
        self.assertEqual(list(selectors.needs_visible_to(self.outsider, selectors.NeedFilters(priority=3))), [])
        self.assertEqual(list(selectors.needs_visible_to(self.outsider, selectors.NeedFilters(area=0))),
                         [self.open_need])

    def test_existing_supports_come_from_the_site_search_by_words_and_codes(self):
        need = submit(by=self.outsider, organisation="Kommun", title="Hjärtsvikt",
                      problem="Uppföljning efter diagnos I50.9 varierar.")
        found = [hit.support for hit in selectors.existing_supports(need)]
        self.assertEqual(found, [self.heart_pathway])
        unrelated = submit(by=self.outsider, organisation="Kommun", title="Tandvård för barn")
        self.assertEqual(selectors.existing_supports(unrelated), [])

    def test_the_summary_counts_by_status_decision_and_priority(self):
        decided(self.heart_need, by=self.npo_editor)
        today = datetime.date.today()
        figures = selectors.summary((today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)))
        self.assertEqual(figures["total"], 2)
        self.assertEqual(figures["by_status"]["beslutat"], 1)
        self.assertEqual(figures["by_status"]["inskickat"], 1)
        self.assertEqual(figures["by_decision"], {"nytt_stod": 1, "revidering": 0, "hanvisning": 0, "ingen_atgard": 0})
        self.assertEqual(figures["by_priority"], {1: 1, 2: 0, 3: 0})
        last_year = datetime.date(today.year - 1, 1, 1)
        self.assertEqual(selectors.summary((last_year, last_year.replace(month=12, day=31)))["total"], 0)
        self.assertEqual(TEXTS["title"], self.heart_need.title)


class NeedQueueTests(NeedsTestCase):
    def test_each_triaging_body_sees_its_own_queue_until_the_decision(self):
        self.assertEqual(selectors.triage_queue(self.npo_editor), [self.heart_need])
        self.assertEqual(selectors.triage_queue(self.sks_chair), [self.open_need])
        self.assertEqual(selectors.triage_queue(self.admin), [self.heart_need, self.open_need])
        self.assertEqual(selectors.triage_queue(self.member), [])
        decided(self.heart_need, by=self.npo_editor)
        self.assertEqual(selectors.triage_queue(self.npo_editor), [])
