"""A signed statement of a history's head, for the patient to keep.

The patient downloads it from their history page and keeps it wherever they like: it
is a checkpoint of their own chain held outside our systems altogether. Whenever it is
checked later, the chain must still contain that row with that hash, and be intact up
to it; a rewrite of their history before that date can no longer go unnoticed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils import timezone

from espace_sante.comptes.models import Profil
from espace_sante.journal import points, signature
from espace_sante.journal.empreinte import HASH_ORIGINE, json_canonique
from espace_sante.journal.models import Entree
from espace_sante.journal.selectors import verifier_profil

TYPE = "attestation-historique-espace-sante"
ALGORITHME = "Ed25519"


class JournalAltere(Exception):
    """The chain is broken: it cannot be attested."""

    def __init__(self, rupture):
        super().__init__(str(rupture))
        self.rupture = rupture


def _explication(contenu: dict) -> list[str]:
    return [
        f"Cette attestation, signée par espace-santé, certifie que le {contenu['delivree_le'][:10]}, "
        f"l'historique d'activité du profil {contenu['profil']} comptait {contenu['rang']} "
        f"entrée(s), la dernière ayant l'empreinte {contenu['hash']}.",
        "Conservez ce fichier tel quel, hors d'espace-santé. Si une entrée antérieure était "
        "plus tard supprimée ou modifiée, même par quelqu'un ayant accès à la base de données, "
        "l'entrée attestée n'aurait plus cette empreinte : l'altération serait prouvée.",
        "Pour la faire contrôler, transmettez ce fichier au délégué à la protection des "
        "données d'espace-santé ; il la vérifie avec la commande « journal_verify "
        "--attestation FICHIER ».",
        "Vous pouvez aussi vérifier la signature vous-même : c'est une signature Ed25519, par "
        "la clé publique « cle_publique » (publiée par espace-santé), de l'objet « contenu » "
        "écrit en JSON compact (clés triées, sans espaces, UTF-8) ; « signature » et "
        "« cle_publique » sont en base64.",
    ]


def attester(profil: Profil) -> dict:
    """Sign the head of the profile's chain; JournalAltere if the chain is broken."""
    chaine = f"profil:{profil.pk}"
    derniere = Entree.objects.filter(chaine=chaine).order_by("-rang").first()
    # Verified after the pick: whatever was appended meanwhile, the row attested was checked.
    rupture = verifier_profil(profil)
    if rupture is not None:
        raise JournalAltere(rupture)
    contenu = {
        "type": TYPE,
        "version": 1,
        "emetteur": settings.SITE_URL,
        "profil": str(profil.public_id),
        "rang": derniere.rang if derniere else 0,
        "hash": derniere.hash if derniere else HASH_ORIGINE,
        "horodatage_entree": derniere.horodatage.isoformat() if derniere else None,
        "delivree_le": timezone.now().isoformat(),
    }
    return {
        "contenu": contenu,
        "algorithme": ALGORITHME,
        "cle_publique": signature.cle_publique(),
        "signature": signature.signer(json_canonique(contenu)),
        "explication": _explication(contenu),
    }


def _signature_valide(attestation: dict) -> str:
    contenu, cle = attestation.get("contenu"), attestation.get("cle_publique")
    if not isinstance(contenu, dict) or contenu.get("type") != TYPE:
        return "ce fichier n'est pas une attestation d'historique d'espace-santé"
    if attestation.get("algorithme") != ALGORITHME or not isinstance(cle, str):
        return "algorithme de signature inconnu"
    identifiant = signature.identifiant(cle)
    if identifiant not in signature.cles_connues():
        return "la clé publique de l'attestation n'est pas une clé d'espace-santé"
    if not signature.verifier(
        json_canonique(contenu), attestation.get("signature"), cle=identifiant
    ):
        return "signature invalide : l'attestation a été modifiée après sa délivrance"
    return ""


def _perdue_par_restauration(chaine: str, rang: int, delivree_le: str):
    """The signed restore record, later than the attestation, that lost this rank of the
    chain (the rank may since hold a new entry), if one did."""
    for restauration in points.lire(chaine=chaine).restaurations:
        if chaine not in restauration.perdus or restauration.horodatage <= delivree_le:
            continue
        if int(restauration.tetes[chaine][0]) < rang <= int(restauration.perdus[chaine][0]):
            return restauration
    return None


def verifier_attestation(attestation: dict) -> list[str]:
    """What is wrong with an attestation against today's journal; [] if it still holds."""
    probleme = _signature_valide(attestation)
    if probleme:
        return [probleme]
    contenu = attestation["contenu"]
    try:
        profil = Profil.objects.filter(public_id=uuid.UUID(str(contenu.get("profil")))).first()
    except ValueError:
        profil = None
    if profil is None:
        return ["le profil attesté n'existe plus"]
    chaine, rang = f"profil:{profil.pk}", contenu.get("rang")
    problemes = []
    if rang:
        entree = Entree.objects.filter(chaine=chaine, rang=rang).first()
        perte = _perdue_par_restauration(chaine, rang, str(contenu.get("delivree_le")))
        if perte is not None:
            problemes.append(
                f"l'entrée attestée (rang {rang}) a été perdue par la {perte.libelle} "
                f"(« {perte.motif} ») : le journal a été restauré à un état antérieur"
            )
        elif entree is None:
            problemes.append(
                f"l'entrée attestée (rang {rang}) a disparu du journal : des entrées ont été "
                "supprimées"
            )
        elif entree.hash != contenu.get("hash"):
            problemes.append(
                f"l'entrée attestée (rang {rang}) n'a plus l'empreinte attestée : "
                "l'historique a été réécrit"
            )
    rupture = verifier_profil(profil)
    if rupture is not None:
        problemes.append(str(rupture))
    return problemes
