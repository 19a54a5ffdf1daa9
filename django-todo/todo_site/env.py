"""Parsing helpers for settings that come from environment variables.

Every helper takes the environment as a mapping so the rules can be unit
tested without touching ``os.environ``. Invalid values raise
``ImproperlyConfigured`` so a misconfigured pod fails at startup instead of
running with a surprising value.
"""

import os
import re
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

TRUE_STRINGS = frozenset({"true", "1", "yes", "on"})
FALSE_STRINGS = frozenset({"false", "0", "no", "off", ""})

# Only used when DEBUG is on and SECRET_KEY is unset (local development).
DEV_SECRET_KEY = "django-insecure-dev-only-key-do-not-use-in-production"


def parse_bool(raw: str | None, *, name: str, default: bool = False) -> bool:
    """Parse a boolean flag; ``None`` (unset) gives ``default``."""
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_STRINGS:
        return True
    if value in FALSE_STRINGS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of true/1/yes/on or false/0/no/off"
    )


def parse_int(raw: str | None, *, name: str, default: int) -> int:
    """Parse a positive integer; unset or blank gives ``default``."""
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if value <= 0:
        raise ImproperlyConfigured(f"{name}={raw!r} must be a positive integer")
    return value


def parse_list(raw: str | None) -> list[str]:
    """Split a comma-separated value, dropping blanks and surrounding spaces."""
    if not raw:
        return []
    return [item.strip() for item in raw.split(",") if item.strip()]


def debug_flag(environ: Mapping[str, str]) -> bool:
    return parse_bool(environ.get("DEBUG"), name="DEBUG", default=False)


def secret_key(environ: Mapping[str, str], *, debug: bool) -> str:
    key = environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if debug:
        return DEV_SECRET_KEY
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")


def hosts_and_origins(environ: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Return (ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS).

    Explicit ``ALLOWED_HOSTS`` / ``CSRF_TRUSTED_ORIGINS`` comma lists win.
    Each one left unset falls back to ``APP_HOST`` (the public host name the
    load balancer serves): ``[APP_HOST]`` and ``["https://APP_HOST"]``.
    """
    app_host = environ.get("APP_HOST", "").strip()
    if "://" in app_host or "/" in app_host:
        raise ImproperlyConfigured(
            f"APP_HOST={app_host!r} must be a bare host name, without scheme or path"
        )

    allowed = parse_list(environ.get("ALLOWED_HOSTS"))
    if not allowed and app_host:
        allowed = [app_host]

    origins = parse_list(environ.get("CSRF_TRUSTED_ORIGINS"))
    if not origins and app_host:
        origins = [f"https://{app_host}"]
    for origin in origins:
        if "://" not in origin:
            raise ImproperlyConfigured(
                f"CSRF_TRUSTED_ORIGINS entry {origin!r} needs a scheme, e.g. https://{origin}"
            )
    return allowed, origins


# libpq's sslmode values; the two verify modes need the CA that signed the server's certificate.
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
VERIFYING_SSLMODES = ("verify-ca", "verify-full")

# A role name the app role SQL accepts: PostgreSQL's unquoted identifiers, at most 63 bytes.
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def database(environ: Mapping[str, str]) -> dict:
    """Build the ``default`` DATABASES entry (PostgreSQL through psycopg 3).

    ``DB_HOST`` may be a host name or, for local tests, a unix socket directory.
    ``DB_SSLMODE`` and ``DB_SSLROOTCERT`` go to libpq as ``sslmode`` and
    ``sslrootcert``; a verifying mode without a readable CA file fails here,
    at startup, rather than at the first query.
    """
    config = {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": environ.get("DB_HOST", "localhost"),
        "PORT": parse_int(environ.get("DB_PORT"), name="DB_PORT", default=5432),
        "NAME": environ.get("DB_NAME", "todo"),
        "USER": environ.get("DB_USERNAME", "todo"),
        "PASSWORD": environ.get("DB_PASSWORD", ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        # Fail fast so /readyz reports 503 instead of hanging the probe.
        "OPTIONS": {"connect_timeout": 5},
    }
    sslmode = environ.get("DB_SSLMODE", "").strip()
    rootcert = environ.get("DB_SSLROOTCERT", "").strip()
    if sslmode and sslmode not in SSLMODES:
        raise ImproperlyConfigured(f"DB_SSLMODE={sslmode!r} is not one of {', '.join(SSLMODES)}")
    if sslmode in VERIFYING_SSLMODES:
        # "system" (libpq 16+) is the operating system's trust store, not a file.
        if not rootcert:
            raise ImproperlyConfigured(
                f"DB_SSLMODE={sslmode} needs DB_SSLROOTCERT, the CA bundle that signed the "
                "server's certificate"
            )
        if rootcert != "system" and not os.access(rootcert, os.R_OK):
            raise ImproperlyConfigured(f"DB_SSLROOTCERT={rootcert!r} is not a readable file")
    if sslmode:
        config["OPTIONS"]["sslmode"] = sslmode
    if rootcert:
        config["OPTIONS"]["sslrootcert"] = rootcert
    return config


def app_role(environ: Mapping[str, str]) -> tuple[str, str]:
    """Return (name, password) of the app's runtime role, which the schema owner creates.

    ``APP_DB_USERNAME`` and ``APP_DB_PASSWORD`` are read only by the migrate
    Job (``manage.py prepare_database``), which connects as the owner
    (``DB_USERNAME``); the app role must be a different role.
    """
    name = environ.get("APP_DB_USERNAME", "").strip()
    password = environ.get("APP_DB_PASSWORD", "")
    if not ROLE_NAME.fullmatch(name):
        raise ImproperlyConfigured(
            f"APP_DB_USERNAME={name!r} must be 1 to 63 lowercase letters, digits or _, "
            "not starting with a digit"
        )
    if not password.strip():
        raise ImproperlyConfigured("APP_DB_PASSWORD must be set")
    if name == environ.get("DB_USERNAME", "todo").strip():
        raise ImproperlyConfigured(
            f"APP_DB_USERNAME={name!r} is DB_USERNAME, the schema owner: the app needs a role "
            "of its own"
        )
    return name, password
