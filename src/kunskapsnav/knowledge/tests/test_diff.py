from kunskapsnav.knowledge import content
from kunskapsnav.knowledge.diff import version_diff, word_diff
from kunskapsnav.knowledge.models import CodeSystem, Direction

from .personas import KnowledgeTestCase


class DiffTests(KnowledgeTestCase):
    def test_it_reports_added_removed_and_changed_recommendations(self):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        echo = v2.recommendations.get(key=self.rec_echo.key)
        content.recommendation_update(
            by=self.npo_editor, recommendation=echo,
            text="<p>Vid misstänkt hjärtsvikt ska ekokardiografi göras inom två veckor.</p>", priority=1,
            codes=[(CodeSystem.ICD10SE, "I50.9"), (CodeSystem.SNOMED, "84114007")],
        )
        dont = v2.recommendations.get(key=self.rec_dont.key)
        content.recommendation_update(by=self.npo_editor, recommendation=dont, direction=Direction.RESEARCH_ONLY)
        content.recommendation_delete(by=self.npo_editor, recommendation=v2.recommendations.get(key=self.rec_drug.key))
        added = content.recommendation_create(by=self.npo_editor, version=v2, text="<p>Ny</p>", strength="svag")

        diff = version_diff(self.v1, v2)

        self.assertEqual([r.key for r in diff.added], [added.key])
        self.assertEqual([r.key for r in diff.removed], [self.rec_drug.key])
        self.assertEqual(diff.unchanged, 0)
        by_key = {c.key: c for c in diff.changed}
        echo_change = by_key[str(self.rec_echo.key)]
        self.assertEqual(
            [(w.op, w.text) for w in echo_change.text if w.op != "equal"],
            [("delete", "fyra"), ("insert", "två")],
        )
        self.assertEqual(echo_change.grade, ("Prioritet 2", "Prioritet 1"))
        self.assertEqual(echo_change.codes_added, ["SNOMED CT 84114007"])
        self.assertEqual(echo_change.codes_removed, ["KVÅ FGC10"])
        dont_change = by_key[str(self.rec_dont.key)]
        self.assertFalse(dont_change.text_changed)
        self.assertEqual(dont_change.direction, ("Gör inte", "Endast inom forskning (FoU)"))

    def test_an_unchanged_copy_has_no_changes(self):
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        diff = version_diff(self.v1, v2)
        self.assertTrue(diff.is_empty)
        self.assertEqual(diff.unchanged, 3)

    def test_word_diff_works_on_words(self):
        self.assertEqual(
            [(w.op, w.text) for w in word_diff("ge inte NSAID", "ge aldrig NSAID till äldre")],
            [("equal", "ge"), ("delete", "inte"), ("insert", "aldrig"), ("equal", "NSAID"), ("insert", "till äldre")],
        )
