from django.core.exceptions import PermissionDenied, ValidationError

from kunskapsnav.knowledge import codes, content
from kunskapsnav.knowledge.models import CodeSystem, SupportType

from .personas import KnowledgeTestCase


class CodeFormatTests(KnowledgeTestCase):
    def test_valid_codes_are_normalised(self):
        cases = [
            (CodeSystem.ICD10SE, "i63.9", "I63.9"), (CodeSystem.ICD10SE, "I639", "I63.9"), (CodeSystem.ICD10SE, "F32", "F32"),
            (CodeSystem.KVA, "fng05", "FNG05"), (CodeSystem.KVA, "DT016", "DT016"),
            (CodeSystem.ATC, "n05ah03", "N05AH03"), (CodeSystem.ATC, "C09", "C09"),
            (CodeSystem.SNOMED, "230690007", "230690007"),
        ]
        for system, raw, expected in cases:
            with self.subTest(raw=raw):
                self.assertEqual(codes.normalise(system, raw), expected)

    def test_malformed_codes_are_explained_with_an_example(self):
        cases = [(CodeSystem.ICD10SE, "63I"), (CodeSystem.KVA, "FNG5"), (CodeSystem.ATC, "N05AH3"),
                 (CodeSystem.SNOMED, "230690008"), (CodeSystem.SNOMED, "12")]
        for system, raw in cases:
            with self.subTest(raw=raw), self.assertRaises(codes.InvalidCode) as caught:
                codes.normalise(system, raw)
            self.assertIn("exempel", str(caught.exception))


class ContentTests(KnowledgeTestCase):
    def draft(self):
        return self.heart_guideline.versions.get()

    def test_a_support_has_exactly_one_issuer(self):
        with self.assertRaises(ValidationError) as caught:
            content.support_create(by=self.admin, type=SupportType.CLINICAL, title="X", issuer_body=self.heart_npo,
                                   issuer_agency="sbu", owning_body=self.heart_npo)
        self.assertIn("issuer_body", caught.exception.message_dict)

    def test_a_routine_is_owned_by_a_body_of_a_region(self):
        with self.assertRaises(ValidationError) as caught:
            content.support_create(by=self.admin, type=SupportType.REGIONAL_ROUTINE, title="X",
                                   issuer_region=self.orebro, owning_body=self.heart_npo)
        self.assertIn("owning_body", caught.exception.message_dict)
        routine = content.support_create(by=self.orebro_coordinator, type=SupportType.REGIONAL_ROUTINE, title="Rutin",
                                         issuer_region=self.orebro, owning_body=self.orebro_lpo)
        self.assertEqual(routine.versions.get().number, 1)

    def test_national_guidelines_come_from_socialstyrelsen(self):
        with self.assertRaises(ValidationError) as caught:
            content.support_create(by=self.admin, type=SupportType.NATIONAL_GUIDELINE, title="X", issuer_agency="sbu",
                                   owning_body=self.heart_npo)
        self.assertIn("issuer_agency", caught.exception.message_dict)

    def test_an_editor_creates_supports_only_for_their_bodies(self):
        with self.assertRaises(PermissionDenied):
            content.support_create(by=self.npo_editor, type=SupportType.CLINICAL, title="X", issuer_body=self.lung_npo,
                                   owning_body=self.lung_npo)

    def test_condition_codes_are_validated_all_at_once(self):
        with self.assertRaises(ValidationError) as caught:
            content.support_create(by=self.admin, type=SupportType.CLINICAL, title="X", issuer_body=self.heart_npo,
                                   owning_body=self.heart_npo, conditions=["I50", "XX", "12"])
        self.assertEqual(len(caught.exception.message_dict["conditions"]), 2)

    def test_recommendation_text_is_sanitised(self):
        rec = content.recommendation_create(
            by=self.npo_editor, version=self.draft(),
            text='<p onclick="x()">Ge <strong>inte</strong> <script>alert(1)</script><a href="javascript:x">länk</a></p>',
            priority=1,
        )
        self.assertNotIn("script", rec.text)
        self.assertNotIn("onclick", rec.text)
        self.assertNotIn("javascript", rec.text)
        self.assertIn("<strong>inte</strong>", rec.text)

    def test_recommendation_rules_are_reported_per_field(self):
        with self.assertRaises(ValidationError) as caught:
            content.recommendation_create(by=self.npo_editor, version=self.draft(), text="<p> </p>", priority=11,
                                          strength="stark", codes=[(CodeSystem.ATC, "X1")])
        self.assertEqual(set(caught.exception.message_dict), {"text", "priority", "strength", "codes"})

    def test_a_new_version_keeps_the_identity_of_each_recommendation(self):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        self.assertEqual(
            list(v2.recommendations.order_by("position").values_list("key", flat=True)),
            list(self.v1.recommendations.order_by("position").values_list("key", flat=True)),
        )
        copied = v2.recommendations.get(key=self.rec_echo.key)
        self.assertEqual(sorted(c.code for c in copied.codes.all()), ["FGC10", "I50.9"])
        with self.assertRaises(ValidationError):
            content.version_create_next(by=self.npo_editor, support=self.heart_pathway)

    def test_moving_and_deleting_keep_the_order_whole(self):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        first, second, third = v2.recommendations.order_by("position")
        content.recommendation_move(by=self.npo_editor, recommendation=third, offset=-1)
        self.assertEqual(list(v2.recommendations.order_by("position").values_list("pk", flat=True)),
                         [first.pk, third.pk, second.pk])
        content.recommendation_delete(by=self.npo_editor, recommendation=first)
        self.assertEqual(list(v2.recommendations.order_by("position").values_list("position", flat=True)), [1, 2])

    def test_plain_text_from_the_editor_becomes_paragraphs(self):
        from kunskapsnav.lib.richtext import from_editor

        self.assertEqual(from_editor("Första <stycket>\n\nAndra\nrad"), "<p>Första &lt;stycket&gt;</p><p>Andra<br>rad</p>")
