import datetime
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kunskapsnav.organisation import bodies
from kunskapsnav.organisation.models import Role
from kunskapsnav.organisation.tests.personas import make_person, make_user, seat

from .. import compensation, export, participation
from ..models import AssignmentKind, ClaimStatus, CompensationBasis, Recruitment, RepresentativeKind
from .personas import PeopleTestCase, declare

DAY = datetime.date(2026, 10, 14)


class PoolTestCase(PeopleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.patient = make_person(by=cls.admin, region=cls.orebro, given="Pia", family="Patient")
        cls.rep = participation.representative_add(
            by=cls.orebro_coordinator, person=cls.patient, region=cls.orebro, kind=RepresentativeKind.PATIENT,
            recruited_through=Recruitment.LIVING_LIBRARY, experience_areas="Hjärtsvikt\nRehabilitering",
            availability="Dagtid", phone="070-123 45 67", payee_reference="ARV-1001",
            consent_on=datetime.date(2026, 1, 10))
        cls.assignment = participation.assignment_create(
            by=cls.orebro_coordinator, representative=cls.rep, kind=AssignmentKind.BODY, body=cls.orebro_lpo,
            description="Ledamot i LPO hjärta", start_date=datetime.date(2026, 1, 1))

    def claim(self, **values):
        fields = dict(by=self.orebro_coordinator, assignment=self.assignment, worked_on=DAY, hours=Decimal("3"),
                      travel_km=Decimal("40"), travel_costs=Decimal("0"))
        fields.update(values)
        return compensation.claim_submit(**fields)

    def set_model(self, basis=CompensationBasis.HOURLY):
        return compensation.compensation_model_set(by=self.orebro_coordinator, region=self.orebro, basis=basis,
                                                   hourly_rate=Decimal("250"), fixed_fee=Decimal("1000"),
                                                   mileage_rate=Decimal("2.50"))


class PoolTests(PoolTestCase):
    def test_only_the_regions_coordinator_adds_to_its_pool(self):
        person = make_person(by=self.admin, region=self.orebro, given="Ny")
        with self.assertRaises(PermissionDenied):
            participation.representative_add(by=self.uppsala_coordinator, person=person, region=self.orebro,
                                             kind="patient", recruited_through="annat", experience_areas="Diabetes",
                                             consent_on=DAY)

    def test_a_personal_identity_number_is_refused_as_payee_reference(self):
        with self.assertRaisesMessage(ValidationError, "personnummer"):
            participation.representative_update(by=self.orebro_coordinator, representative=self.rep,
                                                payee_reference="19121212-1212")

    def test_an_assignment_to_a_body_names_the_body(self):
        with self.assertRaises(ValidationError) as caught:
            participation.assignment_create(by=self.orebro_coordinator, representative=self.rep,
                                            kind=AssignmentKind.BODY, description="Något",
                                            start_date=DAY)
        self.assertIn("body", caught.exception.message_dict)


class ClaimTests(PoolTestCase):
    def test_an_hourly_claim_is_priced_by_the_model_when_approved(self):
        self.set_model()
        claim = self.claim()
        compensation.claim_decide(by=self.admin, claim=claim, approve=True)
        claim.refresh_from_db()
        self.assertEqual((claim.status, claim.fee, claim.travel, claim.total),
                         (ClaimStatus.APPROVED, Decimal("750.00"), Decimal("100.00"), Decimal("850.00")))

    def test_a_fixed_fee_claim_counts_occasions_and_tickets(self):
        self.set_model(CompensationBasis.FIXED_FEE)
        claim = self.claim(occasions=2, travel_km=Decimal("0"), travel_costs=Decimal("189"))
        compensation.claim_decide(by=self.admin, claim=claim, approve=True)
        claim.refresh_from_db()
        self.assertEqual((claim.fee, claim.travel), (Decimal("2000.00"), Decimal("189.00")))

    def test_the_one_who_claims_does_not_approve(self):
        self.set_model()
        claim = self.claim()
        with self.assertRaises(PermissionDenied):
            compensation.claim_decide(by=self.orebro_coordinator, claim=claim, approve=True)
        with self.assertRaises(PermissionDenied):
            compensation.claim_decide(by=self.uppsala_coordinator, claim=claim, approve=True)

    def test_a_representative_claims_for_their_own_assignment(self):
        user = make_user("pia")
        self.patient.user = user
        self.patient.save()
        claim = self.claim(by=user)
        self.assertEqual(claim.submitted_by, user)
        with self.assertRaises(PermissionDenied):
            self.claim(by=self.outsider)

    def test_claims_outside_the_period_or_in_the_future_are_refused(self):
        with self.assertRaises(ValidationError):
            self.claim(worked_on=datetime.date(2025, 12, 31))
        with self.assertRaises(ValidationError):
            self.claim(worked_on=timezone.localdate() + datetime.timedelta(days=1))
        with self.assertRaises(ValidationError):
            self.claim(hours=Decimal("0"))

    def test_approval_needs_a_model_and_rejection_a_reason(self):
        claim = self.claim()
        with self.assertRaisesMessage(ValidationError, "ersättningsmodell"):
            compensation.claim_decide(by=self.admin, claim=claim, approve=True)
        with self.assertRaises(ValidationError):
            compensation.claim_decide(by=self.admin, claim=claim, approve=False)
        compensation.claim_decide(by=self.admin, claim=claim, approve=False, note="Dubbel.")
        claim.refresh_from_db()
        self.assertEqual(claim.status, ClaimStatus.REJECTED)


class PayableListTests(PoolTestCase):
    def test_the_list_holds_each_approved_claim_once_and_reads_as_csv(self):
        self.set_model()
        october = self.claim()
        november = self.claim(worked_on=datetime.date(2026, 11, 2), hours=Decimal("1.5"))
        pending = self.claim(worked_on=datetime.date(2026, 10, 20))
        for claim in (october, november):
            compensation.claim_decide(by=self.admin, claim=claim, approve=True)
        payable = compensation.payable_list_create(by=self.orebro_coordinator, region=self.orebro, period="2026-10")
        self.assertEqual(list(payable.claims.all()), [october])
        self.assertEqual(compensation.payable_csv(payable).splitlines(), [
            "referens;fornamn;efternamn;datum;uppdrag;timmar;tillfallen;arvode;reseersattning;summa",
            "ARV-1001;Pia;Patient;2026-10-14;Ledamot i LPO hjärta;3,0;1;750,00;100,00;850,00",
        ])
        with self.assertRaises(ValidationError):
            compensation.payable_list_create(by=self.orebro_coordinator, region=self.orebro, period="2026-10")
        later = compensation.payable_list_create(by=self.orebro_coordinator, region=self.orebro, period="2026-11")
        self.assertEqual(list(later.claims.all()), [november])
        pending.refresh_from_db()
        self.assertIsNone(pending.payable_list)

    def test_names_and_descriptions_that_begin_like_a_formula_reach_the_csv_as_text(self):
        self.set_model()
        person = make_person(by=self.admin, region=self.orebro, given='=HYPERLINK("http://evil.example")',
                             family="@Patient")
        rep = participation.representative_add(
            by=self.orebro_coordinator, person=person, region=self.orebro, kind=RepresentativeKind.PATIENT,
            recruited_through=Recruitment.OTHER, experience_areas="Hjärtsvikt", payee_reference="ARV-1002",
            consent_on=datetime.date(2026, 1, 10))
        assignment = participation.assignment_create(
            by=self.orebro_coordinator, representative=rep, kind=AssignmentKind.BODY, body=self.orebro_lpo,
            description="-Ledamot+cmd", start_date=datetime.date(2026, 1, 1))
        claim = self.claim(assignment=assignment)
        compensation.claim_decide(by=self.admin, claim=claim, approve=True)
        payable = compensation.payable_list_create(by=self.orebro_coordinator, region=self.orebro, period="2026-10")
        self.assertEqual(compensation.payable_csv(payable).splitlines()[1],
                         "ARV-1002;\"'=HYPERLINK(\"\"http://evil.example\"\")\";'@Patient;2026-10-14;'-Ledamot+cmd;3,0;1;"
                         "750,00;100,00;850,00")

    def test_a_bad_period_or_another_region_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "år och månad"):
            compensation.payable_list_create(by=self.orebro_coordinator, region=self.orebro, period="oktober")
        with self.assertRaises(PermissionDenied):
            compensation.payable_list_create(by=self.uppsala_coordinator, region=self.orebro, period="2026-10")


class ExpertTimeTests(PeopleTestCase):
    def test_time_share_is_summed_per_body_and_region_pro_rata(self):
        a = make_person(by=self.admin, region=self.orebro, given="A")
        b = make_person(by=self.admin, region=self.orebro, given="B")
        c = make_person(by=self.admin, region=self.uppsala, given="C")
        seat(by=self.admin, body=self.heart_nag, person=a, role=Role.MEMBER, time_share=20,
             start_date=datetime.date(2025, 1, 1))
        # Half of 2025 (1 July – 31 December is 184 of 365 days) at 50 %.
        seat(by=self.admin, body=self.heart_nag, person=b, role=Role.MEMBER, time_share=50,
             start_date=datetime.date(2025, 7, 1))
        seat(by=self.admin, body=self.heart_nag, person=c, role=Role.MEMBER)
        rows = {(r.body.name, r.region.name): r for r in compensation.expert_time(2025)
                if r.body == self.heart_nag}
        orebro = rows[("NAG hjärtsvikt", self.orebro.name)]
        self.assertEqual((orebro.members, orebro.without_share), (2, 0))
        self.assertEqual(orebro.full_time_years, (Decimal("0.20") + Decimal("0.5") * 184 / 365).quantize(
            Decimal("0.01")))
        self.assertEqual(rows[("NAG hjärtsvikt", self.uppsala.name)].without_share, 1)
        self.assertIn("NAG hjärtsvikt;Region Örebro län;2;0;0,45", compensation.expert_time_csv(2025))

    def test_the_expert_time_csv_writes_a_body_name_that_begins_like_a_formula_as_text(self):
        seat(by=self.admin, body=self.heart_nag, person=make_person(by=self.admin, region=self.orebro, given="A"),
             role=Role.MEMBER, time_share=20, start_date=datetime.date(2025, 1, 1))
        bodies.body_update(by=self.admin, body=self.heart_nag, name="+NAG hjärtsvikt")
        self.assertIn("'+NAG hjärtsvikt;Region Örebro län;1;0;0,20", compensation.expert_time_csv(2025))


class OwnDataTests(PoolTestCase):
    def test_a_person_gets_their_own_data_and_nothing_of_others(self):
        declare(self.nominee, nothing=False, interests=[{
            "category": "agande", "organisation": "Medtech AB", "description": "Aktier", "amount": 5000}])
        data = json.loads(export.own_data_json(self.nominee.person))
        self.assertEqual(data["person"]["given_name"], "Nora")
        self.assertEqual(data["declarations"][0]["interests"][0]["organisation"], "Medtech AB")
        self.assertIsNone(data["representative"])
        self.assertNotIn("Pia", json.dumps(data))
        patient = json.loads(export.own_data_json(self.patient))
        self.assertEqual(patient["representative"]["payee_reference"], "ARV-1001")
        self.assertEqual(patient["declarations"], [])
