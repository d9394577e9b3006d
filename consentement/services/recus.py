"""The receipt of a decision, as a PDF (built from the ledger row, never stored)."""

from __future__ import annotations

from django.utils import timezone

from consentement.acces import textes
from consentement.enums import TypeDecision
from consentement.models import Decision
from espace_sante.lib import pdf


def recu_pdf(decision: Decision) -> bytes:
    texte = textes.texte_de(
        TypeDecision(decision.type), decision.details.get("mode"), version=decision.texte_version
    )
    profil = decision.profil
    quand = timezone.localtime(decision.horodatage)
    blocs: list[pdf.Bloc] = [
        ("entete", "espace-santé — Accusé de réception"),
        ("titre", decision.get_type_display()),
        ("texte", f"Référence : {decision.reference}"),
        ("texte", f"Enregistrée le {quand:%d/%m/%Y à %H:%M:%S} (heure de Paris)"),
        ("texte", f"Canal : {decision.get_canal_display()}"),
        ("texte", f"Décidé par : {decision.acteur_libelle}"),
    ]
    if profil.donnees_supprimees_le is None:
        blocs.append(("texte", f"Profil concerné : {profil.nom_affiche}"))
    if profil.suppression_prevue_le and decision.type == TypeDecision.CLOTURE:
        blocs.append(
            (
                "texte",
                "Suppression définitive des données prévue le "
                f"{timezone.localtime(profil.suppression_prevue_le):%d/%m/%Y}.",
            )
        )
    blocs += [
        ("sous-titre", "Texte présenté et accepté"),
        ("texte", texte.corps),
        (
            "petit",
            f"Version du texte : {decision.texte_version} — empreinte SHA-256 : "
            f"{decision.texte_empreinte}",
        ),
        (
            "petit",
            "Cette décision est inscrite dans un registre en ajout seul : elle ne peut être ni "
            "modifiée ni effacée. Une décision contraire peut être prise à tout moment.",
        ),
    ]
    return pdf.document([blocs], titre=f"Accusé de réception {decision.reference}")
