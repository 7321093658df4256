"""The full run's blocking leaves out only pairs compare() returns None for: checked against
comparing every pair that shares a code, the way the full run did before it blocked."""

import random
from collections import defaultdict

from django.test import SimpleTestCase, TestCase

from kunskapsnav.coherence.blocking import pairs_to_compare
from kunskapsnav.coherence.detection import Item, broader_or_same, compare
from kunskapsnav.coherence.models import Candidate, DetectionScope
from kunskapsnav.coherence.runs import _ordered, _published_recommendations, items_for, run_create, run_full
from kunskapsnav.knowledge import search
from kunskapsnav.knowledge.corpus import corpus_generate
from kunskapsnav.knowledge.models import CodeSystem, Direction

# Few words and codes, so that many pairs land on either side of every threshold.
WORDS = ["ge", "betablockerare", "hjärtsvikt", "patienter", "kontrollera", "kalium", "veckor", "inom",
         "diagnos", "följ", "pulsen", "vuxna", "2", "4", "14", "2,5"]
CODES = [(CodeSystem.ICD10SE, "I50"), (CodeSystem.ICD10SE, "I50.1"), (CodeSystem.ICD10SE, "I50.9"),
         (CodeSystem.ICD10SE, "E11"), (CodeSystem.ATC, "C07AB"), (CodeSystem.ATC, "C07AB07"),
         (CodeSystem.ATC, "C07AB02"), (CodeSystem.KVA, "DT016"), (CodeSystem.SNOMED, "84114007")]
DIRECTIONS = [Direction.DO, Direction.DO, Direction.DO_NOT, Direction.RESEARCH_ONLY]


def brute_force(items: list[Item]) -> set[tuple[int, int]]:
    """Every pair that shares a code by hierarchy and that compare() raises, as positions."""
    position = {item.recommendation_id: n for n, item in enumerate(items)}
    by_code = defaultdict(list)
    for item in items:
        for term in item.codes:
            by_code[term].append(item)
    raised = set()
    for a in items:
        for system, code in a.codes:
            for term in broader_or_same(system, code):
                for b in by_code.get(term, ()):
                    pair = tuple(sorted((position[a.recommendation_id], position[b.recommendation_id])))
                    if pair[0] != pair[1] and compare(*_ordered(a, b)):
                        raised.add(pair)
    return raised


def random_item(rng: random.Random, n: int) -> Item:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 9)))
    codes = frozenset(rng.sample(CODES, rng.randint(1, 3)))
    numbers = frozenset(w.replace(",", ".") for w in text.split() if w[0].isdigit())
    return Item(
        recommendation_id=n, key=f"{n:08d}-0000-4000-8000-000000000000", support_id=rng.randint(1, 40), body_id=1,
        is_regional=rng.random() < 0.3, direction=rng.choice(DIRECTIONS),
        priority=rng.choice([None, None, 1, 2, 3, 5, 6, 7, 9, 10]), codes=codes,
        conditions=frozenset(c for s, c in codes if s == CodeSystem.ICD10SE) | {rng.choice(["I50", "E11"])},
        target_groups=frozenset(), stems=tuple(sorted(search.stems(text))), numbers=numbers, fingerprint=str(n),
    )


class BlockingTests(SimpleTestCase):
    def test_the_blocked_pairs_hold_every_pair_compare_raises(self):
        rng = random.Random(11)
        items = [random_item(rng, n) for n in range(700)]
        blocked = {(int(i), int(j)) for i, j in pairs_to_compare(items)}
        raised = brute_force(items)
        self.assertGreater(len(raised), 1000)
        self.assertEqual(raised - blocked, set())
        # And it does leave pairs out: most pairs that share a code here raise nothing.
        self.assertLess(len(blocked), 3 * len(raised))

    def test_each_pair_once_in_order_and_never_within_a_support(self):
        rng = random.Random(5)
        items = [random_item(rng, n) for n in range(300)]
        pairs = [(int(i), int(j)) for i, j in pairs_to_compare(items)]
        self.assertEqual(pairs, sorted(set(pairs)))
        self.assertTrue(all(i < j and items[i].support_id != items[j].support_id for i, j in pairs))

    def test_no_pairs_without_two_items(self):
        self.assertEqual(pairs_to_compare([]).shape, (0, 2))
        self.assertEqual(pairs_to_compare([random_item(random.Random(1), 1)]).shape, (0, 2))


class BlockedFullRunTests(TestCase):
    def test_the_full_run_raises_what_comparing_every_pair_raises(self):
        corpus_generate(versions=400, recommendations_per_version=10, seed=23)
        items = items_for(_published_recommendations().values_list("pk", flat=True))
        expected = {}
        for i, j in brute_force(items):
            a, b = _ordered(items[i], items[j])
            verdict = compare(a, b)
            expected[(a.key, b.key)] = (verdict.kind, verdict.score, verdict.signals)
        self.assertGreater(len(expected), 50)

        run = run_full(run_create(kind=DetectionScope.FULL))

        found = {(str(ka), str(kb)): (kind, score, signals)
                 for ka, kb, kind, score, signals in Candidate.objects.values_list(
                     "key_a", "key_b", "kind", "score", "signals")}
        self.assertEqual(found, expected)
        self.assertEqual((run.done, run.raised), (len(items), len(expected)))
