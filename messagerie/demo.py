"""The demo's messages (`manage.py demo`, after the record): Camille's GP writes with an
attachment, Camille replies; Yanis's doctor writes to his mother, and closes it. Through
the services, as in real use. Idempotent: a profile with conversations is left as it is."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone

from consentement import acces
from espace_sante.lib import fichiers, pdf
from messagerie import adresses, services
from messagerie.models import Conversation


def _pdf(titre: str) -> fichiers.FichierVerifie:
    contenu = pdf.document(
        [
            [
                ("titre", titre),
                ("texte", "Document de démonstration joint à un message."),
                ("petit", f"Émis le {timezone.localdate():%d/%m/%Y}. Aucune donnée réelle."),
            ]
        ],
        titre=titre,
    )
    return fichiers.verifier(io.BytesIO(contenu))


def _camille(camille, medecin, patiente) -> None:
    conversation = services.conversation_demarrer(
        acteur=medecin,
        profil=camille,
        sujet="Résultats de votre bilan lipidique",
        corps="Bonjour Madame Martin,\n\nVos résultats sont rassurants : le cholestérol a "
        "baissé depuis le dernier bilan. Je vous joins le compte rendu ; gardez-le dans votre "
        "dossier.\n\nBien cordialement,\nDr Jeanne Lefèvre",
        pieces=[services.PieceRecue("bilan-lipidique.pdf", _pdf("Bilan lipidique — commentaire"))],
    )
    services.message_repondre(
        acteur=patiente,
        conversation=conversation,
        corps="Merci docteur, je l'enregistre dans mon dossier. Dois-je refaire un bilan "
        "dans six mois ?",
    )


def _yanis(yanis, medecin) -> None:
    conversation = services.conversation_demarrer(
        acteur=medecin,
        profil=yanis,
        sujet="Rappel de vaccination de Yanis",
        corps="Bonjour,\n\nLe rappel du vaccin contre la diphtérie, le tétanos et la "
        "poliomyélite de Yanis est à faire cette année. Prenez rendez-vous au cabinet.\n\n"
        "Dr Jeanne Lefèvre",
    )
    services.conversation_fermer(acteur=medecin.sur(yanis), conversation=conversation)


def peupler(sender, *, comptes, profils, ecrire, **kwargs) -> None:
    camille, yanis = profils["camille"], profils["yanis"]
    if Conversation.objects.filter(profil__in=[camille, yanis]).exists():
        return
    medecin = acces.acteur_de_connexion(comptes["medecin"])
    patiente = acces.en_patient_de(acces.acteur_de_connexion(comptes["patient"]), camille)
    _camille(camille, medecin, patiente)
    _yanis(yanis, medecin)
    ecrire(
        "Messagerie de démonstration : Camille Martin (un message avec pièce jointe), "
        "Yanis Benali (un rappel à sa mère). Écrire à Camille depuis un client SMTP : "
        f"de {comptes['medecin'].email} à {adresses.adresse_patient(camille)}, "
        f"passerelle sur {settings.MESSAGERIE_SMTP_HOTE}:{settings.MESSAGERIE_SMTP_PORT} "
        "(voir le README)."
    )
