#!/usr/bin/env bash
# Full test run for django-todo, offline and from anywhere: scripts/check.sh (every check, the
# same the pipeline runs) against a throwaway PostgreSQL, with the venv from setup-venv.sh; and
# scripts/run.sh, the local run the README gives.
# Usage: bash django-todo/scripts/test.sh
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export CHROMIUM_PATH

begin=$SECONDS
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  echo "test.sh: $CHROMIUM_PATH not found; the browser tests need Debian's chromium (apt-get install -y chromium)" >&2
  exit 1
fi
if ! command -v node >/dev/null; then
  echo "test.sh: node not found; the browser tests need Node.js and playwright-core (npm ci at the repo root)" >&2
  exit 1
fi
bash "$APP_DIR/scripts/setup-venv.sh"
# The README's local run, from another folder: it must migrate its database before the command.
if ! plan="$(cd / && bash "$APP_DIR/scripts/run.sh" showmigrations todo 2>&1)" || ! grep -q '\[X\] 0001_initial' <<<"$plan"; then
  echo "test.sh: scripts/run.sh did not give a migrated database:" >&2
  echo "$plan" >&2
  exit 1
fi
echo "ok - scripts/run.sh runs manage.py commands on a migrated database, from any folder"
# --tls: a TLS listener too, for the verify-full tests (todo/tests/test_database_tls.py).
PATH="$APP_DIR/.venv/bin:$PATH" bash "$APP_DIR/scripts/with-postgres.sh" --tls bash "$APP_DIR/scripts/check.sh"
echo "test.sh: finished in $((SECONDS - begin))s"
