"""scripts/fetch_rds_ca.py, which puts the RDS CA bundle into the image, without the network.

Fixtures (certificates only, their keys were thrown away), made with openssl:
``two-cas.pem``, two self-signed P-256 CAs (``openssl req -x509``); ``leaf.pem``, a certificate
signed by the first with ``basicConstraints=CA:FALSE``. Valid for 100 years.
"""

import hashlib
import importlib.util
import tempfile
import urllib.error
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import SimpleTestCase

FIXTURES = Path(__file__).with_name("fixtures")
TWO_CAS = (FIXTURES / "two-cas.pem").read_text()
LEAF = (FIXTURES / "leaf.pem").read_text()

_spec = importlib.util.spec_from_file_location(
    "fetch_rds_ca", Path(settings.BASE_DIR, "scripts", "fetch_rds_ca.py")
)
fetch_rds_ca = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fetch_rds_ca)


class BundleUrlTests(SimpleTestCase):
    def test_regional_bundle_on_aws_host(self):
        self.assertEqual(
            fetch_rds_ca.bundle_url("eu-west-1"),
            "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem",
        )
        self.assertEqual(
            fetch_rds_ca.bundle_url("ap-southeast-4"),
            "https://truststore.pki.rds.amazonaws.com/ap-southeast-4/ap-southeast-4-bundle.pem",
        )

    def test_refuses_what_is_not_a_commercial_region(self):
        for region in ["", "EU-WEST-1", "eu-west", "eu-west-1/../x", "global", "us-gov-west-1"]:
            with self.subTest(region=region):
                with self.assertRaises(fetch_rds_ca.BundleError):
                    fetch_rds_ca.bundle_url(region)


class CheckBundleTests(SimpleTestCase):
    def test_every_certificate_a_ca(self):
        cas = fetch_rds_ca.check_bundle(TWO_CAS)
        self.assertEqual(
            [fetch_rds_ca.describe(ca).split(" (")[0] for ca in cas],
            ["commonName=Test Root CA A", "commonName=Test Root CA B"],
        )

    def test_refuses_a_certificate_that_is_not_a_ca(self):
        with self.assertRaisesMessage(fetch_rds_ca.BundleError, "1 certificates are not CAs"):
            fetch_rds_ca.check_bundle(TWO_CAS + LEAF)

    def test_refuses_what_is_not_a_bundle(self):
        for text, message in [
            ("", "no PEM certificate"),
            ("<html>Access Denied</html>", "no PEM certificate"),
            (TWO_CAS.replace("MII", "MIX", 1), "does not parse"),
        ]:
            with self.subTest(text=text[:30]):
                with self.assertRaisesMessage(fetch_rds_ca.BundleError, message):
                    fetch_rds_ca.check_bundle(text)


class MainTests(SimpleTestCase):
    def main(self, *argv: str, body: bytes | Exception = b"") -> tuple[int, str, str]:
        out, err = StringIO(), StringIO()
        fetch = mock.patch.object(fetch_rds_ca, "fetch", side_effect=[body])
        with fetch as fake, redirect_stdout(out), redirect_stderr(err):
            code = fetch_rds_ca.main(["fetch_rds_ca.py", *argv])
        self.calls = [c.args for c in fake.call_args_list]
        return code, out.getvalue(), err.getvalue()

    def test_writes_the_checked_bundle_and_logs_its_hash(self):
        with tempfile.TemporaryDirectory() as work:
            dest = Path(work, "ca.pem")
            code, out, _ = self.main("us-east-1", str(dest), body=TWO_CAS.encode())
            self.assertEqual(code, 0)
            self.assertEqual(dest.read_text(), TWO_CAS)
        self.assertEqual(
            self.calls,
            [("https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem",)],
        )
        self.assertIn(
            f"2 CA certificates, sha256 {hashlib.sha256(TWO_CAS.encode()).hexdigest()}", out
        )

    def test_writes_nothing_on_failure(self):
        failures = [
            (b"<html>Access Denied</html>", "no PEM certificate"),
            (urllib.error.URLError("timed out"), "timed out"),
        ]
        for body, message in failures:
            with self.subTest(message=message), tempfile.TemporaryDirectory() as work:
                dest = Path(work, "ca.pem")
                code, _, err = self.main("us-east-1", str(dest), body=body)
                self.assertEqual((code, dest.exists()), (1, False))
                self.assertIn(message, err)

    def test_usage(self):
        self.assertEqual(self.main("us-east-1")[0], 2)
