#!/usr/bin/env bash
# Every check of django-todo, in one place: scripts/test.sh runs it locally against a throwaway
# PostgreSQL, the Jenkinsfile's Test stage against its postgres sidecar.
#   lint and format -> migrations committed -> migrate -> Django tests under coverage ->
#   collectstatic manifest -> browser tests (gunicorn with 2 workers + headless Chromium)
#
# Needs: DB_* pointing at a PostgreSQL where the user may create databases and roles (the app
# role tests make their own owner, app role and database, and drop them); python, ruff, coverage
# and gunicorn from requirements-dev.txt first on PATH; node with the repository's playwright-core;
# chromium at CHROMIUM_PATH (default /usr/bin/chromium).
# DB_TLS_HOST, DB_TLS_PORT, DB_TLS_CA (with-postgres.sh --tls; not in the pipeline, whose sidecar
# has no TLS): a TLS listener for the verify-full tests, which are skipped without it.
# COVERAGE_XML: where the coverage report goes (default: a temporary file, removed at the end).
# Last line: "django-todo: N passed, 0 failed".
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$APP_DIR"
export PYTHONDONTWRITEBYTECODE=1 DJANGO_SETTINGS_MODULE=todo_site.settings DEBUG=false
SECRET_KEY="test-only-$(python -c 'import secrets; print(secrets.token_hex(24))')"
export SECRET_KEY
unset ALLOWED_HOSTS CSRF_TRUSTED_ORIGINS APP_HOST DB_SSLMODE DB_SSLROOTCERT PROMETHEUS_MULTIPROC_DIR
unset APP_DB_USERNAME APP_DB_PASSWORD

work="$(mktemp -d "${TMPDIR:-/tmp}/todo-check.XXXXXX")"
export COVERAGE_FILE="$work/.coverage"
coverage_xml="${COVERAGE_XML:-$work/coverage.xml}"
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  local rc=$?
  stop_server
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== ruff"
ruff check .
ruff format --check .

echo "== migrations are committed"
python manage.py makemigrations --check --dry-run

echo "== migrate"
python manage.py migrate --noinput

echo "== django tests (coverage)"
coverage run manage.py test --noinput 2>&1 | tee "$work/django.log"
django_count="$(sed -n 's/^Ran \([0-9]\+\) tests\? in .*/\1/p' "$work/django.log" | tail -n 1)"
coverage xml -q -o "$coverage_xml"
echo "coverage: $(coverage report --format=total)% of lines and branches"

echo "== collectstatic (hashed names for nginx)"
STATIC_ROOT="$work/static" python manage.py collectstatic --noinput -v 0
python - "$work/static/staticfiles.json" <<'PY'
import json, sys
paths = json.load(open(sys.argv[1]))["paths"]
for name in ("todo/htmx.min.js", "todo/app.js", "todo/style.css"):
    assert name in paths and paths[name] != name, f"{name} was not hashed: {paths.get(name)}"
print("collectstatic: manifest ok")
PY

echo "== browser tests"
port="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
# DEBUG on so Django serves /static/ itself (no nginx here). Two workers, as in the image, so the
# metrics check sees requests answered by different processes. Threads: Chromium opens speculative
# connections and sends nothing on them; a plain sync worker would sit on one until its timeout.
DEBUG=true ALLOWED_HOSTS=127.0.0.1 PROMETHEUS_MULTIPROC_DIR="$work/metrics" \
  gunicorn --config gunicorn.conf.py --bind "127.0.0.1:$port" --workers 2 --threads 4 \
  >"$work/gunicorn.log" 2>&1 &
server_pid=$!
python - "http://127.0.0.1:$port/readyz" <<'PY' || { cat "$work/gunicorn.log" >&2; exit 1; }
import sys, time, urllib.request
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("gunicorn did not become ready within 30s")
    time.sleep(0.2)
PY
node tests-browser/run.mjs "http://127.0.0.1:$port/" | tee "$work/browser.log" || {
  echo "--- gunicorn log ---" >&2
  cat "$work/gunicorn.log" >&2
  exit 1
}
stop_server
browser_count="$(sed -n 's/^\([0-9]\+\) passed, 0 failed$/\1/p' "$work/browser.log" | tail -n 1)"

echo "django tests: ${django_count:-?}, browser checks: ${browser_count:-?}"
echo "django-todo: $(( ${django_count:-0} + ${browser_count:-0} )) passed, 0 failed"
