from django.test import SimpleTestCase, override_settings

from kunskapsnav.sso.checks import session_cookie_comes_back, site_url_is_public_https
from kunskapsnav.sso.config import Provider

INERA = {"inera": Provider(name="inera", label="Inera", issuer="https://idp.example.se", client_id="kn",
                           client_secret="s")}


class ChecksTests(SimpleTestCase):
    @override_settings(OIDC_PROVIDERS=INERA, SESSION_COOKIE_SAMESITE="Strict")
    def test_a_strict_session_cookie_is_refused_with_providers(self):
        self.assertEqual([e.id for e in session_cookie_comes_back(None)], ["kunskapsnav.sso.E001"])

    @override_settings(OIDC_PROVIDERS={}, SESSION_COOKIE_SAMESITE="Strict", SITE_URL="http://127.0.0.1:8000")
    def test_without_providers_nothing_is_checked(self):
        self.assertEqual(session_cookie_comes_back(None) + site_url_is_public_https(None), [])

    @override_settings(OIDC_PROVIDERS=INERA, SITE_URL="http://127.0.0.1:8000")
    def test_production_needs_the_public_https_address(self):
        self.assertEqual([e.id for e in site_url_is_public_https(None)], ["kunskapsnav.sso.E002"])
        with self.settings(SITE_URL="https://kunskapsnav.regionorebrolan.se"):
            self.assertEqual(site_url_is_public_https(None), [])
