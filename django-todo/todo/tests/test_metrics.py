import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import OperationalError
from django.test import SimpleTestCase, TestCase, override_settings
from prometheus_client.parser import text_string_to_metric_families

from todo.models import Todo
from todo_site import metrics

PROBE_HOST = {"HTTP_HOST": "10.0.3.17:8000"}


def samples(body: str) -> dict:
    """{(sample name, frozenset of labels): value}, parsed by prometheus_client's own parser."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def value(body: str, name: str, **labels) -> float | None:
    return samples(body).get((name, frozenset(labels.items())))


@override_settings(ALLOWED_HOSTS=["todo.example.com"])
class MetricsTests(TestCase):
    def setUp(self):
        metrics.REQUESTS.clear()
        metrics.LATENCY.clear()

    def scrape(self):
        response = self.client.get("/metrics", **PROBE_HOST)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/plain; version=0.0.4"))
        self.assertEqual(response["Cache-Control"], "no-store")
        return response.content.decode()

    def test_items_gauge(self):
        Todo.objects.create(title="a")
        Todo.objects.create(title="b", is_done=True)
        body = self.scrape()
        self.assertIn("# TYPE todo_items gauge", body)
        self.assertEqual(value(body, "todo_items"), 2)
        self.assertEqual(value(body, "todo_items_done"), 1)
        self.assertEqual(value(body, "todo_database_up"), 1)

    def test_request_counter_by_method_and_status(self):
        host = {"HTTP_HOST": "todo.example.com"}
        self.client.get("/", **host)
        self.client.get("/", **host)
        self.client.post("/todos/add/", {"title": ""}, HTTP_HX_REQUEST="true", **host)
        self.client.delete("/todos/999/delete/", **host)
        self.client.get("/", HTTP_HOST="evil.example")
        body = self.scrape()
        self.assertIn("# TYPE todo_http_requests_total counter", body)
        counter = "todo_http_requests_total"
        self.assertEqual(value(body, counter, method="GET", status="200"), 2)
        self.assertEqual(value(body, counter, method="POST", status="422"), 1)
        self.assertEqual(value(body, counter, method="DELETE", status="404"), 1)
        self.assertEqual(value(body, counter, method="GET", status="400"), 1)
        # The scrape itself is counted after it is rendered.
        body = self.scrape()
        self.assertEqual(value(body, counter, method="GET", status="200"), 3)

    def test_latency_histogram(self):
        self.client.get("/healthz", **PROBE_HOST)
        body = self.scrape()
        self.assertIn("# TYPE todo_http_request_duration_seconds histogram", body)
        self.assertEqual(value(body, "todo_http_request_duration_seconds_count", method="GET"), 1)
        self.assertEqual(
            value(body, "todo_http_request_duration_seconds_bucket", method="GET", le="+Inf"), 1
        )

    def test_unknown_methods_collapse(self):
        metrics.observe("BREW", 405, 0.001)
        metrics.observe("PROPFIND", 405, 0.001)
        body = self.scrape()
        self.assertEqual(value(body, "todo_http_requests_total", method="OTHER", status="405"), 2)

    def test_database_down_still_answers(self):
        with (
            mock.patch("todo.models.Todo.objects.count", side_effect=OperationalError("down")),
            mock.patch("todo_site.metrics.connection.close"),
        ):
            with self.assertLogs("todo_site.metrics", "WARNING"):
                body = self.scrape()
        self.assertEqual(value(body, "todo_database_up"), 0)
        self.assertIsNone(value(body, "todo_items"))


# Run in a child process with PROMETHEUS_MULTIPROC_DIR set, as a gunicorn worker would be.
WORKER = """
import sys
import django
django.setup()
from todo_site import metrics
for _ in range(int(sys.argv[1])):
    metrics.observe("GET", 200, 0.002)
"""


class MultiprocessTests(SimpleTestCase):
    """Counters add up across worker processes, so a scrape does not depend on the worker."""

    def run_worker(self, env: dict, requests: int) -> None:
        subprocess.run(
            [sys.executable, "-c", WORKER, str(requests)],
            env=env,
            cwd=settings.BASE_DIR,
            check=True,
            timeout=60,
        )

    def test_counts_of_all_workers_are_summed(self):
        with tempfile.TemporaryDirectory() as directory:
            env = {**os.environ, metrics.MULTIPROC_ENV: directory}
            self.run_worker(env, 3)
            self.run_worker(env, 4)
            counters = list(Path(directory).glob("counter_*.db"))
            self.assertEqual(len(counters), 2, "one counter file per worker")
            with (
                mock.patch.dict(os.environ, {metrics.MULTIPROC_ENV: directory}),
                mock.patch.object(metrics.DatabaseCollector, "collect", return_value=iter(())),
            ):
                body = metrics.exposition().decode()
        self.assertEqual(value(body, "todo_http_requests_total", method="GET", status="200"), 7)
        self.assertEqual(value(body, "todo_http_request_duration_seconds_count", method="GET"), 7)


DIST = Path(settings.BASE_DIR).parent / "dist"


@override_settings(ALLOWED_HOSTS=["todo.example.com"])
class PlatformQueriesTests(TestCase):
    """The alert rules and dashboard the platform renders (dist/) query metrics this app exports."""

    def test_every_todo_metric_they_use_is_exported(self):
        files = sorted(DIST.glob("*/django/manifests/prometheusrule-*.yaml")) + sorted(
            DIST.glob("*/django/manifests/configmap-django-dashboard.yaml")
        )
        if not files:
            self.skipTest(f"no rendered django monitoring objects under {DIST}")
        used = {name for f in files for name in re.findall(r"\btodo_[a-z_]+\b", f.read_text())}
        self.assertTrue(used, "no todo_ metrics in the rules and dashboard")
        metrics.observe("GET", 200, 0.01)
        body = self.client.get("/metrics", **PROBE_HOST).content.decode()
        exported = {
            s.name for family in text_string_to_metric_families(body) for s in family.samples
        }
        self.assertEqual(sorted(used - exported), [])
