"""Creates or updates the app's runtime database role (``app_role.sql``).

The migrate Job runs it as the schema owner through ``manage.py
prepare_database``; the running app then connects as that role.
"""

from pathlib import Path

import psycopg

SQL_FILE = Path(__file__).with_name("app_role.sql")


def ensure_app_role(conn: psycopg.Connection, role: str, password: str) -> None:
    """Run ``app_role.sql`` for ``role`` on ``conn`` (the owner's connection), atomically."""
    # libpq's PQencryptPasswordConn, as psql's \password uses: only the verifier is sent.
    verifier = conn.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    with conn.transaction():
        conn.execute(
            "SELECT set_config('todo.app_role', %s, true),"
            " set_config('todo.app_password', %s, true)",
            (role, verifier.decode()),
        )
        conn.execute(SQL_FILE.read_text(encoding="utf-8"))
