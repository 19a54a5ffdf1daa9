#!/usr/bin/env bash
# Create django-todo/.venv (if missing) and install requirements-dev.txt.
# Quick no-op when the venv already matches the requirements files.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$APP_DIR/.venv"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.requirements.sha256"

want="$(cat "$APP_DIR/requirements.txt" "$APP_DIR/requirements-dev.txt" | sha256sum | cut -d' ' -f1)"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "setup-venv: creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi

echo "setup-venv: installing requirements"
rm -f "$STAMP"
# Where only a local mirror is reachable, pip would retry the default index
# for every package; one try is enough (override with PIP_RETRIES).
# Hash-checking mode, as in the image build: every wheel must match requirements*.txt.
PIP_RETRIES="${PIP_RETRIES:-0}" "$VENV/bin/python" -m pip install --quiet \
  --require-hashes --only-binary=:all: -r "$APP_DIR/requirements-dev.txt"
echo "$want" >"$STAMP"
