"""Login throttling (accounts/throttling.py, django-axes): an account is paused from one
address after too many failed logins, the address after too many over all accounts, and the
Swedish page says so."""

import datetime
from types import SimpleNamespace

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest
from django.test import TestCase, override_settings
from django.utils import timezone

from kunskapsnav.accounts.models import User

PASSWORD = "ett-langt-losenord-1"
HOME = "192.0.2.1"
ELSEWHERE = "198.51.100.7"


@override_settings(AXES_FAILURE_LIMIT=3, LOGIN_ADDRESS_FAILURE_LIMIT=5, AXES_COOLOFF_TIME=datetime.timedelta(minutes=15))
class LoginThrottlingTests(TestCase):
    def setUp(self):
        for name in ("reserv", "annan", "tredje", "fjarde"):
            User.objects.create_user(name, password=PASSWORD)

    def log_in(self, username, password=PASSWORD, address=HOME, url="/konto/logga-in/", **headers):
        self.client.logout()
        return self.client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)

    def fail(self, username, times, address=HOME, **headers):
        return [self.log_in(username, "fel-losenord", address, **headers).status_code for _ in range(times)]

    def assertLoggedIn(self, response):
        self.assertEqual(response.status_code, 302, response.content[:300])
        self.assertIn(SESSION_KEY, self.client.session)

    def assertPaused(self, response):
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Inloggningen är pausad", status_code=429)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_an_account_is_paused_from_an_address_after_too_many_failures_even_with_the_right_password(self):
        self.assertEqual(self.fail("reserv", 2), [200, 200])
        third = self.log_in("reserv", "fel-losenord")
        self.assertPaused(third)
        right = self.log_in("reserv")
        self.assertPaused(right)
        self.assertContains(right, "till det här kontot från den här adressen", status_code=429)
        self.assertContains(right, "om 15 minuter", status_code=429)
        self.assertContains(right, "inte spärrat för gott", status_code=429)
        self.assertContains(right, "Kontakta administratören för Kunskapsnav i din region", status_code=429)
        self.assertTemplateUsed(right, "base.html")
        self.assertTrue(0 < int(right["Retry-After"]) <= 15 * 60)

    def test_the_page_says_when_to_try_again_in_swedish_time(self):
        self.fail("reserv", 3)
        attempt = AccessAttempt.objects.get(username="reserv")
        response = self.log_in("reserv")
        attempt.refresh_from_db()
        until = attempt.attempt_time + datetime.timedelta(minutes=15)
        self.assertContains(response, f"kl. {timezone.localtime(until):%H:%M}", status_code=429)

    def test_the_pause_is_logged_in_english(self):
        self.fail("reserv", 2)
        with self.assertLogs("kunskapsnav.accounts.views", "WARNING") as logs:
            self.log_in("reserv", "fel-losenord")
        self.assertIn(f"login paused for account 'reserv' from {HOME}: 3 failed logins", logs.output[0])

    def test_the_same_account_still_logs_in_from_another_address(self):
        self.fail("reserv", 3)
        self.assertLoggedIn(self.log_in("reserv", address=ELSEWHERE))

    def test_another_account_still_logs_in_from_the_same_address(self):
        self.fail("reserv", 3)
        self.assertLoggedIn(self.log_in("annan"))

    def test_an_address_is_paused_for_every_account_after_too_many_failures_over_all_accounts(self):
        self.assertEqual(self.fail("reserv", 2) + self.fail("annan", 2), [200] * 4)
        fifth = self.log_in("tredje", "fel-losenord")
        self.assertPaused(fifth)
        self.assertContains(fifth, "för alla konton", status_code=429)
        # An account without a single failure, with the right password: paused from there …
        self.assertPaused(self.log_in("fjarde"))
        # … but not from anywhere else.
        self.assertLoggedIn(self.log_in("fjarde", address=ELSEWHERE))

    @override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=0)
    def test_zero_turns_the_address_limit_off(self):
        for name in ("reserv", "annan", "tredje"):
            self.fail(name, 2)
        self.assertLoggedIn(self.log_in("fjarde"))

    def test_the_pause_ends_after_the_cool_off(self):
        self.fail("reserv", 3)
        self.assertPaused(self.log_in("reserv"))
        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                     - datetime.timedelta(minutes=15, seconds=1))
        self.assertLoggedIn(self.log_in("reserv"))

    def test_a_successful_login_resets_the_accounts_count(self):
        self.fail("reserv", 2)
        self.assertLoggedIn(self.log_in("reserv"))
        self.assertFalse(AccessAttempt.objects.filter(username="reserv").exists())
        self.assertEqual(self.fail("reserv", 2), [200, 200])
        self.assertLoggedIn(self.log_in("reserv"))

    def test_a_successful_login_does_not_forget_the_failures_on_other_accounts(self):
        self.fail("annan", 2)
        self.assertLoggedIn(self.log_in("reserv"))
        self.assertEqual(AccessAttempt.objects.get(username="annan").failures_since_start, 2)

    @override_settings(SENDER_ADDRESS_HEADER="X-Real-IP")
    def test_behind_a_proxy_the_address_comes_from_the_proxys_header(self):
        proxy = "10.0.0.1"
        self.fail("reserv", 3, address=proxy, HTTP_X_REAL_IP="192.0.2.10")
        self.assertPaused(self.log_in("reserv", address=proxy, HTTP_X_REAL_IP="192.0.2.10"))
        # Another client through the same proxy is not held back.
        self.assertLoggedIn(self.log_in("reserv", address=proxy, HTTP_X_REAL_IP="192.0.2.11"))
        self.assertEqual(AccessAttempt.objects.get().ip_address, "192.0.2.10")

    def test_without_the_setting_a_header_sent_by_the_client_changes_nothing(self):
        statuses = [self.log_in("reserv", "fel-losenord", HTTP_X_REAL_IP=f"192.0.2.{n}",
                                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(10, 13)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertPaused(self.log_in("reserv", HTTP_X_REAL_IP="192.0.2.99"))
        self.assertEqual(AccessAttempt.objects.get().ip_address, HOME)

    def test_addresses_in_one_ipv6_64_count_as_one(self):
        for n in range(1, 4):
            self.log_in("reserv", "fel-losenord", address=f"2001:db8:a:b::{n}")
        self.assertPaused(self.log_in("reserv", address="2001:db8:a:b:ffff::1"))
        self.assertLoggedIn(self.log_in("reserv", address="2001:db8:a:c::1"))

    def test_the_admin_login_is_paused_too(self):
        User.objects.filter(username="reserv").update(is_staff=True, is_superuser=True)
        statuses = [self.log_in("reserv", "fel-losenord", url="/admin/login/").status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertPaused(self.log_in("reserv", url="/admin/login/"))

    def test_administrators_see_the_paused_logins_in_the_admin(self):
        self.fail("reserv", 3)
        admin = User.objects.create_superuser("admin", password=PASSWORD)
        self.client.force_login(admin)
        self.assertContains(self.client.get("/admin/axes/accessattempt/"), "reserv")

    def test_the_page_speaks_english_to_who_chose_english(self):
        self.fail("reserv", 3)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.post("/konto/logga-in/", {"username": "reserv", "password": PASSWORD}, REMOTE_ADDR=HOME)
        self.assertContains(response, "Login paused", status_code=429)
        self.assertContains(response, "15 minutes", status_code=429)
        self.assertContains(response, "not blocked for good", status_code=429)

    @override_settings(OIDC_PROVIDERS={"inera": SimpleNamespace(name="inera", label="Inera")})
    def test_the_page_says_that_single_sign_on_is_not_paused(self):
        self.fail("reserv", 3)
        self.assertContains(self.log_in("reserv"), "Inloggning via din organisation, till exempel med SITHS-kort, "
                                                   "påverkas inte.", status_code=429)

    def test_tests_log_in_with_force_login_or_with_a_request(self):
        self.fail("reserv", 3)
        # force_login does not check a password, so axes has nothing to count.
        self.client.force_login(User.objects.get(username="annan"))
        self.assertIn(SESSION_KEY, self.client.session)
        # axes' backend needs the request that a login form passes; a test gives one.
        self.client.logout()
        self.assertTrue(self.client.login(request=HttpRequest(), username="annan", password=PASSWORD))
