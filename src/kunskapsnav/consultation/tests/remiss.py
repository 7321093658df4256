"""A remiss for tests: version 2 of the heart pathway on remiss, open 2027-02-15 through
2027-04-14, with every region invited and Örebro's LPO hjärta given the remiss."""

import datetime

from kunskapsnav.consultation import answers
from kunskapsnav.consultation.models import STOCKHOLM, CommentKind
from kunskapsnav.consultation.rounds import round_open
from kunskapsnav.knowledge import content, lifecycle
from kunskapsnav.knowledge.models import VersionStatus
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase

D = datetime.date
DURING = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)
AFTER = datetime.datetime(2027, 4, 15, 0, 0, tzinfo=STOCKHOLM)


class RemissTestCase(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        v2 = content.version_create_next(by=cls.npo_editor, support=cls.heart_pathway)
        cls.v2 = lifecycle.version_transition(version=v2, to=VersionStatus.REMISS, by=cls.npo_editor)
        cls.round = round_open(by=cls.npo_editor, version=cls.v2, opens_on=D(2027, 2, 15), closes_on=D(2027, 4, 14),
                               organisations=["Hjärt- och Lungsjukas förening"])
        cls.orebro_inv = cls.round.invitations.get(region=cls.orebro)
        cls.uppsala_inv = cls.round.invitations.get(region=cls.uppsala)
        cls.recs = list(cls.v2.recommendations.order_by("position"))
        cls.assignment = answers.assignment_add(by=cls.orebro_coordinator, invitation=cls.orebro_inv,
                                                body=cls.orebro_lpo, due_on=D(2027, 3, 31))

    def submit(self, coordinator, invitation, points, *, signed_by="Hälso- och sjukvårdsdirektör"):
        """Comment each point as the coordinator and submit them as the region's answer.
        points: (recommendation or None, section, text)."""
        items = []
        for recommendation, section, text in points:
            comment = answers.comment_add(by=coordinator, invitation=invitation, text=text,
                                          recommendation=recommendation, section=section, at=DURING)
            items.append({"text": text, "recommendation": recommendation, "section": section,
                          "kind": CommentKind.SUBSTANCE, "from_comments": [comment]})
        answers.answer_compose(by=coordinator, invitation=invitation, summary="", signed_by=signed_by, items=items,
                               at=DURING)
        return answers.answer_submit(by=coordinator, invitation=invitation, at=DURING)


class LiveRemissTestCase(KnowledgeTestCase):
    """A round open today (pages and API act at the real present): version 2 of the heart
    pathway on remiss, Örebro's LPO hjärta given the remiss, its chair's comment made."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from django.utils import timezone

        today = timezone.localdate()
        v2 = content.version_create_next(by=cls.npo_editor, support=cls.heart_pathway)
        cls.v2 = lifecycle.version_transition(version=v2, to=VersionStatus.REMISS, by=cls.npo_editor)
        cls.round = round_open(by=cls.npo_editor, version=cls.v2, opens_on=today - datetime.timedelta(days=1),
                               closes_on=today + datetime.timedelta(days=20), instructions="Svara gärna kort.")
        cls.orebro_inv = cls.round.invitations.get(region=cls.orebro)
        cls.uppsala_inv = cls.round.invitations.get(region=cls.uppsala)
        cls.rec = cls.v2.recommendations.order_by("position").first()
        answers.assignment_add(by=cls.orebro_coordinator, invitation=cls.orebro_inv, body=cls.orebro_lpo,
                               due_on=today + datetime.timedelta(days=10))
        cls.chair_comment = answers.comment_add(by=cls.chair, invitation=cls.orebro_inv, recommendation=cls.rec,
                                                text="Fyra veckor är för länge för ekokardiografi.",
                                                proposed_text="inom två veckor")
