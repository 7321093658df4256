import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kunskapsnav.consultation.models import STOCKHOLM, ConsultationRound, Invitation
from kunskapsnav.consultation.rounds import accepting_answers, invitation_add, round_open
from kunskapsnav.knowledge import content, lifecycle
from kunskapsnav.knowledge.models import VersionStatus
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.organisation.models import Municipality

D = datetime.date


class RoundTests(KnowledgeTestCase):
    def setUp(self):
        self.v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        self.v2 = lifecycle.version_transition(version=self.v2, to=VersionStatus.REMISS, by=self.npo_editor)

    def open_round(self, **values):
        values.setdefault("opens_on", D(2027, 2, 15))
        values.setdefault("closes_on", D(2027, 4, 14))
        return round_open(by=self.npo_editor, version=self.v2, **values)

    def test_a_round_invites_every_region_and_the_chosen_kommuner_and_organisations(self):
        orebro_kommun = Municipality.objects.get(code="1880")
        round_ = self.open_round(municipalities=[orebro_kommun], organisations=["Hjärt- och Lungsjukas förening"])
        self.assertEqual(round_.invitations.filter(region__isnull=False).count(), 21)
        self.assertTrue(round_.invitations.filter(municipality=orebro_kommun).exists())
        self.assertEqual(round_.invitations.exclude(organisation="").get().party, "Hjärt- och Lungsjukas förening")
        self.assertEqual(round_.history.latest().history_user, self.npo_editor)

    def test_only_a_version_on_remiss_goes_on_a_round(self):
        with self.assertRaises(ValidationError) as caught:
            round_open(by=self.npo_editor, version=self.v1, opens_on=D(2027, 2, 15), closes_on=D(2027, 4, 14))
        self.assertIn("version", caught.exception.message_dict)

    def test_only_the_supports_editors_open_a_round(self):
        for user in (self.orebro_coordinator, self.sks_chair, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                round_open(by=user, version=self.v2, opens_on=D(2027, 2, 15), closes_on=D(2027, 4, 14))

    def test_the_closing_day_comes_after_the_opening_day(self):
        with self.assertRaises(ValidationError) as caught:
            self.open_round(opens_on=D(2027, 4, 15), closes_on=D(2027, 4, 14))
        self.assertIn("closes_on", caught.exception.message_dict)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ConsultationRound.objects.create(version=self.v2, opens_on=D(2027, 4, 15), closes_on=D(2027, 4, 14))

    def test_an_invitation_names_exactly_one_party(self):
        round_ = self.open_round(all_regions=False)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Invitation.objects.create(round=round_, region=self.orebro, organisation="Och en förening")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Invitation.objects.create(round=round_)

    def test_answers_are_accepted_through_the_whole_closing_day_swedish_time(self):
        round_ = self.open_round()
        last_second = datetime.datetime(2027, 4, 14, 23, 59, 59, tzinfo=STOCKHOLM)
        accepting_answers(round_, at=last_second)
        with self.assertRaises(ValidationError) as caught:
            accepting_answers(round_, at=last_second + datetime.timedelta(seconds=1))
        self.assertIn("stängde 2027-04-14", caught.exception.messages[0])
        # 23:30 in UTC on the closing day is already the next day in Stockholm (summer time).
        with self.assertRaises(ValidationError):
            accepting_answers(round_, at=datetime.datetime(2027, 4, 14, 22, 30, tzinfo=datetime.UTC))
        with self.assertRaises(ValidationError) as caught:
            accepting_answers(round_, at=datetime.datetime(2027, 2, 14, 23, 59, tzinfo=STOCKHOLM))
        self.assertIn("öppnar 2027-02-15", caught.exception.messages[0])
        accepting_answers(round_, at=datetime.datetime(2027, 2, 15, 0, 0, tzinfo=STOCKHOLM))


class MorePartiesTests(KnowledgeTestCase):
    def setUp(self):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        self.v2 = lifecycle.version_transition(version=v2, to=VersionStatus.REMISS, by=self.npo_editor)
        self.during = datetime.datetime(2027, 3, 1, 12, tzinfo=STOCKHOLM)

    def round_(self, **values):
        return round_open(by=self.npo_editor, version=self.v2, opens_on=D(2027, 2, 15), closes_on=D(2027, 4, 14),
                          **values)

    def test_in_an_open_remiss_a_coordinator_enters_the_own_region_and_no_other(self):
        round_ = self.round_(all_regions=False, open_to_all=True)
        with self.assertRaises(PermissionDenied):
            invitation_add(by=self.uppsala_coordinator, round_=round_, region=self.orebro, at=self.during)
        invitation = invitation_add(by=self.orebro_coordinator, round_=round_, region=self.orebro, at=self.during)
        self.assertEqual(invitation.region, self.orebro)
        with self.assertRaises(ValidationError) as caught:
            invitation_add(by=self.orebro_coordinator, round_=round_, region=self.orebro, at=self.during)
        self.assertIn("redan inbjuden", caught.exception.messages[0])

    def test_a_closed_invitation_list_takes_new_parties_only_from_the_editors_and_only_while_open(self):
        round_ = self.round_(all_regions=False)
        with self.assertRaises(PermissionDenied):
            invitation_add(by=self.orebro_coordinator, round_=round_, region=self.orebro, at=self.during)
        invitation_add(by=self.npo_editor, round_=round_, organisation="Hjärtförbundet", at=self.during)
        after = datetime.datetime(2027, 4, 15, 0, 0, tzinfo=STOCKHOLM)
        with self.assertRaises(ValidationError) as caught:
            invitation_add(by=self.npo_editor, round_=round_, organisation="Sent ute", at=after)
        self.assertIn("Inga fler svar tas emot", caught.exception.messages[0])
        with self.assertRaises(ValidationError):  # two parties at once
            invitation_add(by=self.npo_editor, round_=round_, region=self.orebro, organisation="X", at=self.during)
