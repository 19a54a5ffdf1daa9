#!/usr/bin/env bash
# Runs django-todo on this machine in one command, from any folder:
#   bash django-todo/scripts/run.sh            the app at http://127.0.0.1:8000/ (runserver, DEBUG on)
#   bash django-todo/scripts/run.sh shell      a Django shell
#   bash django-todo/scripts/run.sh CMD ARGS   any manage.py command
# It creates the venv if needed (setup-venv.sh), starts a throwaway PostgreSQL (with-postgres.sh),
# applies the migrations, then runs the command. The database lives as long as the command does:
# stopping it (Ctrl-C) stops PostgreSQL and deletes the data.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ "${1:-}" != "--inside-postgres" ]]; then
  bash "$APP_DIR/scripts/setup-venv.sh"
  exec bash "$APP_DIR/scripts/with-postgres.sh" bash "$APP_DIR/scripts/run.sh" --inside-postgres "$@"
fi
shift

cd "$APP_DIR"
export PATH="$APP_DIR/.venv/bin:$PATH" DJANGO_SETTINGS_MODULE=todo_site.settings
export DEBUG="${DEBUG:-true}" ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
python manage.py migrate --noinput -v 0
if [[ $# -eq 0 ]]; then
  set -- runserver 127.0.0.1:8000
fi
exec python manage.py "$@"
