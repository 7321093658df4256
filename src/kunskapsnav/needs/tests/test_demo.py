from collections import Counter

from django.test import TestCase

from kunskapsnav.knowledge.demo import demo_supports_load
from kunskapsnav.needs.demo import demo_needs_load
from kunskapsnav.needs.models import Need
from kunskapsnav.organisation.demo import demo_data_load


class NeedDemoTests(TestCase):
    def test_the_demo_has_a_need_at_every_stage_and_loads_once(self):
        demo_data_load()
        demo_supports_load()
        self.assertTrue(demo_needs_load())
        self.assertEqual(Counter(Need.objects.values_list("status", flat=True)),
                         {"inskickat": 1, "under_bedomning": 1, "beslutat": 1, "besvarat": 1})
        self.assertIsNotNone(Need.objects.get(decision="revidering").support)
        self.assertFalse(demo_needs_load())
