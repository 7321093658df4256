"""Trusting the journal (CDS Hooks 2.0, "Trusting CDS Clients"): the JWT is verified against
the registered journal's public keys and its claims checked; a replayed jti is refused; the
journal is registered by an administrator; and a hook call stores nothing of the patient:
no table gains a row from it but the jti guard's, which holds a hash and an expiry, and the
feedback table's count of the cards shown."""

import base64
import datetime
import hashlib
import json
import time
import uuid

from django.db import connection
from django.test import override_settings
from django.utils import timezone
from joserfc.jwk import ECKey, RSAKey

from kunskapsnav.interop.cds.auth import used_token_ids_prune
from kunskapsnav.interop.models import CdsClient, UsedTokenId
from kunskapsnav.knowledge.models import CardFeedback
from kunskapsnav.knowledge.uptake import shown_flush

from .base import ISSUER, ORDER_SIGN, PATIENT_VIEW, CdsTestCase, medication, order_call, patient_view


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


class CdsAuthTest(CdsTestCase):
    def assertRefused(self, response, words: str):
        self.assertEqual(response.status_code, 401, response.content)
        self.assertIn(words, response.json()["error"])
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="cds-services"')

    def test_a_signed_call_from_a_registered_journal_is_answered_with_its_regions_additions(self):
        response = self.post(PATIENT_VIEW, patient_view(medications=["M01AE01"]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Region Örebro län", response.json()["cards"][0]["detail"])

    def test_a_call_without_a_jwt_is_refused(self):
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), token=None), "JWT")

    @override_settings(CDS_ALLOW_ANONYMOUS=True)
    def test_the_demo_setting_opens_anonymous_calls_without_a_region(self):
        response = self.post(PATIENT_VIEW, patient_view(medications=["M01AE01"]), token=None)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Regionalt tillägg", response.json()["cards"][0]["detail"])

    def test_a_jwt_signed_by_another_key_is_refused(self):
        stranger = ECKey.generate_key("P-384", parameters={"kid": "orebro-1"})
        token = self.token(PATIENT_VIEW, key=stranger)
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), token=token), "signaturen")

    def test_an_unsigned_jwt_is_refused(self):
        def part(value):
            return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "http://127.0.0.1:8000" + PATIENT_VIEW, "exp": now + 60, "iat": now,
                  "jti": "x"}
        token = f"{part({'alg': 'none', 'typ': 'JWT', 'kid': 'orebro-1'})}.{part(claims)}."
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), token=token), "signaturen")

    def test_an_rs384_key_is_accepted(self):
        key = RSAKey.generate_key(2048, parameters={"kid": "orebro-rsa"})
        token = self.token(PATIENT_VIEW, key=key, kid="orebro-rsa", alg="RS384")
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), token=token), "signaturen")
        # The worker holds the journal's keys from the call before; new keys are seen at once.
        self.client_record.jwks = {"keys": [*self.client_record.jwks["keys"], key.as_dict(private=False)]}
        self.client_record.save()
        token = self.token(PATIENT_VIEW, key=key, kid="orebro-rsa", alg="RS384")
        self.assertEqual(self.post(PATIENT_VIEW, patient_view(), token=token).status_code, 200)
        # …and so is a key taken away.
        self.client_record.jwks = {"keys": [key.as_dict(private=False)]}
        self.client_record.save()
        self.assertRefused(self.post(PATIENT_VIEW, patient_view()), "signaturen")

    def test_an_unknown_or_inactive_journal_is_refused(self):
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), iss="https://annan.example/"), "okänt")
        self.assertEqual(self.post(PATIENT_VIEW, patient_view()).status_code, 200)
        # The worker holds the journal from that call: its deactivation is seen at once.
        CdsClient.objects.filter(pk=self.client_record.pk).update(active=False)
        self.assertRefused(self.post(PATIENT_VIEW, patient_view()), "okänt eller inaktivt")

    def test_a_jwt_for_another_address_is_refused(self):
        token = self.token(ORDER_SIGN)
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), token=token), "aud")

    def test_an_expired_or_long_lived_jwt_is_refused(self):
        now = int(time.time())
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), exp=now - 120, iat=now - 400), "gått ut")
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), exp=now + 3600), "högst 300 sekunder")

    def test_a_jwt_without_a_jti_is_refused(self):
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), jti=None), "jti")

    def test_a_replayed_jwt_is_refused(self):
        token = self.token(PATIENT_VIEW)
        self.assertEqual(self.post(PATIENT_VIEW, patient_view(), token=token).status_code, 200)
        self.assertRefused(self.post(PATIENT_VIEW, patient_view(), token=token), "redan använts")

    def test_expired_jtis_are_pruned_and_live_ones_kept(self):
        now = timezone.now()
        UsedTokenId.objects.create(digest="a" * 64, expires_at=now - datetime.timedelta(seconds=1))
        UsedTokenId.objects.create(digest="b" * 64, expires_at=now + datetime.timedelta(minutes=5))
        self.assertEqual(used_token_ids_prune(now=now), 1)
        self.assertEqual(list(UsedTokenId.objects.values_list("digest", flat=True)), ["b" * 64])

    def test_a_hook_call_stores_nothing_but_the_jti_hash_and_its_expiry(self):
        before = table_counts()
        jti = str(uuid.uuid4())
        body = patient_view(conditions=["I50.9"], medications=["M01AE01"])
        self.assertEqual(self.post(PATIENT_VIEW, body, jti=jti).status_code, 200)
        order = order_call("order-sign", orders=[medication("M01AE01", status="draft", id="x")], conditions=["I50.9"])
        self.assertEqual(self.post(ORDER_SIGN, order).status_code, 200)
        self.assertEqual(table_counts()[CardFeedback._meta.db_table], 0)  # counted in memory
        self.assertGreater(shown_flush(), 0)
        after = table_counts()
        changed = {table: after[table] - before.get(table, 0) for table in after if after[table] != before.get(table)}
        # The cards shown are counted in the feedback table, per card, region and day, and
        # nowhere else.
        shown = CardFeedback.objects.count()
        self.assertGreater(shown, 0)
        self.assertEqual(changed, {UsedTokenId._meta.db_table: 2, CardFeedback._meta.db_table: shown})
        self.assertEqual(set(CardFeedback.objects.values_list("region_code", "care_unit", "outcome", "override_reason")),
                         {("18", "", "shown", "")})
        self.assertEqual([f.name for f in UsedTokenId._meta.get_fields()], ["digest", "expires_at"])
        self.assertTrue(UsedTokenId.objects.filter(
            digest=hashlib.sha256(f"{ISSUER}\0{jti}".encode()).hexdigest()).exists())

    def test_an_administrator_registers_a_journal_with_its_public_keys(self):
        # the admin site is for national administrators; this one holds every model permission
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()
        self.client.force_login(self.admin)
        key = ECKey.generate_key("P-384", parameters={"kid": "uppsala-1"})
        form = {"name": "Journalen i Region Uppsala", "issuer": "https://journal.regionuppsala.se/",
                "region": self.uppsala.pk, "active": "on"}
        response = self.client.post("/admin/interop/cdsclient/add/",
                                    {**form, "jwks": json.dumps({"keys": [key.as_dict(private=True)]})})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "bara den publika nyckeln")
        self.assertFalse(CdsClient.objects.filter(issuer=form["issuer"]).exists())
        response = self.client.post("/admin/interop/cdsclient/add/",
                                    {**form, "jwks": json.dumps({"keys": [key.as_dict(private=False)]})})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(CdsClient.objects.get(issuer=form["issuer"]).region, self.uppsala)
