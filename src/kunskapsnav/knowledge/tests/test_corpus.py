import io

from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase

from kunskapsnav.knowledge import codes, search
from kunskapsnav.knowledge.corpus import corpus_generate
from kunskapsnav.knowledge.models import (
    CodeSystem,
    KnowledgeSupport,
    Recommendation,
    RecommendationCode,
    SearchDocument,
    SupportCondition,
    SupportVersion,
    VersionStatus,
)


class CorpusTests(TestCase):
    def test_it_creates_the_requested_versions_and_recommendations_marked_synthetic(self):
        report = corpus_generate(versions=40, recommendations_per_version=3, seed=1)
        self.assertEqual((report.versions, report.recommendations), (40, 120))
        self.assertEqual(SupportVersion.objects.count(), 40)
        self.assertEqual(KnowledgeSupport.objects.count(), report.supports)
        self.assertFalse(KnowledgeSupport.objects.filter(is_synthetic=False).exists())
        per_version = set(SupportVersion.objects.annotate(n=Count("recommendations")).values_list("n", flat=True))
        self.assertEqual(per_version, {3})

    def test_every_code_passes_the_code_formats(self):
        corpus_generate(versions=60, recommendations_per_version=5, seed=2)
        self.assertTrue(RecommendationCode.objects.exists())
        for system, code in RecommendationCode.objects.values_list("system", "code"):
            self.assertEqual(codes.normalise(system, code), code)
        for code in SupportCondition.objects.values_list("code", flat=True):
            self.assertEqual(codes.normalise(CodeSystem.ICD10SE, code), code)

    def test_versions_have_a_plausible_history(self):
        corpus_generate(versions=80, recommendations_per_version=2, seed=3)
        for support in KnowledgeSupport.objects.prefetch_related("versions"):
            statuses = [v.status for v in sorted(support.versions.all(), key=lambda v: v.number)]
            self.assertLessEqual(statuses.count(VersionStatus.PUBLISHED), 1)
            self.assertTrue(all(s == VersionStatus.SUPERSEDED for s in statuses[:-2]), statuses)
        published = SupportVersion.objects.filter(status=VersionStatus.PUBLISHED)
        self.assertTrue(published.exists())
        self.assertFalse(published.filter(review_date__isnull=True).exists())

    def test_a_later_version_keeps_the_identity_of_most_recommendations(self):
        corpus_generate(versions=60, recommendations_per_version=4, seed=4)
        later = SupportVersion.objects.filter(number=2).first()
        first = later.support.versions.get(number=1)
        self.assertEqual(set(later.recommendations.values_list("key", flat=True)),
                         set(first.recommendations.values_list("key", flat=True)))

    def test_the_same_seed_gives_the_same_texts(self):
        corpus_generate(versions=15, recommendations_per_version=2, seed=5)
        first_ids = set(Recommendation.objects.values_list("pk", flat=True))
        corpus_generate(versions=15, recommendations_per_version=2, seed=5)
        texts = list(Recommendation.objects.order_by("pk").values_list("pk", "text"))
        self.assertEqual([t for pk, t in texts if pk in first_ids], [t for pk, t in texts if pk not in first_ids])

    def test_the_corpus_is_indexed_and_found_by_search(self):
        corpus_generate(versions=30, recommendations_per_version=3, seed=6)
        self.assertEqual(SearchDocument.objects.count(), 30)
        version = SupportVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("support").first()
        code = RecommendationCode.objects.filter(recommendation__version=version).first()
        found = search.search(version.support.title + (f" {code.code}" if code else ""), limit=100)
        self.assertIn(version.pk, [hit.version.pk for hit in found.hits])

    def test_the_command_reports_what_it_created_and_shows_progress(self):
        out, err = io.StringIO(), io.StringIO()
        call_command("generate_corpus", versions=5, recommendations_per_version=2, seed=7, stdout=out, stderr=err)
        self.assertIn("5 versioner, 10 rekommendationer", out.getvalue())
        self.assertIn("5/5 versioner", err.getvalue())
