import re
from unittest import mock

from django.db import OperationalError
from django.test import TestCase, override_settings

from todo.models import Todo
from todo_site.health import REQUESTS

PROBE_HOST = {"HTTP_HOST": "10.0.3.17:8000"}


def sample(body: str, name: str, labels: str = "") -> float | None:
    pattern = rf"^{re.escape(name)}{re.escape(labels)} (\S+)$"
    match = re.search(pattern, body, re.MULTILINE)
    return float(match.group(1)) if match else None


@override_settings(ALLOWED_HOSTS=["todo.example.com"])
class MetricsTests(TestCase):
    def setUp(self):
        REQUESTS.reset()

    def scrape(self):
        response = self.client.get("/metrics", **PROBE_HOST)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/plain; version=0.0.4"))
        return response.content.decode()

    def test_items_gauge(self):
        Todo.objects.create(title="a")
        Todo.objects.create(title="b", is_done=True)
        body = self.scrape()
        self.assertIn("# TYPE todo_items gauge", body)
        self.assertEqual(sample(body, "todo_items"), 2)
        self.assertEqual(sample(body, "todo_items_done"), 1)
        self.assertEqual(sample(body, "todo_database_up"), 1)

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
        self.assertEqual(sample(body, counter, '{method="GET",status="200"}'), 2)
        self.assertEqual(sample(body, counter, '{method="POST",status="422"}'), 1)
        self.assertEqual(sample(body, counter, '{method="DELETE",status="404"}'), 1)
        self.assertEqual(sample(body, counter, '{method="GET",status="400"}'), 1)
        # The scrape itself is counted after it is rendered.
        body = self.scrape()
        self.assertEqual(sample(body, counter, '{method="GET",status="200"}'), 3)

    def test_unknown_methods_collapse(self):
        REQUESTS.inc("BREW", 405)
        REQUESTS.inc("PROPFIND", 405)
        body = self.scrape()
        self.assertEqual(
            sample(body, "todo_http_requests_total", '{method="OTHER",status="405"}'), 2
        )

    def test_database_down_still_answers(self):
        with (
            mock.patch("todo.models.Todo.objects.count", side_effect=OperationalError("down")),
            mock.patch("todo_site.health.connection.close"),
        ):
            with self.assertLogs("todo_site.health", "WARNING"):
                body = self.scrape()
        self.assertEqual(sample(body, "todo_database_up"), 0)
        self.assertIsNone(sample(body, "todo_items"))

    def test_text_format_is_well_formed(self):
        self.client.get("/healthz", **PROBE_HOST)
        body = self.scrape()
        self.assertTrue(body.endswith("\n"))
        for line in body.splitlines():
            self.assertRegex(line, r"^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? \d+(\.\d+)?)$")
