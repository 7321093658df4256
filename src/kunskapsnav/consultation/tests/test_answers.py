import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from kunskapsnav.consultation import answers, selectors
from kunskapsnav.consultation.models import STOCKHOLM, AnswerStatus, CommentKind
from kunskapsnav.consultation.rounds import round_open
from kunskapsnav.knowledge import content, lifecycle
from kunskapsnav.knowledge.models import VersionStatus
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase

D = datetime.date
DURING = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)


class RegionalSideTests(KnowledgeTestCase):
    def setUp(self):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        self.v2 = lifecycle.version_transition(version=v2, to=VersionStatus.REMISS, by=self.npo_editor)
        self.round = round_open(by=self.npo_editor, version=self.v2, opens_on=D(2027, 2, 15), closes_on=D(2027, 4, 14))
        self.orebro_inv = self.round.invitations.get(region=self.orebro)
        self.uppsala_inv = self.round.invitations.get(region=self.uppsala)
        self.rec = self.v2.recommendations.order_by("position").first()
        # Örebro's coordinator gives the remiss to LPO hjärta, whose chair then comments.
        answers.assignment_add(by=self.orebro_coordinator, invitation=self.orebro_inv, body=self.orebro_lpo,
                               due_on=D(2027, 3, 31))

    def comment(self, by, invitation, text="Fyra veckor är för länge", at=DURING):
        return answers.comment_add(by=by, invitation=invitation, text=text, recommendation=self.rec, at=at)

    def test_assigned_lpo_members_comment_and_others_do_not(self):
        self.comment(self.chair, self.orebro_inv)
        for user in (self.uppsala_coordinator, self.npo_editor, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.comment(user, self.orebro_inv)

    def test_region_a_never_sees_region_bs_internal_comments(self):
        mine = self.comment(self.chair, self.orebro_inv)
        theirs = self.comment(self.uppsala_coordinator, self.uppsala_inv, text="Uppsalas synpunkt")
        self.assertEqual(list(selectors.internal_comments_visible_to(self.orebro_coordinator, self.round)), [mine])
        self.assertEqual(list(selectors.internal_comments_visible_to(self.uppsala_coordinator, self.round)), [theirs])
        self.assertEqual(list(selectors.internal_comments_visible_to(self.npo_editor, self.round)), [])

    def test_the_deadline_holds_at_its_boundary(self):
        last_second = datetime.datetime(2027, 4, 14, 23, 59, 59, tzinfo=STOCKHOLM)
        self.comment(self.chair, self.orebro_inv, at=last_second)
        with self.assertRaises(ValidationError) as caught:
            self.comment(self.chair, self.orebro_inv, at=last_second + datetime.timedelta(seconds=1))
        self.assertIn("Inga fler svar tas emot", caught.exception.messages[0])

    def test_an_internal_due_date_comes_before_the_national_deadline(self):
        with self.assertRaises(ValidationError) as caught:
            answers.assignment_add(by=self.orebro_coordinator, invitation=self.orebro_inv, body=self.orebro_lpo,
                                   due_on=D(2027, 4, 15))
        self.assertIn("due_on", caught.exception.message_dict)

    def compose_and_submit(self):
        comment = self.comment(self.chair, self.orebro_inv)
        answers.answer_compose(
            by=self.orebro_coordinator, invitation=self.orebro_inv, summary="Region Örebro län tillstyrker.",
            signed_by="Hälso- och sjukvårdsdirektör", at=DURING,
            items=[{"text": "Korta tiden till två veckor.", "kind": CommentKind.SUBSTANCE, "recommendation": self.rec,
                    "from_comments": [comment]}],
        )
        return answers.answer_submit(by=self.orebro_coordinator, invitation=self.orebro_inv, at=DURING)

    def test_a_submitted_answer_is_locked_until_withdrawn_and_all_of_it_is_in_the_history(self):
        answer = self.compose_and_submit()
        self.assertEqual(answer.status, AnswerStatus.SUBMITTED)
        with self.assertRaises(ValidationError) as caught:
            answers.answer_compose(by=self.orebro_coordinator, invitation=self.orebro_inv, summary="Ändrat",
                                   signed_by="X", items=[], at=DURING)
        self.assertIn("låst", caught.exception.messages[0])
        answers.answer_withdraw(by=self.orebro_coordinator, invitation=self.orebro_inv, at=DURING)
        answers.answer_submit(by=self.orebro_coordinator, invitation=self.orebro_inv, at=DURING)
        statuses = list(answer.history.order_by("history_date", "history_id").values_list("status", flat=True))
        # created, composed, submitted, withdrawn, submitted again
        self.assertEqual(statuses, ["utkast", "utkast", "inskickat", "utkast", "inskickat"])

    def test_no_withdrawal_or_submission_after_the_deadline(self):
        self.compose_and_submit()
        after = datetime.datetime(2027, 4, 15, 0, 0, tzinfo=STOCKHOLM)
        with self.assertRaises(ValidationError):
            answers.answer_withdraw(by=self.orebro_coordinator, invitation=self.orebro_inv, at=after)

    def test_an_answer_is_built_only_from_the_own_regions_comments(self):
        theirs = self.comment(self.uppsala_coordinator, self.uppsala_inv)
        with self.assertRaises(ValidationError):
            answers.answer_compose(by=self.orebro_coordinator, invitation=self.orebro_inv, summary="", signed_by="X",
                                   items=[{"text": "Lånat", "from_comments": [theirs]}], at=DURING)

    def test_the_national_side_sees_submitted_answers_only(self):
        answers.answer_compose(by=self.uppsala_coordinator, invitation=self.uppsala_inv, summary="Utkast",
                               signed_by="", items=[], at=DURING)
        self.compose_and_submit()
        seen = selectors.answers_visible_to(self.npo_editor, self.round)
        self.assertEqual([a.invitation.region for a in seen], [self.orebro])
        self.assertEqual([a.invitation.region for a in selectors.answers_visible_to(self.uppsala_coordinator,
                                                                                     self.round)], [self.uppsala])

    def test_only_the_coordinator_submits(self):
        with self.assertRaises(PermissionDenied):
            answers.answer_submit(by=self.chair, invitation=self.orebro_inv, at=DURING)
