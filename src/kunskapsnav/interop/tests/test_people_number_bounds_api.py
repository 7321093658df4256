"""The people API's numbers: a value too large for its field is refused with 422 in Swedish,
nothing is stored, and the object stays readable."""

import datetime
from decimal import Decimal

from kunskapsnav.interop.tests.api_client import ApiCalls
from kunskapsnav.people import compensation
from kunskapsnav.people.models import CompensationClaim, CompensationModel, Declaration, NominationCall
from kunskapsnav.people.tests.test_compensation import DAY, PoolTestCase


class PeopleNumberBoundsApiTests(ApiCalls, PoolTestCase):
    def refused(self, response, field):
        self.assertEqual(response.status_code, 422, response.content)
        messages = response.json()["errors"][field]
        self.assertTrue(any("Ange ett tal som är högst" in m for m in messages), messages)

    def test_compensation_rates_beyond_their_fields_are_refused_and_the_model_stays_readable(self):
        self.set_model()
        path = "/regions/18/compensation-model"
        self.refused(self.call("put", path, self.orebro_coordinator,
                               {"basis": "timarvode", "hourly_rate": "1e20", "mileage_rate": "2.50"}), "hourly_rate")
        self.refused(self.call("put", path, self.orebro_coordinator,
                               {"basis": "timarvode", "hourly_rate": "250", "mileage_rate": "100000"}), "mileage_rate")
        self.assertEqual(CompensationModel.objects.get(region=self.orebro).hourly_rate, Decimal("250"))
        self.assertEqual(self.call("get", path).json()["hourly_rate"], "250.00")

    def test_claim_numbers_beyond_their_fields_are_refused(self):
        path = f"/participation-assignments/{self.assignment.pk}/claims"
        base = {"worked_on": str(DAY), "hours": "3"}
        self.refused(self.call("post", path, self.orebro_coordinator, base | {"travel_km": "1e30"}), "travel_km")
        self.refused(self.call("post", path, self.orebro_coordinator, base | {"travel_costs": "12345678"}),
                     "travel_costs")
        self.refused(self.call("post", path, self.orebro_coordinator, base | {"occasions": 10**6}), "occasions")
        self.assertFalse(CompensationClaim.objects.exists())
        self.assertEqual(self.call("get", f"/participation-assignments/{self.assignment.pk}",
                                   self.orebro_coordinator).status_code, 200)

    def test_a_claim_whose_price_would_not_fit_is_not_approved(self):
        compensation.compensation_model_set(by=self.orebro_coordinator, region=self.orebro, basis="timarvode",
                                            hourly_rate=Decimal("250"), fixed_fee=Decimal("0"),
                                            mileage_rate=Decimal("9999.99"))
        claim = self.claim(travel_km=Decimal("999999.9"))
        response = self.call("post", f"/compensation-claims/{claim.pk}/decision", self.admin, {"approve": True})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("Ersättningen blir större än ett anspråk kan betala ut", response.json()["errors"]["__all__"][0])
        claim.refresh_from_db()
        self.assertEqual((claim.status, claim.fee, claim.travel), ("inskickad", None, None))

    def test_a_declared_amount_beyond_its_field_is_refused_and_nothing_is_declared(self):
        response = self.call("post", "/declarations", self.nominee, {"interests": [
            {"category": "agande", "organisation": "Medtech AB", "description": "Aktier", "amount": "1e20"}]})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertEqual(response.json()["errors"]["interests.0.amount"],
                         ["Ange ett tal som är högst 999\xa0999\xa0999\xa0999."])
        self.assertFalse(Declaration.objects.filter(person=self.nominee.person).exists())

    def test_planned_hours_beyond_their_field_are_refused(self):
        self.refused(self.call("post", f"/representatives/{self.rep.pk}/assignments", self.orebro_coordinator, {
            "kind": "kartlaggning", "description": "Kartläggning", "start_date": "2026-01-01",
            "planned_hours": "100000"}), "planned_hours")

    def test_a_call_with_more_seats_than_its_field_holds_is_refused(self):
        today = datetime.date.today()
        payload = {"body": self.heart_nag.pk, "start_date": str(today + datetime.timedelta(days=60)),
                   "closes_on": str(today + datetime.timedelta(days=20)), "profile": "Hjärtsviktssjuksköterska.",
                   "seats": 10**6}
        self.refused(self.call("post", "/nomination-calls", self.npo_editor, payload), "seats")
        self.assertFalse(NominationCall.objects.exists())
