#!/usr/bin/env bash
# The pipeline's Test stage (Jenkinsfile), in the agent's `python` container, which runs as root:
# gets what scripts/check.sh needs, waits for the postgres sidecar, runs check.sh, and hands the
# files it wrote back to the workspace's owner.
#
# Environment: WORKSPACE, APP_PATH (the app's folder in it), DB_* (the sidecar), COVERAGE_XML.
# Installs, when missing: chromium, nodejs and npm (Debian packages), a virtualenv with
# requirements-dev.txt in hash-checking mode (/tmp/venv), and playwright-core at the version of the
# repository's package-lock.json (/tmp/browser-deps, linked from tests-browser/node_modules).
set -euo pipefail

APP_DIR="$WORKSPACE/$APP_PATH"
owner="$(stat -c %u:%g "$WORKSPACE")"
give_back() {
  rm -f "$APP_DIR/tests-browser/node_modules"
  # Files written as root in the shared workspace would be left to the jnlp container (uid 1000).
  chown -R "$owner" "$APP_DIR"
}
trap give_back EXIT

export PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [[ ${#need[@]} -gt 0 ]]; then
  echo "ci-test: installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

python -m venv /tmp/venv
/tmp/venv/bin/pip install --quiet --require-hashes --only-binary=:all: -r "$APP_DIR/requirements-dev.txt"

version="$(node -p "require('$WORKSPACE/package-lock.json').packages['node_modules/playwright-core'].version")"
npm install --prefix /tmp/browser-deps --no-save --no-package-lock --no-audit --no-fund \
  "playwright-core@$version" >/dev/null
ln -sfn /tmp/browser-deps/node_modules "$APP_DIR/tests-browser/node_modules"

/tmp/venv/bin/python - <<'PY'
import os, time, psycopg
deadline = time.monotonic() + 60
while True:
    try:
        psycopg.connect(host=os.environ["DB_HOST"], port=os.environ["DB_PORT"],
                        user=os.environ["DB_USERNAME"], dbname=os.environ["DB_NAME"],
                        connect_timeout=3).close()
        break
    except psycopg.OperationalError as exc:
        if time.monotonic() > deadline:
            raise SystemExit(f"postgres sidecar not reachable: {exc}")
        time.sleep(1)
PY

CHROMIUM_PATH="$(command -v chromium)" PATH="/tmp/venv/bin:$PATH" bash "$APP_DIR/scripts/check.sh"
