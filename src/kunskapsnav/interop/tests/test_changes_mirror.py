"""A mirror built from the change feed alone ends with what the database holds, after random
sequences of lifecycle moves made through the domain functions (the issue's acceptance test)."""

import datetime
import importlib
import random

from django.apps import apps
from django.db import transaction

from kunskapsnav.knowledge import additions, content, demo, lifecycle, selectors
from kunskapsnav.knowledge.corpus import corpus_generate
from kunskapsnav.knowledge.interchange import support_export, supports_import
from kunskapsnav.knowledge.models import (
    ContentChange,
    KnowledgeSupport,
    RegionalAddition,
    SupportType,
    SupportVersion,
    VersionStatus,
)
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase, publish

S = VersionStatus
PUBLIC = {S.PUBLISHED, S.SUPERSEDED, S.WITHDRAWN}
IN_WORK = [S.DRAFT, S.REMISS, S.APPROVED]
SEEDS = range(6)
MOVES = 30


class Mirror:
    """What a region's system keeps: the valid version of each support with its
    recommendations, the support's title, and each region's additions per version."""

    def __init__(self, test, page_size: int):
        self.test, self.page_size = test, page_size
        self.cursor = 0
        self.valid: dict[int, tuple[int, tuple]] = {}
        self.titles: dict[int, str] = {}
        self.additions: dict[tuple[int, int, str], set] = {}

    def _get(self, url):
        response = self.test.client.get(url)
        self.test.assertEqual(response.status_code, 200, (url, response.content))
        return response.json()

    def follow(self):
        url = f"/api/v1/changes?since={self.cursor}&limit={self.page_size}"
        while url:
            page = self._get(url)
            for item in page["items"]:
                self.test.assertGreater(item["cursor"], self.cursor)
                self.cursor = item["cursor"]
                self._apply(item)
            self.test.assertEqual(page["last_cursor"], self.cursor)
            url = page["next"]

    def _apply(self, item):
        support = item["support"]
        data = self._get(item["url"])
        if item["region"] is not None:
            self.additions[(support, item["version"], item["region"])] = {
                (a["recommendation_key"], a["text"]) for a in data
            }
        elif item["version"] is None:
            self.titles[support] = data["title"]
        else:
            self.test.assertIn(data["status"], PUBLIC, "a reader must never get a version in work from the feed")
            if data["status"] == S.PUBLISHED:
                self.valid[support] = (data["number"], _recommendations_out(data["recommendations"]))
                self.titles[support] = self._get(f"/api/v1/supports/{support}")["title"]
            elif self.valid.get(support, (None,))[0] == data["number"]:
                del self.valid[support]

    def view(self):
        valid = {s: v for s, v in self.valid.items()}
        shown = {
            (s, region, key, text)
            for (s, number, region), items in self.additions.items()
            if s in self.valid and self.valid[s][0] == number
            for key, text in items
        }
        return valid, {s: self.titles[s] for s in valid}, shown


def _recommendations_out(recs) -> tuple:
    return tuple(
        (r["key"], r["text"], r["priority"], r["strength"], r["direction"],
         tuple((c["system"], c["code"]) for c in r["codes"]))
        for r in recs
    )


def database_view():
    valid, titles, shown = {}, {}, set()
    for version in SupportVersion.objects.published().select_related("support"):
        recs = selectors.recommendations_of(version)
        valid[version.support_id] = (version.number, tuple(
            (str(r.key), r.text, r.priority, r.strength or None, r.direction,
             tuple((c.system, c.code) for c in r.codes.all()))
            for r in recs
        ))
        titles[version.support_id] = version.support.title
        for key, items in selectors.additions_by_key(version, region=None, show_all=True).items():
            shown |= {(version.support_id, a.region.county_code, key, a.text) for a in items}
    return valid, titles, shown


class ChangeFeedMirrorTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lung_support = content.support_create(
            by=cls.admin, type=SupportType.CLINICAL, title="KOL – kliniskt kunskapsstöd",
            issuer_body=cls.lung_npo, owning_body=cls.lung_npo, conditions=["J44"],
        )
        cls.regions = [cls.orebro, cls.uppsala, cls.skane]

    # --- the random moves ---------------------------------------------------------------

    def _in_work(self, support):
        version = support.versions.filter(status__in=IN_WORK).first()
        if version is None:
            version = content.version_create_next(by=self.admin, support=support)
        if version.status != S.DRAFT:
            return version
        rng, recs = self.rng, list(version.recommendations.order_by("position"))
        if recs and rng.random() < 0.5:
            content.recommendation_update(by=self.admin, recommendation=rng.choice(recs),
                                          text=f"<p>Ändrad text {rng.randint(1, 10**6)}.</p>")
        if len(recs) > 1 and rng.random() < 0.3:
            content.recommendation_delete(by=self.admin, recommendation=rng.choice(recs))
        if not recs or rng.random() < 0.4:
            content.recommendation_create(by=self.admin, version=version, section="Behandling",
                                          text=f"<p>Ny rekommendation {rng.randint(1, 10**6)}.</p>",
                                          priority=rng.randint(1, 10), codes=[("icd10se", "I50")])
        content.version_update(by=self.admin, version=version, review_date=datetime.date(2029, 1, rng.randint(1, 28)))
        return version

    def move_publish(self, support):
        version = self._in_work(support)
        if version.status == S.DRAFT:
            publish(version, by_editor=self.admin, by_approver=self.admin)
        else:
            for to in IN_WORK[IN_WORK.index(version.status) + 1:] + [S.PUBLISHED]:
                lifecycle.version_transition(version=version, to=to, by=self.admin)

    def move_start_work(self, support):
        version = self._in_work(support)
        if version.status == S.DRAFT and self.rng.random() < 0.5:
            lifecycle.version_transition(version=version, to=S.REMISS, by=self.admin)

    def move_withdraw(self, support):
        valid = selectors.valid_version(support)
        if valid:
            lifecycle.version_transition(version=valid, to=S.WITHDRAWN, by=self.admin)

    def move_write_addition(self, support):
        valid = selectors.valid_version(support)
        if valid:
            rec = self.rng.choice(list(valid.recommendations.all()))
            additions.addition_save(by=self.admin, recommendation=rec, region=self.rng.choice(self.regions),
                                    text=f"<p>Tillägg {self.rng.randint(1, 10**6)}</p>")

    def move_remove_addition(self, support):
        existing = list(RegionalAddition.objects.filter(recommendation__version__support=support).order_by("pk"))
        if existing:
            additions.addition_delete(by=self.admin, addition=self.rng.choice(existing))

    def move_review_date(self, support):
        valid = selectors.valid_version(support)
        if valid:
            content.version_review_date_change(by=self.admin, version=valid,
                                               review_date=datetime.date(2030, 1, self.rng.randint(1, 28)))

    def move_retitle(self, support):
        content.support_update(by=self.admin, support=support, title=f"{support.title.split(' #')[0]} #"
                                                                       f"{self.rng.randint(1, 10**6)}")

    MOVES = ["move_publish", "move_publish", "move_start_work", "move_withdraw", "move_write_addition",
             "move_write_addition", "move_remove_addition", "move_review_date", "move_retitle"]

    def random_moves(self, seed: int, mirror: Mirror):
        self.rng = random.Random(seed)
        supports = [self.heart_pathway, self.heart_guideline, self.lung_support]
        for n in range(MOVES):
            support = KnowledgeSupport.objects.get(pk=self.rng.choice(supports).pk)
            getattr(self, self.rng.choice(self.MOVES))(support)
            if self.rng.random() < 0.2:
                mirror.follow()  # a mirror that syncs now and then, resuming from its cursor

    # --- the tests ----------------------------------------------------------------------

    def test_a_mirror_from_the_feed_alone_equals_the_database_after_random_moves(self):
        for seed in SEEDS:
            with self.subTest(seed=seed), transaction.atomic():
                resumed = Mirror(self, page_size=3)
                self.random_moves(seed, resumed)
                resumed.follow()
                from_zero = Mirror(self, page_size=1000)
                from_zero.follow()
                expected = database_view()
                self.assertEqual(resumed.view(), expected)
                self.assertEqual(from_zero.view(), expected)
                transaction.set_rollback(True)

    def test_the_feed_written_for_an_existing_database_gives_the_same_mirror(self):
        self.rng = random.Random(99)
        self.random_moves(99, Mirror(self, page_size=50))
        ContentChange.objects.all().delete()
        backfill = importlib.import_module("kunskapsnav.knowledge.migrations.0009_change_feed_from_what_exists")
        backfill.backfill(apps, None)
        mirror = Mirror(self, page_size=50)
        mirror.follow()
        self.assertEqual(mirror.view(), database_view())

    def test_the_loaders_that_write_in_bulk_or_through_the_domain_leave_a_complete_feed(self):
        for load in (
            lambda: corpus_generate(versions=30, recommendations_per_version=2, seed=3),
            lambda: supports_import(support_export(self.heart_pathway) | {"title": "Hjärtsvikt – importerad"},
                                    by=self.admin),
            demo.demo_supports_load,
        ):
            with self.subTest(load=load), transaction.atomic():
                load()
                mirror = Mirror(self, page_size=200)
                mirror.follow()
                expected = database_view()
                self.assertGreater(len(expected[0]), 1)
                self.assertEqual(mirror.view(), expected)
                transaction.set_rollback(True)

    def test_a_reader_never_sees_a_version_in_work_through_the_feed(self):
        draft = self.heart_guideline.versions.get()
        content.recommendation_create(by=self.admin, version=draft, text="<p>R</p>", priority=1)
        lifecycle.version_transition(version=draft, to=S.REMISS, by=self.admin)
        lifecycle.version_transition(version=draft, to=S.APPROVED, by=self.admin)
        content.support_update(by=self.admin, support=self.heart_guideline, title="Ännu ej publicerat")
        next_draft = self._in_work_as_admin(self.heart_pathway)
        lifecycle.version_transition(version=next_draft, to=S.REMISS, by=self.admin)
        items = self.client.get("/api/v1/changes").json()["items"]
        self.assertEqual([(c["support"], c["version"]) for c in items], [(self.heart_pathway.pk, 1)])
        for item in items:
            self.assertIn(self.client.get(item["url"]).json()["status"], PUBLIC)

    def _in_work_as_admin(self, support):
        self.rng = random.Random(0)
        return self._in_work(support)
