"""Health, readiness and Prometheus metrics, served by the first middleware.

Kubelet probes, the load balancer's health check and Prometheus reach gunicorn on the pod IP,
whose Host header is not in ALLOWED_HOSTS. Answering these paths here, before any middleware or
view calls ``request.get_host()``, keeps them independent of host validation. The nginx sidecar
does not pass them on from the public host (nginx/default.conf).
"""

import logging
import time

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseNotAllowed

from todo_site import metrics as prometheus

logger = logging.getLogger(__name__)

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


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


def metrics(request):
    response = HttpResponse(prometheus.exposition(), content_type=PROMETHEUS_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


ENDPOINTS = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics,
}


class HealthAndMetricsMiddleware:
    """Serves ENDPOINTS directly and counts and times every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is None:
            response = self.get_response(request)
        elif request.method in ("GET", "HEAD"):
            response = endpoint(request)
        else:
            response = HttpResponseNotAllowed(["GET", "HEAD"])
        prometheus.observe(request.method, response.status_code, time.perf_counter() - started)
        return response
