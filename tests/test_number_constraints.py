"""The database agrees with the numbers' bounds: a value beyond its field's range, written
past the domain functions, is refused by the database itself, on SQLite as on PostgreSQL
(which refuses some of them already for the column's type)."""

import datetime
from decimal import Decimal

from django.db import DataError, IntegrityError, transaction

from kunskapsnav.implementation.tests.personas import ImplementationTestCase
from kunskapsnav.indicators import imports, runs
from kunskapsnav.indicators.models import IndicatorRun, IndicatorValue
from kunskapsnav.organisation.models import Membership
from kunskapsnav.organisation.tests.personas import make_person
from kunskapsnav.people import compensation, participation
from kunskapsnav.people.models import (
    AssignmentKind, CompensationClaim, CompensationModel, NominationCall, Recruitment, RepresentativeKind,
)
from kunskapsnav.people.tests.personas import open_call


class NumberConstraintTests(ImplementationTestCase):
    def refused(self, model, obj, **values):
        for field, value in values.items():
            with self.subTest(model=model.__name__, field=field, value=value):
                with self.assertRaises((IntegrityError, DataError)), transaction.atomic():
                    model.objects.filter(pk=obj.pk).update(**{field: value})

    def test_the_database_refuses_numbers_beyond_their_fields(self):
        row = self.orebro_adoption.gap_rows.first()
        self.refused(type(row), row, cost_estimate=Decimal("-1"))
        self.refused(type(row), row, cost_estimate=Decimal("1000000000000"))
        self.refused(type(self.orebro_adoption), self.orebro_adoption, review_every_months=0)
        self.refused(type(self.orebro_adoption), self.orebro_adoption, review_every_months=37)
        self.refused(Membership, Membership.objects.first(), time_share=101)

        run = IndicatorRun.objects.create(data_folder="/data", started_by=self.analyst)
        self.refused(IndicatorRun, run, progress=101)
        runs.definitions_sync()
        report = imports.values_import(by=self.analyst, file_name="v.csv", data=(
            "indicator;geography;period;stratum;numerator;denominator\n"
            "STROKE-ANTITROMB;region:18;2024;alla;90;100\n").encode())
        value = IndicatorValue.objects.get(batch=report.batch)
        self.refused(IndicatorValue, value, numerator=-1)
        self.refused(IndicatorValue, value, denominator=10**15 + 1)

        call = open_call(by=self.npo_editor, body=self.heart_npo, seats=2)
        self.refused(NominationCall, call, time_share=101)
        self.refused(NominationCall, call, seats=40_000)
        model = compensation.compensation_model_set(by=self.orebro_coordinator, region=self.orebro, basis="timarvode",
                                                    hourly_rate=Decimal("250"), fixed_fee=Decimal("0"),
                                                    mileage_rate=Decimal("2.50"))
        self.refused(CompensationModel, model, hourly_rate=Decimal("1000000"))
        self.refused(CompensationModel, model, mileage_rate=Decimal("10000"))
        rep = participation.representative_add(
            by=self.orebro_coordinator, person=make_person(by=self.admin, region=self.orebro, given="Pia"),
            region=self.orebro, kind=RepresentativeKind.PATIENT, recruited_through=Recruitment.OTHER,
            experience_areas="Hjärtsvikt", consent_on=datetime.date(2026, 1, 10))
        assignment = participation.assignment_create(by=self.orebro_coordinator, representative=rep,
                                                     kind=AssignmentKind.OTHER, description="Kartläggning",
                                                     start_date=datetime.date(2026, 1, 1))
        claim = compensation.claim_submit(by=self.orebro_coordinator, assignment=assignment,
                                          worked_on=datetime.date(2026, 10, 14), hours=Decimal("3"))
        self.refused(CompensationClaim, claim, hours=Decimal("10000"))
        self.refused(CompensationClaim, claim, occasions=0)
        self.refused(CompensationClaim, claim, travel_km=Decimal("1000000"))
        self.refused(CompensationClaim, claim, fee=Decimal("100000000"))
