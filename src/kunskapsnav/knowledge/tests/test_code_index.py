import random

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kunskapsnav.knowledge import code_index, content, lifecycle, selectors
from kunskapsnav.knowledge.corpus import corpus_generate
from kunskapsnav.knowledge.models import CodeSystem, RecommendationCode, SupportCondition, VersionStatus
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase, publish

LIMIT = 10


def _patient_codes(rng: random.Random, stored: dict[str, list[str]]) -> list[tuple[str, str]]:
    """3–8 conditions and 5–15 medications, as the benchmark draws them: ICD-10-SE codes one
    level narrower than stored ones (which a broader code covers), SNOMED CT and ATC as stored."""
    conditions = [(CodeSystem.ICD10SE, code + ("1" if "." in code else ".9"))
                  for code in rng.sample(stored[CodeSystem.ICD10SE], rng.randint(2, 6))]
    conditions += [(CodeSystem.SNOMED, rng.choice(stored[CodeSystem.SNOMED])) for _ in range(2)]
    medications = [(CodeSystem.ATC, rng.choice(stored[CodeSystem.ATC])) for _ in range(rng.randint(5, 15))]
    return conditions + medications


class CodeIndexTest(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        corpus_generate(versions=250, recommendations_per_version=4, seed=5)
        cls.stored = {system: sorted(set(RecommendationCode.objects.filter(system=system)
                                         .values_list("code", flat=True)))
                      for system in (CodeSystem.ICD10SE, CodeSystem.SNOMED, CodeSystem.ATC)}
        cls.stored[CodeSystem.ICD10SE] = sorted(set(cls.stored[CodeSystem.ICD10SE])
                                                | set(SupportCondition.objects.values_list("code", flat=True)))

    def assert_same_as_the_database(self, codes):
        index = code_index.current()
        from_index = selectors.recommendations_ranked(ids=index.ranked_ids(codes, limit=LIMIT))
        from_database = selectors.valid_recommendations_for(codes=codes, limit=LIMIT)
        self.assertEqual([r.pk for r in from_index], [r.pk for r in from_database], codes)
        versions = selectors.versions_ranked(ids=index.ranked_version_ids(codes, limit=5))
        self.assertEqual([v.pk for v in versions],
                         [v.pk for v in selectors.valid_versions_for_conditions(codes=codes, limit=5)], codes)

    def test_it_ranks_the_same_recommendations_and_versions_as_the_database(self):
        rng = random.Random(11)
        matched = 0
        for _ in range(60):
            codes = _patient_codes(rng, self.stored)
            self.assert_same_as_the_database(codes)
            matched += bool(code_index.current().ranked_ids(codes, limit=LIMIT))
        self.assertGreater(matched, 40)  # the comparison is of real answers, not of empty lists

    def test_a_broader_code_covers_a_narrower_one_and_not_the_reverse(self):
        index = code_index.current()
        self.assertEqual(index.ranked_ids([(CodeSystem.ICD10SE, "I50.9")], limit=LIMIT)[:1], [self.rec_echo.pk])
        self.assertNotIn(self.rec_echo.pk, index.ranked_ids([(CodeSystem.ICD10SE, "I50")], limit=LIMIT))
        self.assertIn(self.rec_drug.pk, index.ranked_ids([(CodeSystem.ATC, "C09AA05")], limit=100))

    def test_publishing_a_new_version_of_a_support_updates_the_index_in_place(self):
        before = code_index.current()
        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)
        after = code_index.current()
        self.assertIsNot(after, before)
        self.assertIs(after.title_rank, before.title_rank)  # no new build: the titles kept their places
        new_echo = v2.recommendations.get(key=self.rec_echo.key)
        self.assertEqual(after.ranked_ids([(CodeSystem.ICD10SE, "I50.9")], limit=LIMIT)[:1], [new_echo.pk])
        # the index read before the change is whole and unchanged for a call still using it
        self.assertEqual(before.ranked_ids([(CodeSystem.ICD10SE, "I50.9")], limit=LIMIT)[:1], [self.rec_echo.pk])
        self.assert_same_as_the_database([(CodeSystem.ICD10SE, "I50.9"), (CodeSystem.ATC, "M01AE01")])

    def test_a_withdrawn_version_leaves_the_index(self):
        code_index.current()
        lifecycle.version_transition(version=self.v1, to=VersionStatus.WITHDRAWN, by=self.sks_chair)
        codes = [(CodeSystem.ATC, "M01AE01"), (CodeSystem.ICD10SE, "I50.9")]
        self.assertNotIn(self.rec_dont.pk, code_index.current().ranked_ids(codes, limit=100))
        self.assertNotIn(self.v1.pk, code_index.current().ranked_version_ids(codes, limit=100))
        self.assert_same_as_the_database(codes)

    def test_a_changed_title_ranks_the_support_anew(self):
        codes = [(CodeSystem.ICD10SE, "I50.9"), (CodeSystem.ATC, "C09AA05")]
        code_index.current()
        for title in ("Åtgärder vid hjärtsvikt", "A och O vid hjärtsvikt"):
            content.support_update(by=self.npo_editor, support=self.heart_pathway, title=title)
            self.assert_same_as_the_database(codes)

    def test_a_rewritten_feed_builds_the_index_anew(self):
        index = code_index.current()
        # what a restored backup or a rolled-back transaction leaves: the remembered entry is gone
        index.at = None
        code_index._current = index
        self.assertIsNot(code_index.current(), index)

    def test_an_unchanged_feed_costs_one_query(self):
        code_index.current()
        with CaptureQueriesContext(connection) as queries:
            code_index.current()
        self.assertEqual(len(queries), 1)


class LatestEntryTest(KnowledgeTestCase):
    def test_the_latest_entry_written_out_is_the_orms_own(self):
        from django.db.models import F

        from kunskapsnav.knowledge import changes
        from kunskapsnav.knowledge.models import ContentChange

        by_orm = ContentChange.objects.order_by("-id").values("at", cursor=F("id")).first()
        latest = changes.latest()
        self.assertEqual(latest, by_orm)
        self.assertIsNotNone(latest["at"].tzinfo)
        ContentChange.objects.all().delete()
        self.assertEqual(changes.latest(), {"cursor": None, "at": None})
