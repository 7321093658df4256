"""A journal that publishes its keys at an address (CDS Hooks 2.0, "Trusting CDS Clients":
the JWT header's jku, allowlisted per journal): the service fetches them from a real HTTP
server on 127.0.0.1, keeps them per worker, fetches again for a rotated key at most once per
interval, lives on the kept set when the journal's server is down, and refuses what it cannot
verify with a 401, never a 500."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from joserfc.jwk import ECKey

from kunskapsnav.interop.cds import keys
from kunskapsnav.interop.models import CdsClient

from .base import PATIENT_VIEW, CdsTestCase, patient_view


class Clock:
    """The key cache's clock, moved on by the test instead of waiting."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that gave up (timeout, size limit) breaks the pipe: expected here


class KeyServer:
    """The journal's key address: serves `body` at /jwks.json (or `status`, or a redirect to
    `redirect`) and counts the requests it gets."""

    def __init__(self):
        self.body = b""
        self.status = 200
        self.redirect = ""
        self.delay = 0.0
        self.send_length = True
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests += 1
                time.sleep(server.delay)
                if server.redirect:
                    self.send_response(302)
                    self.send_header("Location", server.redirect)
                    self.end_headers()
                    return
                self.send_response(server.status)
                self.send_header("Content-Type", "application/jwk-set+json")
                if server.send_length:
                    self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def publish(self, *public_keys):
        self.body = json.dumps({"keys": [k.as_dict(private=False) for k in public_keys]}).encode()

    def stop(self):
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join()


@override_settings(CDS_JWKS_CACHE_SECONDS=300, CDS_JWKS_REFETCH_SECONDS=30, CDS_JWKS_FETCH_TIMEOUT_MS=2000)
class CdsKeyUrlTest(CdsTestCase):
    def setUp(self):
        keys.jwks_cache_clear()
        self.addCleanup(keys.jwks_cache_clear)
        self.clock = Clock()
        patcher = mock.patch.object(keys, "_clock", self.clock)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.server = KeyServer()
        self.addCleanup(self.server.stop)
        self.url_key = ECKey.generate_key("P-384", parameters={"kid": "orebro-url-1"})
        self.server.publish(self.url_key)
        # The journal registered with its key address only
        CdsClient.objects.filter(pk=self.client_record.pk).update(jwks=None, jwks_url=self.server.url)

    def call(self, *, key=None, kid="orebro-url-1", jku=None):
        token = self.token(PATIENT_VIEW, key=key or self.url_key, kid=kid, jku=jku)
        return self.post(PATIENT_VIEW, patient_view(medications=["M01AE01"]), token=token)

    def assertRefused(self, response, words: str):
        self.assertEqual(response.status_code, 401, response.content)
        self.assertIn(words, response.json()["error"])

    def test_a_jwt_is_verified_with_the_keys_fetched_from_the_registered_address(self):
        response = self.call()
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn("Region Örebro län", response.json()["cards"][0]["detail"])
        self.assertEqual(self.call(jku=self.server.url).status_code, 200)
        self.assertEqual(self.server.requests, 1)  # the second call used the kept set

    def test_the_registered_keys_are_trusted_beside_the_fetched_ones(self):
        CdsClient.objects.filter(pk=self.client_record.pk).update(jwks={"keys": [self.key.as_dict(private=False)]})
        self.assertEqual(self.call(key=self.key, kid="orebro-1").status_code, 200)
        self.assertEqual(self.call().status_code, 200)

    def test_a_jku_other_than_the_registered_address_is_refused_without_a_fetch(self):
        response = self.call(jku="https://angripare.example/jwks.json")
        self.assertRefused(response, "jku")
        self.assertEqual(self.server.requests, 0)

    def test_a_jku_is_refused_for_a_journal_without_a_key_address(self):
        CdsClient.objects.filter(pk=self.client_record.pk).update(jwks={"keys": [self.key.as_dict(private=False)]},
                                                                  jwks_url="")
        self.assertRefused(self.call(key=self.key, kid="orebro-1", jku=self.server.url), "jku")

    def test_an_unknown_kid_fetches_the_set_again_once_within_the_interval(self):
        self.assertEqual(self.call().status_code, 200)
        self.clock.now += 60  # the journal rotates its key a while later
        rotated = ECKey.generate_key("P-384", parameters={"kid": "orebro-url-2"})
        self.server.publish(rotated)
        self.assertEqual(self.call(key=rotated, kid="orebro-url-2").status_code, 200)
        self.assertEqual(self.server.requests, 2)
        self.clock.now += 29
        stranger = ECKey.generate_key("P-384", parameters={"kid": "okand"})
        self.assertRefused(self.call(key=stranger, kid="okand"), "signaturen")
        self.assertRefused(self.call(key=stranger, kid="okand-igen"), "signaturen")
        self.assertEqual(self.server.requests, 2)  # within the interval: no further fetch
        self.clock.now += 1
        self.assertRefused(self.call(key=stranger, kid="okand"), "signaturen")
        self.assertEqual(self.server.requests, 3)  # the interval has passed: one more

    def test_a_known_kid_uses_the_kept_set_until_it_expires(self):
        self.assertEqual(self.call().status_code, 200)
        self.clock.now += 299
        self.assertEqual(self.call().status_code, 200)
        self.assertEqual(self.server.requests, 1)
        self.clock.now += 1
        self.assertEqual(self.call().status_code, 200)
        self.assertEqual(self.server.requests, 2)

    def test_the_kept_set_is_used_when_the_journals_server_is_down(self):
        self.assertEqual(self.call().status_code, 200)
        self.server.stop()
        self.clock.now += 300
        with self.assertLogs("kunskapsnav.interop.cds.keys", "WARNING") as logs:
            self.assertEqual(self.call().status_code, 200)
        self.assertIn("the one fetched before is used", logs.output[0])
        self.assertEqual(self.call().status_code, 200)  # and without trying again at once

    def test_a_server_that_is_down_is_not_asked_again_within_the_interval(self):
        self.server.status = 503
        with self.assertLogs("kunskapsnav.interop.cds.keys", "WARNING"):
            self.assertRefused(self.call(), "nycklar kunde inte hämtas")
        self.server.status = 200
        self.assertRefused(self.call(), "nycklar kunde inte hämtas")
        self.assertEqual(self.server.requests, 1)
        self.clock.now += 30
        self.assertEqual(self.call().status_code, 200)

    def test_without_any_keys_the_call_is_refused_not_failed(self):
        self.server.stop()
        with self.assertLogs("kunskapsnav.interop.cds.keys", "WARNING"):
            self.assertRefused(self.call(), "nycklar kunde inte hämtas")

    def test_a_server_error_gives_no_keys(self):
        self.server.status = 500
        with self.assertLogs("kunskapsnav.interop.cds.keys", "WARNING") as logs:
            self.assertRefused(self.call(), "nycklar kunde inte hämtas")
        self.assertIn("status 500", logs.output[0])

    def test_entries_of_the_set_that_are_no_keys_are_passed_over(self):
        self.server.body = json.dumps({"keys": [self.url_key.as_dict(private=False), 1, {"kty": "XYZ"}]}).encode()
        self.assertEqual(self.call().status_code, 200)

    @override_settings(CDS_JWKS_FETCH_TIMEOUT_MS=200)
    def test_a_server_that_does_not_answer_in_time_gives_no_keys(self):
        self.server.delay = 1.0
        with self.assertLogs("kunskapsnav.interop.cds.keys", "WARNING") as logs:
            self.assertRefused(self.call(), "nycklar kunde inte hämtas")
        self.assertIn("request failed", logs.output[0])
        started = time.monotonic()
        with self.assertRaises(keys.KeyFetchError):
            keys.key_set_fetch(self.server.url)
        self.assertLess(time.monotonic() - started, 0.9)  # the fetch gave up; the server was still asleep

    def test_an_oversized_document_is_refused(self):
        padding = {"kty": "oct", "k": "A" * (keys.MAX_BYTES + 1)}
        self.server.body = json.dumps({"keys": [self.url_key.as_dict(private=False), padding]}).encode()
        for send_length in (True, False):  # said in advance, or found while reading
            with self.subTest(send_length=send_length):
                keys.jwks_cache_clear()
                self.server.send_length = send_length
                with self.assertLogs("kunskapsnav.interop.cds.keys", "WARNING") as logs:
                    self.assertRefused(self.call(), "nycklar kunde inte hämtas")
                self.assertIn("larger than", logs.output[0])

    def test_an_invalid_or_private_document_is_refused(self):
        for body, reason in [
            (b"<html>inte JSON</html>", "not JSON"),
            (json.dumps({"keys": []}).encode(), "not an acceptable key set"),
            (json.dumps({"keys": [self.url_key.as_dict(private=True)]}).encode(), "publika"),
            (b"[" * 30000 + b"]" * 30000, "not JSON"),  # nested past the parser's depth
        ]:
            with self.subTest(reason=reason):
                keys.jwks_cache_clear()
                self.server.body = body
                with self.assertLogs("kunskapsnav.interop.cds.keys", "WARNING") as logs:
                    self.assertRefused(self.call(), "nycklar kunde inte hämtas")
                self.assertIn(reason, logs.output[0])

    def test_a_redirect_to_another_host_is_not_followed(self):
        other = KeyServer()
        self.addCleanup(other.stop)
        other.publish(self.url_key)
        self.server.redirect = other.url.replace("127.0.0.1", "localhost")
        with self.assertLogs("kunskapsnav.interop.cds.keys", "WARNING") as logs:
            self.assertRefused(self.call(), "nycklar kunde inte hämtas")
        self.assertIn("redirect to another host", logs.output[0])
        self.assertEqual(other.requests, 0)

    def test_a_redirect_on_the_same_host_is_followed(self):
        self.server.redirect = "/jwks-ny.json"
        # the redirect is served by the same server: answer it with the keys the second time
        handler_calls = []

        original = self.server.httpd.RequestHandlerClass.do_GET

        def do_get(handler):
            handler_calls.append(handler.path)
            if handler.path == "/jwks-ny.json":
                self.server.redirect = ""
            original(handler)

        self.server.httpd.RequestHandlerClass.do_GET = do_get
        self.assertEqual(self.call().status_code, 200)
        self.assertEqual(handler_calls, ["/jwks.json", "/jwks-ny.json"])


class CdsClientRegistrationTest(CdsTestCase):
    def registration(self, **fields) -> CdsClient:
        return CdsClient(name="Journalen i Region Uppsala", issuer="https://journal.regionuppsala.se/",
                         region=self.uppsala, **fields)

    def test_a_journal_needs_keys_or_a_key_address(self):
        with self.assertRaises(ValidationError) as raised:
            self.registration().full_clean()
        self.assertIn("jwks_url", raised.exception.message_dict)
        with self.assertRaises(ValidationError):
            self.registration(jwks={}).full_clean()
        self.registration(jwks_url="https://journal.regionuppsala.se/jwks.json").full_clean()

    def test_the_database_refuses_a_journal_without_keys_or_a_key_address(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.registration().save()

    def test_a_key_address_is_https_or_loopback_http(self):
        for url in ["http://journal.regionuppsala.se/jwks.json", "http://10.0.0.5/jwks.json",
                    "ftp://journal.regionuppsala.se/jwks.json"]:
            with self.subTest(url=url), self.assertRaises(ValidationError) as raised:
                self.registration(jwks_url=url).full_clean()
            self.assertIn("jwks_url", raised.exception.message_dict)
        for url in ["https://journal.regionuppsala.se/jwks.json", "http://127.0.0.1:8080/jwks.json",
                    "http://localhost/jwks.json", "http://[::1]:8080/jwks.json"]:
            with self.subTest(url=url):
                self.registration(jwks_url=url).full_clean()

    def test_an_administrator_registers_a_journal_with_a_key_address(self):
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()
        self.client.force_login(self.admin)
        form = {"name": "Journalen i Region Uppsala", "issuer": "https://journal.regionuppsala.se/",
                "region": self.uppsala.pk, "active": "on", "jwks": ""}
        response = self.client.post("/admin/interop/cdsclient/add/", {**form, "jwks_url": ""})
        self.assertContains(response, "Ange journalens publika nycklar (JWKS), adressen där de hämtas, eller båda.")
        response = self.client.post("/admin/interop/cdsclient/add/",
                                    {**form, "jwks_url": "http://journal.regionuppsala.se/jwks.json"})
        self.assertContains(response, "Nyckeladressen måste börja med https://")
        self.assertFalse(CdsClient.objects.filter(issuer=form["issuer"]).exists())
        response = self.client.post("/admin/interop/cdsclient/add/",
                                    {**form, "jwks_url": "https://journal.regionuppsala.se/jwks.json"})
        self.assertEqual(response.status_code, 302)
        registered = CdsClient.objects.get(issuer=form["issuer"])
        self.assertEqual((registered.jwks, registered.jwks_url), (None, "https://journal.regionuppsala.se/jwks.json"))
        self.assertEqual(self.client.get(f"/admin/interop/cdsclient/{registered.pk}/change/").status_code, 200)
