"""Prometheus metrics, correct across gunicorn's worker processes.

A scrape reaches one worker. In prometheus_client's multiprocess mode, chosen when the library is
imported with ``PROMETHEUS_MULTIPROC_DIR`` set (the image sets it; gunicorn.conf.py empties the
directory at start-up), every worker writes its samples to files in that directory and
``MultiProcessCollector`` adds up the files of all workers, live and dead, so a counter never goes
down between scrapes. Without the variable (tests, ``runserver``) the samples live in this
process's default registry.

The database gauges are computed at scrape time by a collector in the scrape's own registry, so
they do not depend on which worker answers.
"""

import logging
import os

from django.db import DatabaseError, connection
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "todo_http_requests", "HTTP responses by method and status.", ["method", "status"]
)
LATENCY = Histogram(
    "todo_http_request_duration_seconds",
    "Time to produce a response, by method.",
    ["method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def method_label(method: str) -> str:
    """Bound label cardinality: unusual methods collapse to ``OTHER``."""
    return method if method in KNOWN_METHODS else "OTHER"


def observe(method: str, status: int, seconds: float) -> None:
    label = method_label(method)
    REQUESTS.labels(method=label, status=str(int(status))).inc()
    LATENCY.labels(method=label).observe(seconds)


class DatabaseCollector:
    """``todo_database_up``, ``todo_items`` and ``todo_items_done``, queried when scraped."""

    def collect(self):
        from todo.models import Todo

        try:
            items = Todo.objects.count()
            done = Todo.objects.filter(is_done=True).count()
        except DatabaseError as exc:
            logger.warning("metrics: database query failed: %s", exc)
            connection.close()
            yield GaugeMetricFamily(
                "todo_database_up", "Whether this scrape could query the database.", value=0
            )
            return
        yield GaugeMetricFamily(
            "todo_database_up", "Whether this scrape could query the database.", value=1
        )
        yield GaugeMetricFamily("todo_items", "Todo items stored.", value=items)
        yield GaugeMetricFamily("todo_items_done", "Todo items marked done.", value=done)


def exposition() -> bytes:
    """The text exposition of every metric, across all worker processes."""
    if os.environ.get(MULTIPROC_ENV):
        # A fresh registry per scrape, as prometheus_client's multiprocess docs advise: metrics
        # registered in it as well would be exported twice.
        requests = CollectorRegistry()
        MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return generate_latest(requests) + generate_latest(database)
