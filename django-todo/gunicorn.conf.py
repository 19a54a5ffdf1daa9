"""gunicorn settings. The container's entrypoint is ``gunicorn -c gunicorn.conf.py``."""

import os

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
