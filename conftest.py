"""Test set-up shared by the whole suite.

The reference data (sjukvårdsregioner, regions, kommuner, national bodies) is loaded once
into the test database; every TestCase then runs inside a transaction on top of it.
Transactional tests (the browser journeys) flush the database and load what they need.
"""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from kunskapsnav.organisation.reference import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture(autouse=True, scope="session")
def _uploads_in_a_temporary_folder(tmp_path_factory):
    """Attachments and indicator data saved by tests go to a temporary folder, not into the checkout."""
    from django.conf import settings

    media = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = str(media)
    # Indicator data that tests generate goes where runs may read it: as by default, the
    # folder indikatordata under MEDIA_ROOT.
    (media / "indikatordata").mkdir()
    settings.INDICATOR_DATA_ROOTS = [str(media / "indikatordata")]
    # The demo's synthetic data at a small town's size, not Sweden's: seconds, not minutes.
    settings.DEMO_PERSONS = 20_000


@pytest.fixture(autouse=True, scope="session")
def _no_page_cache_by_default():
    """Pages are not kept between requests in tests, except where a test turns the page cache on
    (tests/test_page_cache.py): a TestCase never commits, so no write would make a kept page
    stale. The cache is in memory, never the files of a checkout. Cards shown in a journal wait
    in memory until a test writes them (knowledge.uptake.shown_flush) or the test ends."""
    from django.test.utils import override_settings

    override = override_settings(
        PAGE_CACHE_SECONDS=0, CDS_SHOWN_FLUSH_SECONDS=3600, CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """A SQLite test database in a folder of this test process's own (pytest's temporary
    folder, one per xdist worker), not beside every other run's in the system's temporary
    folder: a restore stages its files beside the database file, and the restore tests check
    that no staging folder is left there, which another worker's or another run's restore in
    progress would otherwise fail."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "kunskapsnav-test.sqlite3")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """On an xdist worker, the API contract suite goes first: it is the slowest work unit by
    far (schemathesis against a server on a database of its own, touching nothing of the
    suite's database), and run first it runs beside the rest instead of after it, alone.
    After pytest-django's ordering (trylast), which this keeps for every other test."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: item.get_closest_marker("contract") is None)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs the suite on every core with pytest-xdist and --dist loadscope: a
    class's tests, or a module's test functions, go to one worker together, so that a
    class's setUpTestData and a module's fixtures (the demo data of the restore tests, the
    server of the contract tests) are made once, not once per worker.

    One change to xdist's loadscope: a work unit is a run of consecutive tests of one class
    or module in pytest-django's order (database tests, then transactional tests, which empty
    the database, then the rest), and the units are handed out in that order, never
    reordered by size. A module with both database and transactional tests is two units, so
    that on no worker a transactional test runs before a database test that needs the
    reference data."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ConsecutiveScopeScheduling(LoadScopeScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            self._unit_of: dict[str, str] = {}
            self._units, self._previous_scope = 0, None

        def _split_scope(self, nodeid):
            # First asked for every test in the order of the collection (schedule), then
            # again for tests as they complete: the units are fixed on the first pass.
            if nodeid not in self._unit_of:
                scope = super()._split_scope(nodeid)
                if scope != self._previous_scope:
                    self._units, self._previous_scope = self._units + 1, scope
                self._unit_of[nodeid] = f"{self._units}:{scope}"
            return self._unit_of[nodeid]

    config.option.loadscopereorder = False
    return ConsecutiveScopeScheduling(config, log)


@pytest.fixture(autouse=True)
def _no_shown_cards_left_over():
    """Cards shown that a test counted and did not write are dropped after it, so that they
    are not counted into the next test or written at the process's exit, after the test
    database is gone."""
    yield
    from kunskapsnav.knowledge.uptake import SHOWN

    SHOWN.take()
