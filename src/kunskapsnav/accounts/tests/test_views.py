from types import SimpleNamespace

from django.test import TestCase, override_settings

from kunskapsnav.accounts.models import User
from kunskapsnav.accounts.signout import provider_sign_out_remember

# What the login page uses of a provider (kunskapsnav.sso.config.Provider, an app above this one).
INERA = SimpleNamespace(name="inera", label="Inera")


class LoginPageTests(TestCase):
    def test_without_providers_only_the_local_form_is_shown(self):
        response = self.client.get("/konto/logga-in/")
        self.assertContains(response, 'name="password"')
        self.assertNotContains(response, "Via din organisation")
        self.assertNotContains(response, "/konto/logga-in/inera/")

    @override_settings(OIDC_PROVIDERS={"inera": INERA})
    def test_each_provider_has_a_button_that_keeps_where_the_person_was_going(self):
        response = self.client.get("/konto/logga-in/", {"next": "/remiss/?sida=2"})
        self.assertContains(response, "Via din organisation")
        self.assertContains(response, '<a class="button" href="/konto/logga-in/inera/?next=/remiss/%3Fsida%3D2">'
                                      "Logga in med Inera</a>", html=True)
        self.assertContains(response, 'name="password"')

    def test_a_local_account_still_logs_in_with_a_password(self):
        User.objects.create_user("reserv", password="ett-langt-losenord-1")
        response = self.client.post("/konto/logga-in/", {"username": "reserv", "password": "ett-langt-losenord-1"})
        self.assertRedirects(response, "/", fetch_redirect_response=False)


class LogoutTests(TestCase):
    def setUp(self):
        self.user = User.objects.create_user("person")
        self.client.force_login(self.user)

    def test_a_local_session_ends_locally(self):
        response = self.client.post("/konto/logga-ut/")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_session_from_an_identity_provider_ends_there_too(self):
        # What a sign-in through a provider with an end-session endpoint leaves in the session
        # (tests/oidc tests the real round).
        request = self.client.get("/").wsgi_request
        provider_sign_out_remember(request, "https://idp.example.se/logout?id_token_hint=x")
        request.session.save()
        response = self.client.post("/konto/logga-ut/")
        self.assertRedirects(response, "https://idp.example.se/logout?id_token_hint=x", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_logout_needs_a_post(self):
        self.assertEqual(self.client.get("/konto/logga-ut/").status_code, 405)
