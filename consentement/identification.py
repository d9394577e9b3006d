"""Identifying a person by their notice: NIR, birth date and, for acts, the notice's code.

Used without an account (opposition, activation, a new code) and by a mediator at a
desk (the notice's code as a proof of presence). The lock-out scheme is the one of
``espace_sante.comptes.verrouillage`` for public identifiers: per (NIR, address) and per
address a lock, per NIR only a growing wait, and the right birth date with a valid
notice code always goes through. Messages never say which part was wrong, so nobody
learns whether a NIR exists.
"""

from __future__ import annotations

from datetime import date, timedelta

from consentement import avis, cycle
from consentement.enums import MotifAvis
from espace_sante.comptes import verrouillage
from espace_sante.comptes.enums import PorteeTentative, Role
from espace_sante.comptes.models import Profil
from espace_sante.journal.enums import Action
from espace_sante.journal.services import journaliser_cycle
from espace_sante.lib import nir as nir_lib

PORTEE = PorteeTentative.ACTIVATION

MESSAGE_INCONNU = (
    "Ces informations ne correspondent à aucun avis en cours de validité. Vérifiez le numéro "
    "de sécurité sociale, la date de naissance et le code (il ne contient ni la lettre O ni "
    "la lettre I). Si votre code est perdu ou a expiré, demandez-en un nouveau."
)
MESSAGE_BLOQUE = (
    "Trop d'essais infructueux depuis votre connexion : par sécurité, les essais sont "
    "suspendus pendant 15 minutes. Le code personnel de votre avis, s'il est exact, reste "
    "accepté. Sinon, réessayez plus tard, ou faites-vous aider dans une France services."
)
MESSAGE_ATTENTE = (
    "Plusieurs essais infructueux ont été faits récemment avec ce numéro de sécurité "
    "sociale : patientez {duree} avant de réessayer. Le code personnel de votre avis, "
    "s'il est exact, est accepté sans attendre."
)


MESSAGE_DEMANDES = (
    "Trop de demandes de nouveau code depuis votre connexion : réessayez dans une heure, "
    "ou faites-vous aider dans une France services."
)


class Freine(cycle.ActionImpossible):
    """Refused by a lock-out or a wait, before anything was compared."""


def nir_hash_de(nir: str) -> str:
    return nir_lib.hacher(nir)


def message_frein(frein: verrouillage.Frein) -> str:
    if frein.bloque:
        return MESSAGE_BLOQUE
    duree = f"{frein.attente} seconde{'s' if frein.attente > 1 else ''}"
    return MESSAGE_ATTENTE.format(duree=duree)


def frein(identifiant: str, request) -> verrouillage.Frein:
    return verrouillage.frein_identification(
        portee=PORTEE, identifiant=identifiant, source=verrouillage.ip_de(request)
    )


def echouer(profil: Profil | None, identifiant: str, request) -> verrouillage.Frein:
    """Count a failure (journaled on the profile's chain when given); the brake it leaves."""
    ip = verrouillage.ip_de(request)
    if profil is not None and profil.donnees_supprimees_le is None:
        journaliser_cycle(
            action=Action.ACTIVATION_ECHEC, role=Role.ANONYME, profil=profil, details={"ip": ip}
        )
    return verrouillage.echec_identification(portee=PORTEE, identifiant=identifiant, source=ip)


def identifier(*, nir: str, date_naissance: date, code: str | None, request) -> Profil:
    """The profile matching NIR + birth date (+ notice code), or ActionImpossible.

    ``code=None`` (a request for a new code) identifies by NIR and birth date alone:
    every lock and wait applies. With a code, a valid one passes them all.
    """
    identifiant = nir_hash_de(nir)
    frein_actuel = frein(identifiant, request)
    profil = Profil.objects.filter(nir_hash=identifiant).first()
    personne = profil is not None and profil.date_naissance == date_naissance
    if code is not None and personne and cycle.code_valide(profil, code):
        if cycle.code_expire(profil):
            raise cycle.ActionImpossible(
                "Ce code a expiré. Demandez un nouveau code : il sera envoyé à l'adresse "
                "(courriel ou postale) connue de votre caisse."
            )
        return profil
    if frein_actuel.actif:
        raise Freine(message_frein(frein_actuel))
    if personne and code is None:
        return profil
    if echouer(profil, identifiant, request).bloque:
        raise Freine(MESSAGE_BLOQUE)
    raise cycle.ActionImpossible(MESSAGE_INCONNU)


def demander_nouveau_code(*, nir: str, date_naissance: date, request) -> None:
    """Send a fresh notice code to the address on file if NIR and birth date match.

    Silent either way (the page answers the same); raises ``Freine`` only for refusals
    that do not depend on the NIR existing: a lock, a wait, 10 requests an hour from one
    address. A profile gets 3 new codes a day at most: beyond, nothing is sent (the page
    says so), so strangers who know a NIR and a birth date cannot flood the person.
    """
    source = verrouillage.Limite(
        f"ip:{verrouillage.ip_de(request)}", 10, timedelta(hours=1), MESSAGE_DEMANDES
    )
    portee = PorteeTentative.ENVOI_NOUVEAU_CODE
    if verrouillage.limite_envoi(portee=portee, limites=[source]) is not None:
        raise Freine(MESSAGE_DEMANDES)
    try:
        profil = identifier(nir=nir, date_naissance=date_naissance, code=None, request=request)
    except Freine:
        raise
    except cycle.ActionImpossible:
        return
    if profil.statut not in avis.STATUTS_AVISABLES or profil.est_mineur():
        return
    cible = verrouillage.Limite(f"profil:{profil.pk}", 3, timedelta(hours=24), "")
    if verrouillage.limite_envoi(portee=portee, limites=[cible]) is None:
        avis.avis_emettre(profil, MotifAvis.RENOUVELLEMENT)
