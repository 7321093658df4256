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


@pytest.fixture(autouse=True, scope="session")
def _no_page_cache_by_default():
    """Pages are not kept between requests in tests, except where a test turns the page cache on
    (tests/test_page_cache.py): a TestCase never commits, so no write would make a kept page
    stale. The cache is in memory, never the files of a checkout."""
    from django.test.utils import override_settings

    override = override_settings(
        PAGE_CACHE_SECONDS=0, CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    override.enable()
    yield
    override.disable()
