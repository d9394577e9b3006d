"""A service's deletion endpoint on a loopback port, over TLS (the project sends to https
only): a certificate made for the test, trusted through ``SORTANT_CA``, and loopback
exempted from the public-address rule through ``SORTANT_RESEAUX_PERMIS``."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from catalogue import suppression


def certificat(dossier) -> tuple[str, str]:
    """A self-signed certificate for localhost and 127.0.0.1: (cert file, key file)."""
    cle = ec.generate_private_key(ec.SECP256R1())
    nom = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    maintenant = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(nom)
        .issuer_name(nom)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - datetime.timedelta(days=1))
        .not_valid_after(maintenant + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(cle, hashes.SHA256())
    )
    fichier_cert, fichier_cle = dossier / "recepteur.pem", dossier / "recepteur.key"
    fichier_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    fichier_cle.write_bytes(
        cle.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(fichier_cert), str(fichier_cle)


class Recepteur(BaseHTTPRequestHandler):
    reponses: list[int] = []
    recus: list[tuple[str, bytes]] = []
    redirection = ""  # the Location of a 3xx answer

    def do_POST(self):  # noqa: N802 (http.server's name)
        corps = self.rfile.read(int(self.headers["Content-Length"]))
        self.recus.append((self.headers.get(suppression.EN_TETE, ""), corps))
        statut = self.reponses.pop(0) if self.reponses else 200
        self.send_response(statut)
        if 300 <= statut < 400:
            self.send_header("Location", self.redirection)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def demarrer(dossier, settings):
    """Start the receiver; returns (server, its https URL). Settings trust it for the test."""
    cert, cle = certificat(dossier)
    serveur = HTTPServer(("127.0.0.1", 0), Recepteur)
    contexte = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    contexte.load_cert_chain(cert, cle)
    serveur.socket = contexte.wrap_socket(serveur.socket, server_side=True)
    settings.SORTANT_CA = cert
    settings.SORTANT_RESEAUX_PERMIS = ["127.0.0.1/32"]
    Recepteur.reponses, Recepteur.recus, Recepteur.redirection = [], [], ""
    threading.Thread(target=serveur.serve_forever, daemon=True).start()
    return serveur, f"https://127.0.0.1:{serveur.server_port}/suppression"
