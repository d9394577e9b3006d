"""Requests the project sends to addresses others chose (a service's deletion endpoint):
https only, to public addresses only, checked twice.

- **At save** (``verifier_url``, a model validator, so forms and admin say it in French):
  the scheme is https, there are no credentials in the address, an address written as
  an IP must be public, and a name that only ever means this machine or its network
  (``localhost``, ``*.local``, ``*.internal``, a name without a dot, a short-hand IP
  such as ``127.1``…) is refused.
- **At send** (``poster``): the name is resolved, every address it resolves to must be
  public, and the connection goes to the address that was checked (TLS still verifies
  the certificate against the name), so a DNS answer changed between the check and the
  connection cannot point it elsewhere. Redirects are never followed. Refused: private,
  loopback, link-local, multicast, reserved, unspecified, shared (CGNAT), IPv6 unique
  local, and IPv4 addresses wrapped in IPv6 (mapped, 6to4, NAT64, Teredo) are judged by
  the IPv4 address inside.

``SORTANT_RESEAUX_PERMIS`` lists networks exempted from the public-address rule, for the
test suite's loopback receiver only; production leaves it empty. It never exempts from
https.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError

NOMS_LOCAUX = (
    "localhost",
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".intranet",
    ".lan",
    ".home",
    ".home.arpa",
    ".corp",
    ".private",
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
MESSAGE = "Seule une adresse https d'un serveur public est acceptée (ex. : https://service.fr/…)."


class AdresseRefusee(ValueError):
    """An address the project will not send to; the message is French."""


def _ipv4_dedans(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _permise(ip) -> bool:
    return any(ip in ipaddress.ip_network(r) for r in settings.SORTANT_RESEAUX_PERMIS)


def adresse_publique(valeur: str) -> bool:
    """Whether this IP address is one of the public Internet's (and only that)."""
    ip = ipaddress.ip_address(valeur.split("%", 1)[0])
    if _permise(ip):
        return True
    if ip.version == 6 and (dedans := _ipv4_dedans(ip)) is not None:
        ip = dedans
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _decouper(url: str):
    morceaux = urlsplit(url)
    hote = (morceaux.hostname or "").rstrip(".").lower()
    try:
        port = morceaux.port or 443
    except ValueError:
        raise AdresseRefusee(MESSAGE) from None
    if morceaux.scheme != "https" or not hote or morceaux.username or morceaux.password:
        raise AdresseRefusee(MESSAGE)
    return morceaux, hote, port


def _ip_ecrite(hote: str) -> bool:
    try:
        ipaddress.ip_address(hote)
    except ValueError:
        return False
    return True


def verifier_url(url: str) -> None:
    """Model validator: ValidationError (French) for an address never sent to."""
    try:
        _, hote, _ = _decouper(url)
        if _ip_ecrite(hote):
            if not adresse_publique(hote):
                raise AdresseRefusee(MESSAGE)
        elif (
            "." not in hote
            or hote.endswith(NOMS_LOCAUX)
            or hote in NOMS_LOCAUX
            or hote.rsplit(".", 1)[-1].isdigit()  # "127.1": an address in disguise
        ):
            raise AdresseRefusee(MESSAGE)
    except AdresseRefusee as erreur:
        raise ValidationError(str(erreur), code="adresse_refusee") from None


def _resoudre(hote: str, port: int) -> str:
    """The address to connect to: every address of the name must be public."""
    try:
        adresses = {info[4][0] for info in socket.getaddrinfo(hote, port, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError):
        raise AdresseRefusee("Nom du serveur introuvable.") from None
    if not adresses or not all(adresse_publique(a) for a in adresses):
        raise AdresseRefusee(MESSAGE)
    return sorted(adresses)[0]


def poster(url: str, *, contenu: bytes, en_tetes: dict, timeout: float) -> int:
    """POST ``contenu`` to ``url`` if it passes both checks; the HTTP status. Raises
    AdresseRefusee before any connection, or urllib3's errors."""
    morceaux, hote, port = _decouper(url)
    adresse = _resoudre(hote, port)
    pool = urllib3.HTTPSConnectionPool(
        adresse,
        port=port,
        server_hostname=hote,
        assert_hostname=hote,
        cert_reqs="CERT_REQUIRED",
        ca_certs=settings.SORTANT_CA or certifi.where(),
        timeout=urllib3.Timeout(total=timeout),
        retries=False,
        maxsize=1,
    )
    chemin = (morceaux.path or "/") + (f"?{morceaux.query}" if morceaux.query else "")
    with pool:
        reponse = pool.urlopen(
            "POST",
            chemin,
            body=contenu,
            redirect=False,
            retries=False,
            headers={**en_tetes, "Host": morceaux.netloc.rsplit("@", 1)[-1]},
        )
        return reponse.status
