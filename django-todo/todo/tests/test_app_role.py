"""The app's runtime role (todo_site/app_role.sql), set up by ``manage.py prepare_database``.

``RdsLikeOwnerTests`` runs the command in a subprocess exactly as the migrate Job does, as an
owner like RDS's master user (LOGIN, CREATEROLE, CREATEDB, no superuser, owner of its database),
then connects as the app role and tries what the app may and may not do. ``CommandTests`` runs
the command in this process against the test database, for its refusals.
"""

import base64
import hashlib
import hmac
import os
import secrets
import subprocess
import sys
from io import StringIO
from unittest import mock

import psycopg
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import SimpleTestCase
from psycopg import errors, sql


def conninfo(**overrides) -> dict:
    """Connection parameters of the test run's own (superuser) connection, with overrides."""
    s = connection.settings_dict
    params = {"host": s["HOST"], "port": s["PORT"], "user": s["USER"], "dbname": s["NAME"]}
    return {**params, "password": s["PASSWORD"], "autocommit": True, **overrides}


def run(statement: sql.Composable | str, params: tuple = (), **overrides) -> list[tuple]:
    """Run one statement on a new connection; its rows."""
    with psycopg.connect(**conninfo(**overrides)) as conn:
        cursor = conn.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []


def scram_matches(verifier: str, password: str) -> bool:
    """Whether a SCRAM-SHA-256 verifier (RFC 5803, as pg_authid stores it) is for ``password``."""
    _, iterations_salt, keys = verifier.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = base64.b64decode(keys.split(":")[0])
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hashlib.sha256(client_key).digest() == stored_key


def drop_role(name: str) -> None:
    run(sql.SQL("DROP OWNED BY {0}; DROP ROLE {0}").format(sql.Identifier(name)))


class RdsLikeOwnerTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tag = secrets.token_hex(4)
        cls.owner, cls.app, cls.db = f"todo_owner_{tag}", f"todo_app_{tag}", f"todo_roles_{tag}"
        cls.owner_password = secrets.token_urlsafe(18)
        cls.app_password = secrets.token_urlsafe(18)
        owner, db = sql.Identifier(cls.owner), sql.Identifier(cls.db)
        run(
            sql.SQL("CREATE ROLE {} LOGIN CREATEROLE CREATEDB PASSWORD {}").format(
                owner, sql.Literal(cls.owner_password)
            )
        )
        cls.addClassCleanup(run, sql.SQL("DROP ROLE {}").format(owner))
        run(sql.SQL("CREATE DATABASE {} OWNER {}").format(db, owner))
        cls.addClassCleanup(run, sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(cls.app)))
        cls.addClassCleanup(run, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(db))
        cls.prepare(cls.app_password, check=True)

    @classmethod
    def prepare(cls, app_password: str, check: bool = False) -> subprocess.CompletedProcess:
        """``manage.py prepare_database`` as the migrate Job runs it, connected as the owner."""
        env = {
            **os.environ,
            "DB_NAME": cls.db,
            "DB_USERNAME": cls.owner,
            "DB_PASSWORD": cls.owner_password,
            "APP_DB_USERNAME": cls.app,
            "APP_DB_PASSWORD": app_password,
        }
        done = subprocess.run(
            [sys.executable, "manage.py", "prepare_database", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"prepare_database failed:\n{done.stdout}{done.stderr}")
        return done

    def as_app(
        self, statement: str, params: tuple = (), password: str | None = None
    ) -> list[tuple]:
        password = self.app_password if password is None else password
        return run(statement, params, dbname=self.db, user=self.app, password=password)

    def as_owner(self, statement: str, params: tuple = ()) -> list[tuple]:
        return run(statement, params, dbname=self.db, user=self.owner, password=self.owner_password)

    def privileges(self) -> list[tuple]:
        """Every ACL the command manages: tables, default privileges, the database."""
        return self.as_owner(
            "SELECT 'table ' || relname, relacl::text FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
            " UNION ALL SELECT 'default ' || defaclobjtype::text, defaclacl::text"
            " FROM pg_default_acl"
            " UNION ALL SELECT 'database', datacl::text FROM pg_database"
            " WHERE datname = current_database() ORDER BY 1"
        )

    def test_reads_and_writes_rows_of_the_app_tables(self):
        [(todo_id,)] = self.as_app(
            "INSERT INTO todo_todo (title, is_done) VALUES ('milk', false) RETURNING id"
        )
        self.as_app("UPDATE todo_todo SET is_done = true WHERE id = %s", (todo_id,))
        self.assertEqual(
            self.as_app("SELECT title, is_done FROM todo_todo WHERE id = %s", (todo_id,)),
            [("milk", True)],
        )
        self.as_app("DELETE FROM todo_todo WHERE id = %s", (todo_id,))
        self.assertEqual(self.as_app("SELECT id FROM todo_todo WHERE id = %s", (todo_id,)), [])

    def test_cannot_change_the_schema(self):
        for statement in [
            "CREATE TABLE todo_other (id int)",
            "CREATE TEMPORARY TABLE scratch (id int)",
            "CREATE SCHEMA todo_other",
            "CREATE INDEX ON todo_todo (title)",
            "ALTER TABLE todo_todo ADD COLUMN note text",
            "DROP TABLE todo_todo",
            "TRUNCATE todo_todo",
            "SELECT * FROM django_migrations",
            "DELETE FROM django_migrations",
        ]:
            with self.subTest(statement=statement):
                with self.assertRaises(errors.InsufficientPrivilege):
                    self.as_app(statement)

    def test_is_a_plain_login_role_that_owns_nothing(self):
        attributes = run(
            "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication,"
            " rolbypassrls FROM pg_roles WHERE rolname = %s",
            (self.app,),
        )
        self.assertEqual(attributes, [(True, False, False, False, False, False)])
        owned = self.as_owner(
            "SELECT relname FROM pg_class WHERE relowner = %s::regrole", (self.app,)
        )
        self.assertEqual(owned, [])

    def test_tables_a_later_migration_creates_are_covered(self):
        self.as_owner(
            "CREATE TABLE todo_later (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            " note text)"
        )
        self.addCleanup(self.as_owner, "DROP TABLE todo_later")
        self.as_app("INSERT INTO todo_later (note) VALUES ('x')")
        self.assertEqual(self.as_app("SELECT note FROM todo_later"), [("x",)])
        with self.assertRaises(errors.InsufficientPrivilege):
            self.as_app("DROP TABLE todo_later")

    def test_runs_again_without_change_and_rotates_the_password(self):
        def verifier() -> str:
            return run("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (self.app,))[0][0]

        before = self.privileges()
        self.assertTrue(scram_matches(verifier(), self.app_password))
        again = self.prepare(self.app_password)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(self.privileges(), before)

        old, new = self.app_password, secrets.token_urlsafe(18)
        rotated = self.prepare(new)
        self.assertEqual(rotated.returncode, 0, rotated.stderr)
        type(self).app_password = new
        self.assertTrue(scram_matches(verifier(), new))
        self.assertFalse(scram_matches(verifier(), old))
        self.assertEqual(self.as_app("SELECT current_user", password=new), [(self.app,)])
        self.assertEqual(self.privileges(), before)


@mock.patch.dict(os.environ, {"APP_DB_USERNAME": "", "APP_DB_PASSWORD": ""})
class CommandTests(SimpleTestCase):
    databases = {"default"}

    def prepare(self, role: str, password: str = "pw") -> str:
        out = StringIO()
        with mock.patch.dict(os.environ, {"APP_DB_USERNAME": role, "APP_DB_PASSWORD": password}):
            call_command("prepare_database", verbosity=0, stdout=out)
        return out.getvalue()

    def new_role(self, attributes: str = "LOGIN") -> str:
        name = f"todo_app_{secrets.token_hex(4)}"
        run(sql.SQL("CREATE ROLE {} " + attributes).format(sql.Identifier(name)))
        self.addCleanup(drop_role, name)
        return name

    def test_sets_up_the_role_on_the_migrated_database(self):
        name = f"todo_app_{secrets.token_hex(4)}"
        self.addCleanup(drop_role, name)
        self.assertIn(f"App role {name}", self.prepare(name))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_table_privilege(%s, 'todo_todo', 'INSERT'),"
                " has_table_privilege(%s, 'todo_todo', 'TRUNCATE')",
                [name, name],
            )
            self.assertEqual(cursor.fetchone(), (True, False))

    def test_refuses_a_role_with_more_than_login(self):
        for attributes in ["LOGIN CREATEDB", "LOGIN CREATEROLE"]:
            with self.subTest(attributes=attributes):
                with self.assertRaisesMessage(CommandError, "cannot be the app role"):
                    self.prepare(self.new_role(attributes))

    def test_refuses_a_role_that_inherits_privileges(self):
        name = self.new_role()
        run(sql.SQL("GRANT pg_read_all_data TO {}").format(sql.Identifier(name)))
        with self.assertRaisesMessage(CommandError, "is a member of pg_read_all_data"):
            self.prepare(name)

    def test_refuses_the_owner_as_app_role_before_connecting(self):
        owner = connection.settings_dict["USER"]
        with mock.patch.dict(os.environ, {"DB_USERNAME": owner}):
            with self.assertRaisesMessage(CommandError, "is DB_USERNAME, the schema owner"):
                self.prepare(owner)
