"""Fetches the CA bundle AWS publishes for RDS in one region, and checks it, for the image.

Usage: python fetch_rds_ca.py REGION DEST

Run by the Dockerfile's build stage (the pipeline passes its AWS_REGION as RDS_REGION). The bundle
holds the root and intermediate certificates of the RDS certificate authorities of that region
(AWS's "Certificate bundles for specific AWS Regions"); libpq verifies the database server's
certificate and host name against it (DB_SSLMODE=verify-full, DB_SSLROOTCERT).

Not pinned by hash: AWS adds certificates to the bundle when it introduces or rotates a CA, and a
pinned hash would break the build exactly then. Instead it is fetched over HTTPS (verified with
the base image's trust store) from AWS's host, every certificate in it must parse and be a CA, and
its sha256 and subjects are printed into the build log.
"""

import hashlib
import re
import ssl
import sys
import urllib.request
from pathlib import Path

REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
# The commercial partition's host; GovCloud and China publish their bundles elsewhere.
URL = "https://truststore.pki.rds.amazonaws.com/{region}/{region}-bundle.pem"
PEM_CERTIFICATE = re.compile(
    r"-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----"
)


class BundleError(Exception):
    pass


def bundle_url(region: str) -> str:
    if not REGION.fullmatch(region):
        raise BundleError(f"region {region!r} is not an AWS region name such as eu-west-1")
    if region.startswith(("us-gov-", "cn-")):
        raise BundleError(f"region {region!r}: GovCloud and China are not supported")
    return URL.format(region=region)


def check_bundle(pem: str) -> list[dict]:
    """The CA certificates of a PEM bundle; BundleError unless every certificate is a CA."""
    blocks = set(PEM_CERTIFICATE.findall(pem))
    if not blocks:
        raise BundleError("no PEM certificate in the bundle")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cadata=pem)
    except ssl.SSLError as e:
        raise BundleError(f"the bundle does not parse: {e}") from e
    stats = context.cert_store_stats()
    if stats["x509"] != len(blocks):
        raise BundleError(f"{len(blocks)} certificates in the bundle, {stats['x509']} loaded")
    if stats["x509_ca"] != stats["x509"]:
        raise BundleError(f"{stats['x509'] - stats['x509_ca']} certificates are not CAs")
    return context.get_ca_certs()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def describe(ca: dict) -> str:
    subject = ", ".join(f"{key}={value}" for rdn in ca["subject"] for key, value in rdn)
    return f"{subject} (until {ca['notAfter']})"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: fetch_rds_ca.py REGION DEST", file=sys.stderr)
        return 2
    region, dest = argv[1], Path(argv[2])
    try:
        url = bundle_url(region)
        body = fetch(url)
        cas = check_bundle(body.decode("ascii"))
    except (BundleError, OSError, UnicodeDecodeError) as e:
        print(f"fetch_rds_ca: {e}", file=sys.stderr)
        return 1
    dest.write_bytes(body)
    digest = hashlib.sha256(body).hexdigest()
    print(f"fetch_rds_ca: {url}: {len(cas)} CA certificates, sha256 {digest}")
    for ca in cas:
        print(f"  {describe(ca)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
