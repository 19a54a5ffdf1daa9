import importlib
import os
import tempfile
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from todo_site import env


class ParseBoolTests(SimpleTestCase):
    def test_true_strings(self):
        for raw in ["true", "TRUE", "True", "1", "yes", "YES", "on", "On", " true "]:
            with self.subTest(raw=raw):
                self.assertIs(env.parse_bool(raw, name="DEBUG"), True)

    def test_false_strings(self):
        for raw in ["false", "FALSE", "0", "no", "No", "off", "OFF", "", "   "]:
            with self.subTest(raw=raw):
                self.assertIs(env.parse_bool(raw, name="DEBUG", default=True), False)

    def test_unset_gives_default(self):
        self.assertIs(env.parse_bool(None, name="DEBUG"), False)
        self.assertIs(env.parse_bool(None, name="DEBUG", default=True), True)

    def test_other_strings_are_errors(self):
        for raw in ["maybe", "2", "ture", "y", "n", "False!", "disabled"]:
            with self.subTest(raw=raw):
                with self.assertRaisesMessage(ImproperlyConfigured, "DEBUG="):
                    env.parse_bool(raw, name="DEBUG")

    def test_debug_flag_defaults_to_false(self):
        self.assertFalse(env.debug_flag({}))
        self.assertTrue(env.debug_flag({"DEBUG": "Yes"}))
        self.assertFalse(env.debug_flag({"DEBUG": "False"}))


class ParseIntAndListTests(SimpleTestCase):
    def test_int(self):
        self.assertEqual(env.parse_int(None, name="X", default=7), 7)
        self.assertEqual(env.parse_int("", name="X", default=7), 7)
        self.assertEqual(env.parse_int(" 6543 ", name="X", default=7), 6543)

    def test_bad_int(self):
        for raw in ["abc", "54.3", "0", "-1"]:
            with self.subTest(raw=raw):
                with self.assertRaises(ImproperlyConfigured):
                    env.parse_int(raw, name="DB_PORT", default=5432)

    def test_list(self):
        self.assertEqual(env.parse_list(None), [])
        self.assertEqual(env.parse_list(""), [])
        self.assertEqual(env.parse_list(" a.example , ,b.example,"), ["a.example", "b.example"])


class SecretKeyTests(SimpleTestCase):
    def test_required_without_debug(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "SECRET_KEY"):
            env.secret_key({}, debug=False)
        with self.assertRaises(ImproperlyConfigured):
            env.secret_key({"SECRET_KEY": "  "}, debug=False)

    def test_dev_default_only_with_debug(self):
        self.assertEqual(env.secret_key({}, debug=True), env.DEV_SECRET_KEY)

    def test_explicit_key_wins(self):
        self.assertEqual(env.secret_key({"SECRET_KEY": "s3cret"}, debug=False), "s3cret")
        self.assertEqual(env.secret_key({"SECRET_KEY": "s3cret"}, debug=True), "s3cret")


class HostsAndOriginsTests(SimpleTestCase):
    def test_nothing_set(self):
        self.assertEqual(env.hosts_and_origins({}), ([], []))

    def test_derived_from_app_host(self):
        self.assertEqual(
            env.hosts_and_origins({"APP_HOST": "django.example.com"}),
            (["django.example.com"], ["https://django.example.com"]),
        )

    def test_explicit_lists_win(self):
        hosts, origins = env.hosts_and_origins(
            {
                "APP_HOST": "django.example.com",
                "ALLOWED_HOSTS": "a.example.com, b.example.com",
                "CSRF_TRUSTED_ORIGINS": "https://a.example.com,https://b.example.com",
            }
        )
        self.assertEqual(hosts, ["a.example.com", "b.example.com"])
        self.assertEqual(origins, ["https://a.example.com", "https://b.example.com"])

    def test_each_list_falls_back_separately(self):
        hosts, origins = env.hosts_and_origins(
            {"APP_HOST": "todo.example.com", "ALLOWED_HOSTS": "internal"}
        )
        self.assertEqual(hosts, ["internal"])
        self.assertEqual(origins, ["https://todo.example.com"])

    def test_origin_without_scheme_is_an_error(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "needs a scheme"):
            env.hosts_and_origins({"CSRF_TRUSTED_ORIGINS": "todo.example.com"})

    def test_app_host_with_scheme_is_an_error(self):
        with self.assertRaises(ImproperlyConfigured):
            env.hosts_and_origins({"APP_HOST": "https://todo.example.com"})


class DatabaseTests(SimpleTestCase):
    def test_defaults(self):
        db = env.database({})
        self.assertEqual(db["ENGINE"], "django.db.backends.postgresql")
        self.assertEqual(db["PORT"], 5432)
        self.assertNotIn("sslmode", db["OPTIONS"])

    def test_from_env(self):
        db = env.database(
            {
                "DB_HOST": "db.internal",
                "DB_PORT": "6543",
                "DB_NAME": "todos",
                "DB_USERNAME": "django",
                "DB_PASSWORD": "pw",
                "DB_SSLMODE": "require",
            }
        )
        self.assertEqual(
            (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["PASSWORD"]),
            ("db.internal", 6543, "todos", "django", "pw"),
        )
        self.assertEqual(db["OPTIONS"]["sslmode"], "require")

    def test_bad_port(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "DB_PORT"):
            env.database({"DB_PORT": "postgres"})

    def test_verify_full_with_a_ca_bundle(self):
        with tempfile.NamedTemporaryFile(suffix=".pem") as bundle:
            db = env.database({"DB_SSLMODE": "verify-full", "DB_SSLROOTCERT": bundle.name})
        self.assertEqual(db["OPTIONS"]["sslmode"], "verify-full")
        self.assertEqual(db["OPTIONS"]["sslrootcert"], bundle.name)

    def test_verifying_modes_need_a_readable_ca_bundle(self):
        for mode in ["verify-ca", "verify-full"]:
            with self.subTest(mode=mode):
                with self.assertRaisesMessage(ImproperlyConfigured, "needs DB_SSLROOTCERT"):
                    env.database({"DB_SSLMODE": mode})
                with self.assertRaisesMessage(ImproperlyConfigured, "is not a readable file"):
                    env.database({"DB_SSLMODE": mode, "DB_SSLROOTCERT": "/nonexistent/ca.pem"})
        # libpq 16+: the operating system's trust store.
        db = env.database({"DB_SSLMODE": "verify-full", "DB_SSLROOTCERT": "system"})
        self.assertEqual(db["OPTIONS"]["sslrootcert"], "system")

    def test_unknown_sslmode_fails_startup(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "DB_SSLMODE='verify'"):
            env.database({"DB_SSLMODE": "verify"})


class AppRoleTests(SimpleTestCase):
    def test_name_and_password(self):
        environ = {
            "DB_USERNAME": "django",
            "APP_DB_USERNAME": "django_app",
            "APP_DB_PASSWORD": "pw",
        }
        self.assertEqual(env.app_role(environ), ("django_app", "pw"))

    def test_invalid_names(self):
        for name in ["", "Django", "1app", "app-role", "a" * 64, "app;drop"]:
            with self.subTest(name=name):
                with self.assertRaisesMessage(ImproperlyConfigured, "APP_DB_USERNAME="):
                    env.app_role({"APP_DB_USERNAME": name, "APP_DB_PASSWORD": "pw"})

    def test_password_required(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "APP_DB_PASSWORD must be set"):
            env.app_role({"APP_DB_USERNAME": "django_app", "APP_DB_PASSWORD": "  "})

    def test_not_the_owner(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "the schema owner"):
            env.app_role(
                {"DB_USERNAME": "django", "APP_DB_USERNAME": "django", "APP_DB_PASSWORD": "pw"}
            )


class SettingsModuleTests(SimpleTestCase):
    """Imports todo_site.settings afresh under a controlled environment."""

    def load(self, **environ):
        import todo_site.settings as settings_module

        with mock.patch.dict(os.environ, environ, clear=True):
            try:
                return importlib.reload(settings_module)
            finally:
                self.addCleanup(importlib.reload, settings_module)

    def test_production_like(self):
        s = self.load(SECRET_KEY="k", APP_HOST="todo.example.com", STATIC_ROOT="/srv/static")
        self.assertFalse(s.DEBUG)
        self.assertEqual(s.ALLOWED_HOSTS, ["todo.example.com"])
        self.assertEqual(s.CSRF_TRUSTED_ORIGINS, ["https://todo.example.com"])
        self.assertTrue(s.SESSION_COOKIE_SECURE)
        self.assertTrue(s.CSRF_COOKIE_SECURE)
        self.assertEqual(s.SECURE_PROXY_SSL_HEADER, ("HTTP_X_FORWARDED_PROTO", "https"))
        self.assertFalse(s.USE_X_FORWARDED_HOST)
        self.assertEqual(s.STATIC_ROOT, "/srv/static")
        self.assertEqual(s.MIDDLEWARE[0], "todo_site.health.HealthAndMetricsMiddleware")
        self.assertEqual(s.SECURE_HSTS_SECONDS, 31536000)
        self.assertTrue(s.SECURE_HSTS_INCLUDE_SUBDOMAINS)

    def test_debug_string_false_is_false(self):
        # The seed treated any non-empty DEBUG string as true.
        s = self.load(SECRET_KEY="k", DEBUG="False")
        self.assertFalse(s.DEBUG)

    def test_debug_gives_dev_key_and_plain_cookies(self):
        s = self.load(DEBUG="on")
        self.assertTrue(s.DEBUG)
        self.assertEqual(s.SECRET_KEY, env.DEV_SECRET_KEY)
        self.assertFalse(s.CSRF_COOKIE_SECURE)
        self.assertEqual(s.SECURE_HSTS_SECONDS, 0)

    def test_static_root_default(self):
        self.assertEqual(self.load(SECRET_KEY="k").STATIC_ROOT, "/static")

    def test_missing_secret_key_fails_startup(self):
        with self.assertRaises(ImproperlyConfigured):
            self.load()

    def test_invalid_debug_fails_startup(self):
        with self.assertRaises(ImproperlyConfigured):
            self.load(SECRET_KEY="k", DEBUG="sometimes")
