"""France services accompagnements: a mediator acts for a person present at the desk.

Opening one takes the person's NIR and birth date, then a proof of presence: a
one-time code sent to their email on file, or the code of their notice. It lasts 30
minutes at most and allows only the acts of the policy (``acces.mediation.ACTES``); each
is journaled as "mediator X for person Y" on the person's chain.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from consentement import acces, journal
from consentement.enums import StatutAccompagnement
from consentement.models import Accompagnement
from consentement.services import cycle, identification
from espace_sante.comptes import verrouillage
from espace_sante.comptes.enums import PorteeTentative
from espace_sante.comptes.models import Mediateur, Profil
from espace_sante.lib.crypto import keyed_hash
from espace_sante.notifications.models import Canal
from espace_sante.notifications.services import Destination, notifier

DUREE = timedelta(minutes=30)
VALIDITE_CODE_PRESENCE = timedelta(minutes=10)
SESSION = "accompagnement"


def _hash_presence(acc: Accompagnement, code: str) -> str:
    return keyed_hash("presence", f"{acc.public_id}:{code}")


def accompagnement_commencer(
    *, mediateur: Mediateur, nir: str, date_naissance, source: str
) -> Accompagnement:
    """Find the person's profile; the accompagnement waits for the proof of presence."""
    ip = source
    compte = f"mediateur:{mediateur.pk}"
    portee = PorteeTentative.RECHERCHE_NIR
    if verrouillage.est_verrouille(portee=portee, compte=compte, ip=ip):
        raise cycle.ActionImpossible(identification.MESSAGE_BLOQUE)
    profil = Profil.objects.filter(
        acces.q_accompagnables(),
        nir_hash=identification.nir_hash_de(nir),
        date_naissance=date_naissance,
    ).first()
    if profil is None:
        verrouillage.enregistrer_echec(portee=portee, compte=compte, ip=ip)
        raise cycle.ActionImpossible(
            "Aucun profil ne correspond à ce numéro de sécurité sociale et à cette date de "
            "naissance. Vérifiez-les sur la carte Vitale ou l'attestation de la personne."
        )
    return Accompagnement.objects.create(mediateur=mediateur, profil=profil)


def _limites_presence(acc: Accompagnement) -> list[verrouillage.Limite]:
    profil, mediateur = f"profil:{acc.profil_id}", f"mediateur:{acc.mediateur_id}"
    return [
        verrouillage.Limite(
            profil,
            1,
            timedelta(minutes=1),
            "Un code vient d'être envoyé à cette personne : attendez une minute avant d'en "
            "renvoyer un (chaque code reste valable 10 minutes).",
        ),
        verrouillage.Limite(
            profil,
            5,
            timedelta(hours=1),
            "Cinq codes ont déjà été envoyés à cette personne dans l'heure : utilisez le code "
            "de son avis, ou réessayez plus tard.",
        ),
        verrouillage.Limite(
            mediateur,
            30,
            timedelta(hours=1),
            "Vous avez envoyé trente codes de présence dans l'heure : réessayez plus tard.",
        ),
    ]


def code_presence_envoyer(*, accompagnement: Accompagnement) -> str | None:
    """A 6-digit code to the person's email on file; else the reason nothing was sent.

    Limited per person (one a minute, five an hour) and per mediator: a code is an
    email in someone's inbox, and a mediator's button must not become a mail bomb.
    """
    acc = accompagnement
    email = acc.profil.email_contact
    if not email or acc.statut != StatutAccompagnement.PRESENCE:
        return "Aucune adresse électronique n'est connue pour cette personne."
    refus = verrouillage.limite_envoi(
        portee=PorteeTentative.ENVOI_PRESENCE, limites=_limites_presence(acc)
    )
    if refus is not None:
        return refus.message
    code = f"{secrets.randbelow(10**6):06d}"
    acc.code_presence_hash = _hash_presence(acc, code)
    acc.code_presence_expire_le = timezone.now() + VALIDITE_CODE_PRESENCE
    acc.save(update_fields=["code_presence_hash", "code_presence_expire_le"])
    # Through notifier: a row first, sent by Celery (no mail server inside the request);
    # to the address on file, by email (the mediator told the person where to look).
    notifier(
        profil=acc.profil,
        motif="presence",
        cle=f"presence:{acc.public_id}:{code}",
        gabarit="consentement/notifications/code_presence",
        contexte={"code": code, "site": acc.mediateur.site_france_services},
        a=[Destination(Canal.EMAIL, email, acc.profil)],
        secret=True,
    )
    return None


def _preuve(acc: Accompagnement, code: str, source: str) -> str:
    """Which proof the code is ("" if none); a valid notice code passes every brake."""
    identifiant = acc.profil.nir_hash
    if cycle.code_valide(acc.profil, code) and not cycle.code_expire(acc.profil):
        return "code de l'avis"
    frein = identification.frein(identifiant, source)
    if frein.actif:
        raise identification.Freine(identification.message_frein(frein))
    if (
        acc.code_presence_hash
        and acc.code_presence_expire_le
        and acc.code_presence_expire_le > timezone.now()
        and secrets.compare_digest(_hash_presence(acc, code), acc.code_presence_hash)
    ):
        return "code envoyé par courriel"
    if identification.echec_compter(profil=None, identifiant=identifiant, source=source).bloque:
        raise identification.Freine(identification.MESSAGE_BLOQUE)
    return ""


def presence_prouver(*, accompagnement: Accompagnement, saisie: str, source: str) -> bool:
    """Open the accompagnement if the code proves the person is at the desk (the view then
    remembers it in the mediator's session)."""
    acc = accompagnement
    preuve = _preuve(acc, "".join(saisie.split()), source)
    if not preuve:
        return False
    maintenant = timezone.now()
    with transaction.atomic():
        acc.statut = StatutAccompagnement.OUVERT
        acc.preuve = preuve
        acc.ouvert_le = maintenant
        acc.expire_le = maintenant + DUREE
        acc.code_presence_hash = ""
        acc.save()
        journal.accompagnement_ouvert(acces.acteur_mediateur(acc), preuve=preuve)
    return True


def accompagnement_en_cours(*, mediateur: Mediateur | None, public_id) -> Accompagnement | None:
    """This mediator's open accompagnement with this id, if still within its 30 minutes."""
    if mediateur is None or not public_id:
        return None
    acc = (
        Accompagnement.objects.select_related("profil", "mediateur__user")
        .filter(public_id=public_id, mediateur=mediateur)
        .first()
    )
    return acc if acc is not None and acc.est_en_cours() else None


def accompagnement_fermer(*, acteur: acces.Acteur) -> None:
    acc = acteur.accompagnement
    with transaction.atomic():
        acc.statut = StatutAccompagnement.FERME
        acc.ferme_le = timezone.now()
        acc.save(update_fields=["statut", "ferme_le"])
        journal.accompagnement_ferme(acteur)
