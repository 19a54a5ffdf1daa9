"""Settings for the todo site. Everything deployment-specific comes from env.

See README.md for the variables; parsing rules live in ``todo_site.env``.
"""

import os
from pathlib import Path

from todo_site import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.debug_flag(os.environ)
SECRET_KEY = env.secret_key(os.environ, debug=DEBUG)
ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS = env.hosts_and_origins(os.environ)

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "todo",
]

MIDDLEWARE = [
    # First: answers /healthz, /readyz and /metrics before host validation
    # (kubelet probes use the pod IP as Host) and counts every response.
    "todo_site.health.HealthAndMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "todo_site.urls"
WSGI_APPLICATION = "todo_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
            ],
        },
    },
]

DATABASES = {"default": env.database(os.environ)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", "/static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed file names, so nginx can serve /static/ with immutable caching.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

# TLS ends at the load balancer; nginx forwards its X-Forwarded-Proto as is.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
# Browsers keep to HTTPS for a year, on every host of the domain (the load balancers serve HTTPS
# only and redirect HTTP). Off with DEBUG, which runs on plain HTTP locally.
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
X_FRAME_OPTIONS = "DENY"

TEST_RUNNER = "todo_site.test_runner.TodoTestRunner"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
