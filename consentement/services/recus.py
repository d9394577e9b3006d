"""The receipt of a decision, as a PDF (built from the ledger row, never stored)."""

from __future__ import annotations

from django.utils import timezone

from consentement.acces import textes
from consentement.enums import TypeDecision
from consentement.models import Decision
from espace_sante.lib import pdf
from espace_sante.lib.affichage import ASSISTANCE_TELEPHONE, masquer_nir


def identite_de(profil) -> dict[str, str]:
    """Whose profile a decision is about, as its receipt says it: name, birth date, masked
    NIR. Kept by the caller (the session of the person who decided) when the decision
    erases the profile's data (an opposition)."""
    naissance = profil.date_naissance
    return {
        "nom": profil.nom_affiche,
        "naissance": f"{naissance:%d/%m/%Y}" if naissance else "",
        "nir": masquer_nir(profil.nir) if profil.nir else "",
    }


def _identite(identite: dict[str, str]) -> str:
    morceaux = [identite["nom"]]
    if identite.get("naissance"):
        morceaux.append(f"né(e) le {identite['naissance']}")
    if identite.get("nir"):
        morceaux.append(f"numéro de sécurité sociale {identite['nir']}")
    return ", ".join(morceaux)


def code_controle(decision: Decision) -> str:
    """A short code a person can read out: the start of the presented text's fingerprint,
    which an agent compares with the ledger's (the full value stays in the ledger)."""
    debut = decision.texte_empreinte[:8].upper()
    return f"{debut[:4]}-{debut[4:]}"


def recu_pdf(decision: Decision, identite: dict[str, str] | None = None) -> bytes:
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
    if identite is None and profil.donnees_supprimees_le is None:
        identite = identite_de(profil)
    if identite:
        blocs.append(("texte", f"Profil concerné : {_identite(identite)}"))
    else:
        blocs.append(
            (
                "texte",
                "Profil concerné : ses données sont effacées ; la référence ci-dessus suffit "
                "à retrouver la décision au registre.",
            )
        )
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
        ("sous-titre", "Comment vérifier cet accusé"),
        (
            "texte",
            "Cette décision est inscrite dans un registre en ajout seul : elle ne peut être ni "
            "modifiée ni effacée. Pour vérifier cet accusé, donnez sa référence "
            f"({decision.reference}) et son code de contrôle ({code_controle(decision)}) au "
            f"{ASSISTANCE_TELEPHONE} ou à un conseiller France services : il retrouve la "
            "décision, sa date et son canal, et contrôle que le texte ci-dessus est bien "
            "celui que vous avez accepté. Une décision contraire peut être prise à tout moment.",
        ),
    ]
    return pdf.document([blocs], titre=f"Accusé de réception {decision.reference}")
