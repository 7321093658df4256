"""The worker's store of patient-view cards (interop/cds/card_cache.py): a card made once is
not read from the database again while the change feed stands still, and everything the feed
records (a regional addition, a new version) reaches the next call; what it does not record
(an issuing body's new name) reaches the journal once the store's time is up."""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kunskapsnav.interop.cds import card_cache, cards
from kunskapsnav.interop.cds.request import HookCall
from kunskapsnav.knowledge import additions
from kunskapsnav.knowledge.models import CodeSystem
from kunskapsnav.knowledge.uptake import card_uuid
from kunskapsnav.organisation.bodies import body_update

from .base import PATIENT_VIEW, CdsTestCase, patient_view


class CardStoreTests(CdsTestCase):
    def dont_card(self, body) -> dict:
        found = self.cards(PATIENT_VIEW, body)
        return next(c for c in found if c["uuid"] == str(card_uuid(key=self.rec_dont.key, version_number=1)))

    def test_a_second_call_reads_no_recommendation_and_answers_the_same(self):
        body = patient_view(conditions=["I50.9"], medications=["M01AE01", "C09AA05"])
        first = self.cards(PATIENT_VIEW, body)
        with CaptureQueriesContext(connection) as queries:
            second = self.cards(PATIENT_VIEW, body)
        self.assertEqual(first, second)
        read = [q["sql"] for q in queries if "knowledge_recommendation" in q["sql"] or "knowledge_supportversion" in q["sql"]]
        self.assertEqual(read, [])

    def test_an_addition_written_after_a_call_is_on_the_next_calls_card(self):
        body = patient_view(medications=["M01AE01"])
        self.assertIn("hjärtsviktsmottagningen", self.dont_card(body)["detail"])
        additions.addition_save(by=self.orebro_coordinator, recommendation=self.rec_dont, region=self.orebro,
                                text="<p>I Region Örebro län: ring apoteket först.</p>")
        detail = self.dont_card(body)["detail"]
        self.assertIn("ring apoteket först", detail)
        self.assertNotIn("hjärtsviktsmottagningen", detail)

    def test_an_issuers_new_name_reaches_the_journal_when_the_store_is_out_of_time(self):
        body = patient_view(medications=["M01AE01"])
        self.assertEqual(self.dont_card(body)["source"]["label"], "NPO hjärt- och kärlsjukdomar")
        body_update(by=self.admin, body=self.heart_npo, name="Hjärt- och kärlsjukdomar, nytt namn")
        # The feed does not record a body's name: within the store's time the card stands.
        self.assertNotIn("nytt namn", self.dont_card(body)["source"]["label"])
        with override_settings(CDS_CARD_CACHE_SECONDS=0):
            self.assertIn("nytt namn", self.dont_card(body)["source"]["label"])

    def test_cards_are_kept_per_region_and_language(self):
        call = HookCall(hook="patient-view", patient_id="1", medications=[(CodeSystem.ATC, "M01AE01")])
        own = cards.patient_view_cards(call, region=self.orebro)
        other = cards.patient_view_cards(call, region=self.skane)
        self.assertIn("Region Örebro län", own[0]["detail"])
        self.assertNotIn("Region Örebro län", other[0]["detail"])
        with translation.override("en"):
            english = cards.patient_view_cards(call, region=self.orebro)
        self.assertTrue(english[0]["summary"].startswith("Do not: "), english[0]["summary"])
        self.assertTrue(cards.patient_view_cards(call, region=self.orebro)[0]["summary"].startswith("Gör inte: "))

    def test_a_card_changed_by_its_caller_leaves_the_stored_one_whole(self):
        call = HookCall(hook="patient-view", patient_id="1", medications=[(CodeSystem.ATC, "M01AE01")])
        cards.patient_view_cards(call, region=self.orebro)[0]["summary"] = "ändrad"
        self.assertNotEqual(cards.patient_view_cards(call, region=self.orebro)[0]["summary"], "ändrad")

    def test_a_full_store_starts_again(self):
        store = card_cache.CardStore(cursor=1, at=None, made_at=0)
        for number in range(card_cache.MAX_CARDS):
            store.keep(store.links, number, "card")
        store.keep(store.links, "one more", "card")
        self.assertEqual(store.links, {"one more": "card"})
