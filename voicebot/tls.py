"""A self-signed certificate for serving phones on the LAN over HTTPS (the mic needs it).

The private key is created with mode 0600 in the same call that creates the file (never
written first and narrowed after), in a 0700 folder.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import stat
from pathlib import Path


def self_signed(directory: Path, host: str, extra_names: tuple[str, ...] = ()) -> tuple[Path, Path]:
    """Create (once) and return (cert, key) for `host` (and `extra_names`, e.g. the LAN
    address a phone opens); browsers will ask to trust it."""
    cert_path, key_path = directory / "viva-cert.pem", directory / "viva-key.pem"
    if cert_path.is_file() and key_path.is_file():
        if stat.S_IMODE(key_path.stat().st_mode) & 0o077:
            key_path.chmod(0o600)  # an older Viva wrote it readable: tighten once
        return cert_path, key_path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    for name in dict.fromkeys((host, *extra_names)):
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            names.append(x509.DNSName(name))
            continue
        if not address.is_unspecified:
            names.append(x509.IPAddress(address))
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Viva (self-signed)")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    key_path.unlink(missing_ok=True)  # a half-made pair from an interrupted run
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path
