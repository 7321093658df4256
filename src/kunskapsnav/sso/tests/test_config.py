from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from kunskapsnav.sso.config import DEFAULT_HSA_ID_CLAIM, DEFAULT_SCOPES, providers_from_env

INERA = {
    "KUNSKAPSNAV_OIDC_INERA_ISSUER": "https://idp.example.se/oidc",
    "KUNSKAPSNAV_OIDC_INERA_CLIENT_ID": "kunskapsnav",
    "KUNSKAPSNAV_OIDC_INERA_CLIENT_SECRET": "hemligt",
}


class ProvidersFromEnvTests(SimpleTestCase):
    def test_it_is_off_when_no_provider_is_named(self):
        self.assertEqual(providers_from_env({}), {})
        self.assertEqual(providers_from_env({"KUNSKAPSNAV_OIDC_PROVIDERS": " , "}), {})

    def test_it_reads_each_named_provider_in_order_with_defaults(self):
        providers = providers_from_env({
            "KUNSKAPSNAV_OIDC_PROVIDERS": "inera, Orebro",
            **INERA,
            "KUNSKAPSNAV_OIDC_OREBRO_ISSUER": "https://login.regionorebrolan.se",
            "KUNSKAPSNAV_OIDC_OREBRO_CLIENT_ID": "kn",
            "KUNSKAPSNAV_OIDC_OREBRO_CLIENT_SECRET": "s",
            "KUNSKAPSNAV_OIDC_OREBRO_LABEL": "Region Örebro län",
            "KUNSKAPSNAV_OIDC_OREBRO_HSA_ID_CLAIM": "hsa_id",
            "KUNSKAPSNAV_OIDC_OREBRO_SCOPES": "openid email hsa",
        })
        self.assertEqual(list(providers), ["inera", "orebro"])
        inera, orebro = providers.values()
        self.assertEqual((inera.label, inera.hsa_id_claim, inera.scopes), ("Inera", DEFAULT_HSA_ID_CLAIM, DEFAULT_SCOPES))
        self.assertEqual(inera.discovery_url, "https://idp.example.se/oidc/.well-known/openid-configuration")
        self.assertEqual(inera.origin, "https://idp.example.se")
        self.assertEqual((orebro.label, orebro.hsa_id_claim, orebro.scopes), ("Region Örebro län", "hsa_id", "openid email hsa"))

    def test_it_refuses_to_start_with_a_provider_half_configured(self):
        for missing in INERA:
            environ = {"KUNSKAPSNAV_OIDC_PROVIDERS": "inera", **INERA, missing: " "}
            with self.subTest(missing=missing), self.assertRaisesMessage(ImproperlyConfigured, missing):
                providers_from_env(environ)

    def test_it_refuses_plain_http_except_on_this_machine(self):
        environ = {"KUNSKAPSNAV_OIDC_PROVIDERS": "inera", **INERA}
        with self.assertRaisesMessage(ImproperlyConfigured, "https"):
            providers_from_env({**environ, "KUNSKAPSNAV_OIDC_INERA_ISSUER": "http://idp.example.se"})
        local = providers_from_env({**environ, "KUNSKAPSNAV_OIDC_INERA_ISSUER": "http://127.0.0.1:9000"})
        self.assertEqual(local["inera"].issuer, "http://127.0.0.1:9000")

    def test_it_refuses_bad_names_repeated_names_and_scopes_without_openid(self):
        for names in ("in-era", "1inera", "inera,inera"):
            with self.subTest(names=names), self.assertRaises(ImproperlyConfigured):
                providers_from_env({"KUNSKAPSNAV_OIDC_PROVIDERS": names, **INERA})
        with self.assertRaisesMessage(ImproperlyConfigured, "openid"):
            providers_from_env({"KUNSKAPSNAV_OIDC_PROVIDERS": "inera", **INERA,
                                "KUNSKAPSNAV_OIDC_INERA_SCOPES": "profile email"})
