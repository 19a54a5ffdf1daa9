"""DB_SSLMODE=verify-full with DB_SSLROOTCERT, through settings, Django's backend and libpq.

Against the TLS listener of ``scripts/with-postgres.sh --tls`` (scripts/test.sh starts it): its
server certificate names "localhost" and is signed by a CA made for the run. A connection built
from ``env.database()`` must verify both the CA and the host name.
"""

import os
from pathlib import Path
from unittest import skipUnless

from django.db import OperationalError
from django.db.utils import ConnectionHandler
from django.test import SimpleTestCase

from todo_site import env

TLS_CA = os.environ.get("DB_TLS_CA", "")
# CAs that did not sign the server's certificate (see test_fetch_rds_ca.py).
OTHER_CAS = Path(__file__).with_name("fixtures") / "two-cas.pem"


@skipUnless(TLS_CA, "no TLS listener: run with scripts/with-postgres.sh --tls (scripts/test.sh)")
class VerifyFullTests(SimpleTestCase):
    # The connections below are the "default" alias of a handler of their own.
    databases = {"default"}

    def connect(self, **environ) -> bool:
        """Connect with settings from these variables; whether the session uses TLS."""
        settings_dict = env.database(
            {
                "DB_HOST": os.environ["DB_TLS_HOST"],
                "DB_PORT": os.environ["DB_TLS_PORT"],
                "DB_NAME": os.environ["DB_NAME"],
                "DB_USERNAME": os.environ["DB_USERNAME"],
                "DB_PASSWORD": os.environ.get("DB_PASSWORD", ""),
                "DB_SSLMODE": "verify-full",
                "DB_SSLROOTCERT": TLS_CA,
                **environ,
            }
        )
        connection = ConnectionHandler({"default": settings_dict})["default"]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                return cursor.fetchone()[0]
        finally:
            connection.close()

    def test_connects_with_the_ca_that_signed_the_server(self):
        self.assertIs(self.connect(), True)

    def test_refuses_a_server_signed_by_another_ca(self):
        with self.assertRaisesMessage(OperationalError, "certificate verify failed"):
            self.connect(DB_SSLROOTCERT=str(OTHER_CAS))
        # Without verification the same server is accepted: the refusal is the CA check.
        self.assertIs(self.connect(DB_SSLMODE="require", DB_SSLROOTCERT=""), True)

    def test_refuses_a_host_name_the_certificate_does_not_name(self):
        with self.assertRaisesMessage(OperationalError, 'does not match host name "127.0.0.1"'):
            self.connect(DB_HOST="127.0.0.1")
        # verify-ca checks the CA only: the same address passes, so full is what refused it.
        self.assertIs(self.connect(DB_HOST="127.0.0.1", DB_SSLMODE="verify-ca"), True)

    def test_the_server_takes_no_connection_without_tls(self):
        with self.assertRaises(OperationalError):
            self.connect(DB_SSLMODE="disable", DB_SSLROOTCERT="")
