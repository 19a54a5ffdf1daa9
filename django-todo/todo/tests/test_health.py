import json
import tempfile
from pathlib import Path
from unittest import mock

from django.db import OperationalError
from django.test import SimpleTestCase, TestCase, override_settings

PROBE_HOST = {"HTTP_HOST": "10.0.3.17:8000"}  # a pod IP, not in ALLOWED_HOSTS


@override_settings(ALLOWED_HOSTS=["todo.example.com"])
class LivenessTests(SimpleTestCase):
    # SimpleTestCase forbids database queries: /healthz must not make any.
    def test_ok_without_database(self):
        response = self.client.get("/healthz", **PROBE_HOST)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok\n")
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_head(self):
        self.assertEqual(self.client.head("/healthz", **PROBE_HOST).status_code, 200)

    def test_other_methods_not_allowed(self):
        response = self.client.post("/healthz", **PROBE_HOST)
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "GET, HEAD")

    def test_only_exact_paths_bypass_host_check(self):
        self.assertEqual(self.client.get("/healthz/", **PROBE_HOST).status_code, 400)
        self.assertEqual(self.client.get("/", **PROBE_HOST).status_code, 400)


@override_settings(ALLOWED_HOSTS=["todo.example.com"])
class ReadinessTests(TestCase):
    def test_ok_when_database_answers(self):
        response = self.client.get("/readyz", **PROBE_HOST)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok\n")

    def test_503_when_database_fails(self):
        with (
            mock.patch("todo_site.health.connection.cursor", side_effect=OperationalError("down")),
            mock.patch("todo_site.health.connection.close") as close,
        ):
            with (
                self.assertLogs("todo_site.health", "WARNING"),
                self.assertLogs("django.request", "ERROR"),
            ):
                response = self.client.get("/readyz", **PROBE_HOST)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.content, b"database unavailable\n")
        close.assert_called_once()

    def test_post_not_allowed(self):
        self.assertEqual(self.client.post("/readyz", **PROBE_HOST).status_code, 405)


MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


@override_settings(ALLOWED_HOSTS=["todo.example.com"], STORAGES=MANIFEST_STORAGE)
class ReadinessStaticManifestTests(TestCase):
    """Production storage needs collectstatic's manifest in STATIC_ROOT at run time."""

    def test_503_without_manifest(self):
        with tempfile.TemporaryDirectory() as static_root, self.settings(STATIC_ROOT=static_root):
            with self.assertLogs("todo_site.health", "WARNING") as logs:
                with self.assertLogs("django.request", "ERROR"):
                    response = self.client.get("/readyz", **PROBE_HOST)
        self.assertEqual(response.status_code, 503)
        self.assertIn("run collectstatic", logs.output[0])

    def test_ok_with_manifest(self):
        with tempfile.TemporaryDirectory() as static_root, self.settings(STATIC_ROOT=static_root):
            manifest = {"version": "1.1", "paths": {"todo/style.css": "todo/style.abc123.css"}}
            Path(static_root, "staticfiles.json").write_text(json.dumps(manifest))
            response = self.client.get("/readyz", **PROBE_HOST)
        self.assertEqual(response.status_code, 200)
