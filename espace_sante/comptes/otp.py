"""Second factor: email code (default), TOTP application, static backup codes.

Every role must pass a second factor at every login. Each user gets an email
device on first login; a confirmed TOTP device becomes the preferred method.
"""

from __future__ import annotations

from base64 import b32encode
from datetime import timedelta
from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from espace_sante.comptes import roles, verrouillage
from espace_sante.comptes.enums import PorteeTentative
from espace_sante.comptes.models import CarnetSecours, CodeSecours
from espace_sante.journal.services import (
    journaliser_otp_appareil,
    journaliser_otp_echec,
    journaliser_otp_verifie,
    journaliser_verrouillage,
)

EMAIL, TOTP, SECOURS = "email", "totp", "secours"
LIBELLES = {
    EMAIL: "Code reçu par courriel",
    TOTP: "Application d'authentification",
    SECOURS: "Code de secours",
}
NB_CODES_SECOURS = 10


def appareil_email(user) -> EmailDevice:
    device = EmailDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = EmailDevice.objects.create(user=user, name="Courriel", confirmed=True)
    return device


def methodes(user) -> list[str]:
    """Methods available to this user, the preferred one first."""
    disponibles = []
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        disponibles.append(TOTP)
    disponibles.append(EMAIL)
    if CodeSecours.objects.filter(carnet__user=user, carnet__confirmed=True).exists():
        disponibles.append(SECOURS)
    return disponibles


def preparer_second_facteur(user, *, request) -> None:
    """Right after the password step: send the email code unless TOTP is preferred."""
    if methodes(user)[0] == EMAIL:
        envoyer_code_email(user, request=request)


def _limites_email(user, request) -> list[verrouillage.Limite]:
    quart = timedelta(minutes=15)
    return [
        verrouillage.Limite(
            f"user:{user.pk}",
            5,
            quart,
            "Cinq codes ont déjà été envoyés en un quart d'heure : utilisez le dernier reçu, "
            "ou patientez 15 minutes avant d'en redemander.",
        ),
        verrouillage.Limite(
            f"ip:{verrouillage.ip_de(request)}",
            30,
            quart,
            "Trop de codes ont été demandés depuis votre connexion : patientez 15 minutes.",
        ),
    ]


def envoyer_code_email(user, *, request) -> str | None:
    """Send a fresh code; else the reason nothing was sent (a cool-down, a limit)."""
    device = appareil_email(user)
    autorise, _ = device.generate_is_allowed()
    if not autorise:
        return "Un code vient d'être envoyé : patientez quelques secondes avant d'en redemander."
    refus = verrouillage.limite_envoi(
        portee=PorteeTentative.ENVOI_CODE_OTP, limites=_limites_email(user, request)
    )
    if refus is not None:
        return refus.message
    device.generate_challenge()
    if settings.DEBUG:
        # Development only: the console email is quoted-printable, hard to read.
        print(f"\n>>> Code de connexion pour {user.email} : {device.token}\n", flush=True)
    return None


def _appareils(user, methode: str):
    if methode == EMAIL:
        return [appareil_email(user)]
    if methode == TOTP:
        return list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if methode == SECOURS:
        return list(CarnetSecours.objects.filter(user=user, confirmed=True))
    return []


class Verrouille(Exception):
    pass


def verifier(request, *, methode: str, code: str) -> bool:
    """Check a code; on success mark the session verified (new session id)."""
    user = request.user
    ip = verrouillage.ip_de(request)
    if verrouillage.est_verrouille(portee=PorteeTentative.CODE_OTP, compte=str(user.pk), ip=ip):
        raise Verrouille
    code = "".join(code.split())
    for device in _appareils(user, methode):
        if code and device.verify_token(code):
            django_otp.login(request, device)
            request.session.cycle_key()
            journaliser_otp_verifie(
                user=user, role=roles.role_pour_journal(user), methode=methode, ip=ip
            )
            return True
    journaliser_otp_echec(user=user, role=roles.role_pour_journal(user), ip=ip)
    if verrouillage.enregistrer_echec(portee=PorteeTentative.CODE_OTP, compte=str(user.pk), ip=ip):
        journaliser_verrouillage(
            user=user,
            portee=PorteeTentative.CODE_OTP,
            motif="trop de codes erronés",
            ip=ip,
        )
        raise Verrouille
    return False


# --- Enrolment --------------------------------------------------------------------


def totp_en_attente(user) -> TOTPDevice:
    """The unconfirmed TOTP device being set up (created on demand)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Application", confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    tampon = BytesIO()
    image.save(tampon)
    return tampon.getvalue().decode()


def secret_lisible(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirmer_totp(user, *, code: str) -> bool:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token("".join(code.split())):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        journaliser_otp_appareil(user=user, role=roles.role_pour_journal(user), methode=TOTP)
    return True


def application(user) -> TOTPDevice | None:
    """The user's registered (confirmed) authentication application, if any: its dates
    (``created_at``, ``last_used_at``) are the status the security page shows."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def retirer_totp(user) -> bool:
    """Remove the user's application (and any half-done set-up); the login then asks for
    the email code. False when there was nothing to remove."""
    with transaction.atomic():
        retires, _ = TOTPDevice.objects.filter(user=user).delete()
        if retires:
            journaliser_otp_appareil(
                user=user, role=roles.role_pour_journal(user), methode=TOTP, retire=True
            )
    return bool(retires)


def generer_codes_secours(user) -> list[str]:
    """Replace the user's backup codes; the new codes are shown once, stored hashed."""
    with transaction.atomic():
        carnet, _ = CarnetSecours.objects.get_or_create(
            user=user, defaults={"name": "Codes de secours", "confirmed": True}
        )
        carnet.codes.all().delete()
        # django-otp's generator: 8 characters of base32 (40 bits), one use each.
        codes = [StaticToken.random_token() for _ in range(NB_CODES_SECOURS)]
        CodeSecours.objects.bulk_create(
            CodeSecours(carnet=carnet, empreinte=carnet.empreinte(c)) for c in codes
        )
        journaliser_otp_appareil(user=user, role=roles.role_pour_journal(user), methode=SECOURS)
    return codes
