"""The lifecycle's part of the demo (`manage.py demo`): the batch-created person a France
services mediator can help gets a fresh notice code, printed with what the mediator types."""

from __future__ import annotations

from consentement.services.cycle import codes


def peupler(sender, *, profils, ecrire, **kwargs) -> None:
    lucas = profils["lucas"]
    code = codes.code_renouveler(profil=lucas)
    ecrire(
        f"Personne à accompagner (France services) : {lucas.nom_affiche}, NIR {lucas.nir}, "
        f"né le {lucas.date_naissance:%d/%m/%Y}, code de son avis : {codes.formater_code(code)} "
        f"(ou le code de présence envoyé à {lucas.email_contact}, affiché dans la console)."
    )
