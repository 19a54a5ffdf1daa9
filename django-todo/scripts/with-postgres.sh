#!/usr/bin/env bash
# Usage: with-postgres.sh CMD [ARGS...]
#
# Runs CMD against a throwaway PostgreSQL cluster: initdb in a temp dir,
# postgres listening only on a unix socket in that dir (no TCP port), one
# database created, DB_HOST/DB_PORT/DB_NAME/DB_USERNAME/DB_PASSWORD exported.
# The cluster is always stopped and the temp dir removed, whatever CMD does.
# As root (CI), initdb/pg_ctl run as the "postgres" system user.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

PG_BIN="${PG_BIN:-}"
if [[ -z "$PG_BIN" ]]; then
  # The newest installed version; an unmatched glob stays literal and fails the check below.
  PG_BIN="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi
if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" ]]; then
  echo "with-postgres: PostgreSQL server binaries not found (set PG_BIN or apt-get install postgresql)" >&2
  exit 2
fi

as_pg=()
if [[ "$(id -u)" == 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root but there is no 'postgres' user to run the server" >&2
    exit 2
  fi
  as_pg=(runuser -u postgres --)
fi
pg() { ${as_pg[@]+"${as_pg[@]}"} "$@"; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/todo-pg.XXXXXX")"
data="$tmp/data"
started=0

cleanup() {
  local rc=$?
  if [[ $started == 1 ]]; then
    pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      pg "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${#as_pg[@]} -gt 0 ]]; then
  chown postgres:postgres "$tmp"
fi

pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-sync >"$tmp/initdb.log" 2>&1 || {
  cat "$tmp/initdb.log" >&2
  exit 1
}

started=1
if ! pg "$PG_BIN/pg_ctl" -D "$data" -l "$tmp/postgres.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories='$tmp' -c fsync=off -c full_page_writes=off" \
  start >/dev/null; then
  cat "$tmp/postgres.log" >&2
  exit 1
fi

export DB_HOST="$tmp" DB_PORT=5432 DB_NAME=todo DB_USERNAME=postgres DB_PASSWORD=""
"$PG_BIN/createdb" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USERNAME" "$DB_NAME"

"$@"
