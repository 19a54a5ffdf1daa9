#!/usr/bin/env bash
# Usage: with-postgres.sh [--tls] CMD [ARGS...]
#
# Runs CMD against a throwaway PostgreSQL cluster: initdb in a temp dir,
# postgres listening only on a unix socket in that dir (no TCP port), one
# database created, DB_HOST/DB_PORT/DB_NAME/DB_USERNAME/DB_PASSWORD exported.
# The cluster is always stopped and the temp dir removed, whatever CMD does.
# As root (CI), initdb/pg_ctl run as the "postgres" system user.
#
# --tls: also listen on 127.0.0.1, TLS only, with a server certificate for the
# name "localhost" (not for the address 127.0.0.1) signed by a CA made here with
# openssl; exports DB_TLS_HOST=localhost, DB_TLS_PORT and DB_TLS_CA (the CA
# certificate), which todo/tests/test_database_tls.py connects with.
set -euo pipefail

tls=0
if [[ "${1:-}" == "--tls" ]]; then
  tls=1
  shift
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 [--tls] CMD [ARGS...]" >&2
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

port=5432
listen=""
if [[ $tls == 1 ]]; then
  tls_dir="$tmp/tls"
  mkdir "$tls_dir"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  { openssl req -x509 "${ec[@]}" -keyout "$tls_dir/ca.key" -out "$tls_dir/ca.crt" -days 1 \
      -subj "/CN=with-postgres test CA" &&
    openssl req -new "${ec[@]}" -keyout "$tls_dir/server.key" -out "$tls_dir/server.csr" \
      -subj "/CN=localhost" &&
    openssl x509 -req -in "$tls_dir/server.csr" -CA "$tls_dir/ca.crt" -CAkey "$tls_dir/ca.key" \
      -CAcreateserial -days 1 -out "$tls_dir/server.crt" \
      -extfile <(printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n'); } \
    >"$tls_dir/openssl.log" 2>&1 || {
    cat "$tls_dir/openssl.log" >&2
    exit 1
  }
  chmod 600 "$tls_dir/server.key"
  if [[ ${#as_pg[@]} -gt 0 ]]; then
    chown -R postgres:postgres "$tls_dir"
  fi
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  listen="127.0.0.1"
  # TCP only with TLS (the unix socket keeps initdb's trust).
  printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n' >"$data/pg_hba.conf"
  ssl_opts="-c ssl=on -c ssl_cert_file='$tls_dir/server.crt' -c ssl_key_file='$tls_dir/server.key'"
  export DB_TLS_HOST=localhost DB_TLS_PORT="$port" DB_TLS_CA="$tls_dir/ca.crt"
fi

started=1
if ! pg "$PG_BIN/pg_ctl" -D "$data" -l "$tmp/postgres.log" -w -t 60 \
  -o "-c listen_addresses='$listen' -c port=$port -c unix_socket_directories='$tmp' -c fsync=off -c full_page_writes=off ${ssl_opts:-}" \
  start >/dev/null; then
  cat "$tmp/postgres.log" >&2
  exit 1
fi

export DB_HOST="$tmp" DB_PORT="$port" DB_NAME=todo DB_USERNAME=postgres DB_PASSWORD=""
"$PG_BIN/createdb" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USERNAME" "$DB_NAME"

"$@"
