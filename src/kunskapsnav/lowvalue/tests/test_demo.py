from kunskapsnav.indicators import runs
from kunskapsnav.knowledge.demo import demo_supports_load
from kunskapsnav.knowledge.models import Direction, Recommendation
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.lowvalue.demo import PRACTICES, demo_lowvalue_load
from kunskapsnav.lowvalue.models import LowValuePractice


class DemoTests(KnowledgeTestCase):
    def test_the_demo_register_links_do_nots_where_codes_match_and_the_indicator(self):
        demo_supports_load()
        runs.definitions_sync()
        self.assertTrue(demo_lowvalue_load())
        self.assertEqual(LowValuePractice.objects.filter(is_synthetic=True).count(), len(PRACTICES))
        copd = LowValuePractice.objects.get(condition_code="J44")
        [link] = copd.recommendation_links.all()
        linked = Recommendation.objects.filter(key=link.recommendation_key).select_related("version__support").first()
        self.assertEqual((linked.version.support.title, linked.direction), ("KOL", Direction.DO_NOT))
        benzo = LowValuePractice.objects.get(practice_code="N05BA")
        self.assertEqual(list(benzo.indicator_links.values_list("indicator_code", flat=True)), ["LV-BENSO-75"])
        self.assertTrue(all(p.link.startswith("https://") for p in LowValuePractice.objects.all()))
        self.assertFalse(demo_lowvalue_load())  # once
