"""gunicorn settings. The container's entrypoint is ``gunicorn -c gunicorn.conf.py``."""

import os
from pathlib import Path

from prometheus_client import multiprocess

wsgi_app = "todo_site.wsgi:application"
bind = "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# More than one thread switches to the gthread worker.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20

# Logs to stdout/stderr for the cluster's log shipper.
accesslog = "-"
errorlog = "-"

# The root filesystem is read-only; /tmp is an emptyDir.
worker_tmp_dir = "/tmp"
# gunicorn >= 24 opens a control socket under $HOME by default; not wanted here.
control_socket_disable = True


def on_starting(server):
    """Empty the metrics directory before any worker starts.

    prometheus_client's multiprocess mode (todo_site/metrics.py) needs PROMETHEUS_MULTIPROC_DIR in
    the environment before it is imported, and the directory wiped between runs; files left by an
    earlier run (a container restart keeps the emptyDir) would be added to the new counters.
    """
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not path:
        raise RuntimeError(
            "PROMETHEUS_MULTIPROC_DIR is not set: without it every gunicorn worker counts its own"
            " requests and /metrics depends on which worker answers (the image sets"
            " /tmp/prometheus-multiproc)"
        )
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    # Keeps the dead worker's counters but drops its live-only gauge samples.
    multiprocess.mark_process_dead(worker.pid)
