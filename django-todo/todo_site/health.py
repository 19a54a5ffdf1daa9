"""Health, readiness and Prometheus metrics, served by the first middleware.

Kubelet probes and Prometheus scrape the pod IP, whose Host header is not in
ALLOWED_HOSTS. Answering these paths here, before any middleware or view calls
``request.get_host()``, keeps them independent of host validation.

Metrics are kept per process: with several gunicorn workers each scrape sees
the counters of whichever worker answered it.
"""

import logging
import threading
from collections import Counter

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseNotAllowed

logger = logging.getLogger(__name__)

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestCounter:
    """Thread-safe count of responses by (method, status)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts = Counter()

    def inc(self, method: str, status: int) -> None:
        # Bound label cardinality: odd methods collapse to "OTHER".
        label = method if method in KNOWN_METHODS else "OTHER"
        with self._lock:
            self._counts[(label, int(status))] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


REQUESTS = RequestCounter()


def _plain(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    """Liveness: the process answers. Never touches the database."""
    return _plain("ok\n")


def static_manifest_problem() -> str | None:
    """Say why hashed static URLs cannot be built, or None when they can.

    ManifestStaticFilesStorage reads STATIC_ROOT/staticfiles.json, written by
    ``collectstatic``; without it every page render fails. The app container
    must therefore mount the same /static volume the init container fills.
    """
    if settings.DEBUG or not hasattr(staticfiles_storage, "manifest_name"):
        return None
    if not staticfiles_storage.hashed_files:
        return (
            f"static files manifest {staticfiles_storage.manifest_name} missing or empty "
            f"in STATIC_ROOT={settings.STATIC_ROOT}; run collectstatic"
        )
    return None


def readyz(request):
    """Readiness: the database answers ``SELECT 1`` and static URLs resolve."""
    problem = static_manifest_problem()
    if problem:
        logger.warning("readiness check failed: %s", problem)
        return _plain("static files manifest missing\n", status=503)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("readiness check failed: %s", exc)
        # Drop the broken connection so the next check reconnects.
        connection.close()
        return _plain("database unavailable\n", status=503)
    return _plain("ok\n")


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render_metrics() -> str:
    from todo.models import Todo

    lines = [
        "# HELP todo_http_requests_total HTTP responses from this process by method and status.",
        "# TYPE todo_http_requests_total counter",
    ]
    for (method, status), count in sorted(REQUESTS.snapshot().items()):
        lines.append(
            f'todo_http_requests_total{{method="{_escape_label(method)}",'
            f'status="{status}"}} {count}'
        )

    try:
        items = Todo.objects.count()
        done = Todo.objects.filter(is_done=True).count()
        db_up = 1
    except DatabaseError as exc:
        logger.warning("metrics: database query failed: %s", exc)
        connection.close()
        items = done = None
        db_up = 0

    lines += [
        "# HELP todo_database_up Whether the last metrics scrape could query the database.",
        "# TYPE todo_database_up gauge",
        f"todo_database_up {db_up}",
    ]
    if items is not None:
        lines += [
            "# HELP todo_items Todo items stored.",
            "# TYPE todo_items gauge",
            f"todo_items {items}",
            "# HELP todo_items_done Todo items marked done.",
            "# TYPE todo_items_done gauge",
            f"todo_items_done {done}",
        ]
    return "\n".join(lines) + "\n"


def metrics(request):
    response = HttpResponse(render_metrics(), content_type=PROMETHEUS_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


ENDPOINTS = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics,
}


class HealthAndMetricsMiddleware:
    """Serves ENDPOINTS directly and counts every response by method/status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is None:
            response = self.get_response(request)
        elif request.method in ("GET", "HEAD"):
            response = endpoint(request)
        else:
            response = HttpResponseNotAllowed(["GET", "HEAD"])
        REQUESTS.inc(request.method, response.status_code)
        return response
