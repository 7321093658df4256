"""Settings from the environment (lib/env.py): bad values stop the start with a message."""

import os
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from kunskapsnav.lib.env import envdatabase, envint


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


class EnvDatabaseTests(SimpleTestCase):
    def test_an_unset_url_gives_the_embedded_default(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            config = envdatabase("DATABASE_URL", "sqlite:////tmp/kunskapsnav.sqlite3")
        self.assertEqual(config["ENGINE"], "django.db.backends.sqlite3")

    def test_a_set_but_empty_url_is_refused(self):
        with mock.patch.dict(os.environ, {"DATABASE_URL": " "}):
            with self.assertRaisesMessage(ImproperlyConfigured, "DATABASE_URL is set but empty"):
                envdatabase("DATABASE_URL", "sqlite:////tmp/kunskapsnav.sqlite3")

    def test_an_unknown_scheme_is_refused_by_name(self):
        with mock.patch.dict(os.environ, {"DATABASE_URL": "mongodb://db/kunskapsnav"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "DATABASE_URL is not a database URL"):
                envdatabase("DATABASE_URL", "sqlite:////tmp/kunskapsnav.sqlite3")

    def test_a_postgresql_url_is_read(self):
        with mock.patch.dict(os.environ, {"DATABASE_URL": "postgres://kn@db:5433/kunskapsnav"}):
            config = envdatabase("DATABASE_URL", "sqlite:////tmp/x.sqlite3", conn_max_age=0)
        self.assertEqual((config["HOST"], config["PORT"], config["NAME"]), ("db", 5433, "kunskapsnav"))
