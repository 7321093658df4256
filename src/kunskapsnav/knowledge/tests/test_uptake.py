"""Uptake counts (knowledge.uptake) and the codes a patient's code is covered by
(knowledge.codes.covering), which the decision support in the journal matches on."""

import datetime
import uuid

from django.test import TestCase

from kunskapsnav.knowledge import uptake
from kunskapsnav.knowledge.codes import covering
from kunskapsnav.knowledge.models import CardFeedback, CodeSystem


class UptakeTest(TestCase):
    def test_a_cards_uuid_is_fixed_for_good(self):
        # Journals and the uptake counts keep these: a change would orphan every count.
        self.assertEqual(
            uptake.card_uuid(key=uuid.UUID("0b0e6a4e-7c55-4d41-9c55-0d1e8a0b2f10"), version_number=3),
            uuid.UUID("ff9b491b-145e-5991-9a5b-39055cd9f4c0"),
        )
        self.assertNotEqual(uptake.card_uuid(key="0b0e6a4e-7c55-4d41-9c55-0d1e8a0b2f10", version_number=4),
                            uptake.card_uuid(key="0b0e6a4e-7c55-4d41-9c55-0d1e8a0b2f10", version_number=3))

    def test_a_report_adds_one_to_its_cell(self):
        card = uuid.uuid4()
        cell = {"card": card, "region_code": "18", "care_unit": "", "day": datetime.date(2026, 12, 7)}
        uptake.feedback_record(**cell, outcome="overridden", override_reason="other")
        uptake.feedback_record(**cell, outcome="overridden", override_reason="other")
        uptake.feedback_record(**cell, outcome="accepted", override_reason="other")  # a reason only when set aside
        self.assertEqual(sorted(CardFeedback.objects.values_list("outcome", "override_reason", "count")),
                         [("accepted", "", 1), ("overridden", "other", 2)])

    def test_a_broader_code_covers_a_narrower_one(self):
        self.assertEqual(covering(CodeSystem.ICD10SE, "F32.1A"), ["F32", "F32.1", "F32.1A"])
        self.assertEqual(covering(CodeSystem.ICD10SE, "I50"), ["I50"])
        self.assertEqual(covering(CodeSystem.ATC, "C09AA05"), ["C", "C09", "C09A", "C09AA", "C09AA05"])
        self.assertEqual(covering(CodeSystem.SNOMED, "13645005"), ["13645005"])
        self.assertEqual(covering(CodeSystem.KVA, "AF021"), ["AF021"])
