import os

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from todo_site import env
from todo_site.app_role import ensure_app_role


class Command(BaseCommand):
    help = (
        "Apply migrations as the schema owner (DB_USERNAME), then create or update the app's "
        "runtime role APP_DB_USERNAME with password APP_DB_PASSWORD (todo_site/app_role.sql)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, verbosity, **options):
        try:
            role, password = env.app_role(os.environ)
        except ImproperlyConfigured as e:
            raise CommandError(str(e)) from e
        call_command("migrate", database=database, interactive=False, verbosity=verbosity)
        connection = connections[database]
        connection.ensure_connection()
        try:
            ensure_app_role(connection.connection, role, password)
        except psycopg.Error as e:
            raise CommandError(f"app role {role!r}: {e}") from e
        self.stdout.write(f"App role {role}: rows of the app's tables only; password set.")
