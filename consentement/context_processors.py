from __future__ import annotations

from dataclasses import dataclass

from consentement.services import accompagnement as acc_lib
from espace_sante.comptes.enums import Role


@dataclass(frozen=True)
class Designation:
    """How a page names the record it shows: the person's own ("votre dossier"), or a child's
    for a legal representative ("le dossier de Yanis Benali"), with French contractions."""

    le: str
    au: str
    du: str
    mt: str  # the médecin traitant
    choix: str = "Mes choix"  # the decisions page, named for whose decisions they are
    coordonnees: str = "modifier mes coordonnées et mes préférences"

    @classmethod
    def de(cls, acteur) -> Designation:
        if acteur.role == Role.REPRESENTANT and acteur.profil is not None:
            nom = acteur.profil.nom_affiche
            return cls(
                f"le dossier de {nom}",
                f"au dossier de {nom}",
                f"du dossier de {nom}",
                f"le médecin traitant de {nom}",
                f"Les choix pour {nom}",
                f"modifier les coordonnées et les préférences de {nom}",
            )
        return cls("votre dossier", "à votre dossier", "de votre dossier", "votre médecin traitant")


def espace(request):
    """Menu and profile-switcher data, from the request's actor (no query of its own)."""
    acteur = getattr(request, "acteur", None)
    if acteur is None or acteur.user is None:
        return {
            "espace_verifie": False,
            "espace_profils": [],
            "espace_profil_actif": None,
            "espace_role": None,
            "dossier_de": Designation.de(acteur) if acteur else None,
        }
    return {
        "espace_verifie": True,
        "espace_profils": list(acteur.profils),
        "espace_profil_actif": acteur.profil if acteur.cote_patient or acteur.profils else None,
        "espace_role": acteur.role,
        "dossier_de": Designation.de(acteur),
    }


def accompagnement(request):
    """The "Vous agissez pour …" banner, on every page of a mediator in an accompagnement."""
    acteur = getattr(request, "acteur", None)
    public_id = request.session.get(acc_lib.SESSION) if hasattr(request, "session") else None
    if acteur is None or acteur.mediateur is None or not public_id:
        return {"accompagnement_en_cours": None}
    return {
        "accompagnement_en_cours": acc_lib.accompagnement_en_cours(
            mediateur=acteur.mediateur, public_id=public_id
        )
    }
