"""Settings from the environment (lib/env.py): bad values stop the start with a message."""

import os
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from kunskapsnav.lib.env import envint


class EnvIntTests(SimpleTestCase):
    def test_an_unset_variable_gives_the_default(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertEqual(envint("KUNSKAPSNAV_LOGIN_FAILURE_LIMIT", 5, minimum=1), 5)

    def test_a_value_below_the_minimum_is_refused(self):
        with mock.patch.dict(os.environ, {"KUNSKAPSNAV_LOGIN_FAILURE_LIMIT": "0"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "KUNSKAPSNAV_LOGIN_FAILURE_LIMIT must be at least 1"):
                envint("KUNSKAPSNAV_LOGIN_FAILURE_LIMIT", 5, minimum=1)

    def test_the_minimum_itself_is_allowed(self):
        with mock.patch.dict(os.environ, {"KUNSKAPSNAV_LOGIN_ADDRESS_FAILURE_LIMIT": "0"}):
            self.assertEqual(envint("KUNSKAPSNAV_LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=0), 0)

    def test_something_else_than_a_number_is_refused(self):
        with mock.patch.dict(os.environ, {"KUNSKAPSNAV_LOGIN_COOLOFF_MINUTES": "en kvart"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "must be a whole number"):
                envint("KUNSKAPSNAV_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
