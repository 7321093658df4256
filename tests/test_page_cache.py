"""The page cache for anonymous readers (lib/pagecache.py): a page is sent again without the
database, a write makes it stale at once, and nothing personal or with a CSRF token is shared."""

import time

from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kunskapsnav.interop.models import UsedTokenId
from kunskapsnav.knowledge import content
from kunskapsnav.knowledge.models import KnowledgeSupport, SupportType
from kunskapsnav.knowledge.tests.personas import REVIEW, KnowledgeTestCase, publish
from kunskapsnav.people.tests.personas import PeopleTestCase, open_call

PORTAL = "/kunskapsstod/"


@override_settings(PAGE_CACHE_SECONDS=60)
class PageCacheTests(KnowledgeTestCase, PeopleTestCase):
    def setUp(self):
        cache.clear()

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def test_a_second_anonymous_visit_is_sent_without_the_database(self):
        first = self.get(PORTAL)
        self.assertNotIn("X-Page-Cache", first)
        with self.assertNumQueries(0):
            second = self.get(PORTAL)
        self.assertEqual(second["X-Page-Cache"], "hit")
        self.assertEqual(second.content, first.content)
        self.assertEqual(second["X-Frame-Options"], "DENY")

    def test_a_publication_through_its_function_is_seen_at_once(self):
        self.get(PORTAL)
        with self.captureOnCommitCallbacks(execute=True):
            support = content.support_create(
                by=self.npo_editor, type=SupportType.CARE_PATHWAY, title="Kronisk njursvikt i vårdförlopp",
                issuer_body=self.heart_npo, owning_body=self.heart_npo, conditions=["N18"], review_date=REVIEW)
            version = support.versions.get(number=1)
            content.recommendation_create(by=self.npo_editor, version=version, section="Utredning",
                                          text="<p>Mät eGFR.</p>", priority=3)
            publish(version, by_editor=self.npo_editor, by_approver=self.sks_chair)
        page = self.get(PORTAL)
        self.assertNotIn("X-Page-Cache", page)
        self.assertContains(page, "Kronisk njursvikt i vårdförlopp")

    def test_a_write_that_sends_no_model_signal_makes_pages_stale_too(self):
        url = reverse("knowledge:support_detail", args=[self.heart_pathway.pk])
        self.get(url)
        with self.captureOnCommitCallbacks(execute=True):
            KnowledgeSupport.objects.filter(pk=self.heart_pathway.pk).update(title="Hjärtsvikt – nytt namn")
        self.assertContains(self.get(url), "Hjärtsvikt – nytt namn")

    def test_a_write_that_is_rolled_back_leaves_the_pages(self):
        self.get(PORTAL)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    KnowledgeSupport.objects.filter(pk=self.heart_pathway.pk).update(title="Ångrat")
                    raise RuntimeError
            except RuntimeError:
                pass
        self.assertEqual(callbacks, [])
        self.assertEqual(self.get(PORTAL)["X-Page-Cache"], "hit")

    def test_a_failed_login_leaves_the_pages(self):
        # Counted by django-axes, whose tables change no page: else failing to log in would
        # empty the cache for everyone.
        self.get(PORTAL)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/konto/logga-in/", {"username": "vem", "password": "fel-losenord-1"})
        self.client.cookies.clear()
        self.assertEqual(self.get(PORTAL)["X-Page-Cache"], "hit")

    def test_a_token_id_spent_by_a_journal_leaves_the_pages(self):
        # Every CDS Hooks call spends one (interop.cds.auth): else each call would empty the cache.
        self.get(PORTAL)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            UsedTokenId.objects.create(digest="0" * 64, expires_at=timezone.now())
        self.assertEqual(callbacks, [])
        self.assertEqual(self.get(PORTAL)["X-Page-Cache"], "hit")

    def test_a_signed_in_reader_never_gets_the_kept_page(self):
        self.get(PORTAL)
        self.client.force_login(self.npo_editor)
        page = self.get(PORTAL)
        self.assertNotIn("X-Page-Cache", page)
        self.assertContains(page, "Logga ut")
        self.client.logout()

    def test_a_page_with_a_csrf_token_is_not_kept(self):
        call = open_call(by=self.npo_editor, body=self.heart_nag, seats=2, self_nomination_allowed=True)
        url = reverse("people:self_nominate", args=[call.pk])
        first = self.get(url)
        self.assertContains(first, "csrfmiddlewaretoken")
        second = self.get(url)
        self.assertNotIn("X-Page-Cache", second)
        self.assertNotIn("X-Page-Cache", self.get(reverse("accounts:login")))
        self.assertNotIn("X-Page-Cache", self.get(reverse("accounts:login")))

    def test_anonymous_pages_hold_no_csrf_token(self):
        for url in ("/", PORTAL, reverse("knowledge:support_detail", args=[self.heart_pathway.pk])):
            with self.subTest(url=url):
                page = self.get(url)
                self.assertNotContains(page, "csrfmiddlewaretoken")
                self.assertNotContains(page, "X-CSRFToken")
                self.assertFalse(page.cookies)

    def test_the_language_switch_works_without_a_token(self):
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post("/i18n/setlang/", {"language": "en", "next": PORTAL})
        self.assertRedirects(response, PORTAL, fetch_redirect_response=False)
        self.assertEqual(response.cookies["django_language"].value, "en")

    def test_htmx_partials_and_full_pages_do_not_mix(self):
        url = reverse("organisation:body_list")
        partial = self.get(url, headers={"HX-Request": "true"})
        full = self.get(url)
        self.assertNotIn("X-Page-Cache", full)
        self.assertContains(full, "<html")
        self.assertNotContains(partial, "<html")
        self.assertEqual(self.get(url, headers={"HX-Request": "true"}).content, partial.content)

    def test_languages_do_not_mix(self):
        swedish = self.get("/")
        self.client.cookies["django_language"] = "en"
        english = self.get("/")
        self.assertNotIn("X-Page-Cache", english)
        self.assertContains(english, 'lang="en"')
        self.assertContains(swedish, 'lang="sv"')
        self.assertEqual(self.get("/")["X-Page-Cache"], "hit")
        self.assertContains(self.get("/"), 'lang="en"')

    def test_a_visitor_with_a_session_or_waiting_messages_is_not_served_from_the_cache(self):
        self.get(PORTAL)
        for cookie in ("sessionid", "messages"):
            with self.subTest(cookie=cookie):
                self.client.cookies.clear()
                self.client.cookies[cookie] = "x"
                self.assertNotIn("X-Page-Cache", self.get(PORTAL))

    @override_settings(PAGE_CACHE_SECONDS=1)
    def test_a_kept_page_expires(self):
        self.get(PORTAL)
        self.assertEqual(self.get(PORTAL)["X-Page-Cache"], "hit")
        time.sleep(1.1)
        self.assertNotIn("X-Page-Cache", self.get(PORTAL))

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_zero_seconds_turns_the_cache_off(self):
        self.get(PORTAL)
        self.assertNotIn("X-Page-Cache", self.get(PORTAL))
