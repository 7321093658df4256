"""The demo's national picture: every region at some stage of six supports, dated over the
past two years, the same story at every start."""

import datetime

from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from kunskapsnav.implementation.demo import DECLINED, NATIONAL_SUPPORTS, demo_implementation_load
from kunskapsnav.implementation.models import Adoption, DecisionOutcome, Stage, StageTransition
from kunskapsnav.implementation.selectors import current
from kunskapsnav.knowledge.demo import demo_supports_load
from kunskapsnav.organisation.demo import demo_data_load


def _picture() -> list[tuple[str, str, str]]:
    adoptions = current(Adoption.objects.filter(support__title__in=NATIONAL_SUPPORTS)).select_related("support", "region")
    return sorted((a.support.title, a.region.county_code, a.stage) for a in adoptions)


class NationalDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_data_load()
        demo_supports_load()

    def test_every_region_has_each_support_and_every_stage_is_reached(self):
        demo_implementation_load()
        picture = _picture()
        self.assertGreaterEqual(len(NATIONAL_SUPPORTS), 5)
        for title in NATIONAL_SUPPORTS:
            self.assertEqual(len({code for t, code, _ in picture if t == title}), 21, title)
        self.assertEqual({stage for *_, stage in picture}, set(Stage.values))

    def test_early_adopters_are_ahead_of_the_laggards(self):
        demo_implementation_load()
        order = [Stage.MAPPING, Stage.DECISION, Stage.IMPLEMENTATION, Stage.FOLLOW_UP, Stage.CLOSED]
        reached = {}
        for title, code, stage in _picture():
            if stage in order:
                reached.setdefault(code, []).append(order.index(stage))
        mean = {code: sum(steps) / len(steps) for code, steps in reached.items()}
        self.assertGreater(min(mean[c] for c in ("06", "05", "24")), max(mean[c] for c in ("25", "19", "23")))

    def test_a_region_declined_with_a_recorded_decision_and_its_reason(self):
        demo_implementation_load()
        (code, title), reason = next(iter(DECLINED.items()))
        adoption = current(Adoption.objects.filter(support__title=title, region__county_code=code)).get()
        self.assertEqual((adoption.stage, adoption.not_relevant_reason), (Stage.NOT_RELEVANT, reason))
        self.assertEqual(adoption.decisions.get().outcome, DecisionOutcome.REJECTED)

    def test_the_work_is_shared_and_its_history_spread_over_the_past_two_years(self):
        demo_implementation_load()
        adoptions = current(Adoption.objects.filter(support__title__in=NATIONAL_SUPPORTS))
        self.assertGreater(adoptions.filter(is_public=True).count(), 0.9 * adoptions.count())
        # The public matrix is mostly stages, not "ej delat".
        everything = current(Adoption.objects.all())
        self.assertGreater(everything.filter(is_public=True).count(), 0.9 * everything.count())
        moves = StageTransition.objects.filter(adoption__in=adoptions)
        earliest = min(moves.values_list("at", flat=True))
        self.assertLess(earliest, timezone.now() - datetime.timedelta(days=600))
        self.assertFalse(moves.filter(at__gt=timezone.now()).exists())
        # Every later step after the step before it.
        for adoption in adoptions.filter(stage=Stage.CLOSED)[:5]:
            times = list(adoption.transitions.order_by("pk").values_list("at", flat=True))
            self.assertEqual(times, sorted(times))

    def test_the_same_story_at_every_start(self):
        pictures = []
        for _ in range(2):
            with transaction.atomic():
                demo_implementation_load()
                pictures.append(_picture())
                transaction.set_rollback(True)
        self.assertEqual(pictures[0], pictures[1])
