from consentement import accompagnement as acc_lib


def espace(request):
    """Menu and profile-switcher data, from the request's actor (no query of its own)."""
    acteur = getattr(request, "acteur", None)
    if acteur is None or acteur.user is None:
        return {"espace_verifie": False, "espace_profils": [], "espace_profil_actif": None,
                "espace_role": None}  # fmt: skip
    return {
        "espace_verifie": True,
        "espace_profils": list(acteur.profils),
        "espace_profil_actif": acteur.profil if acteur.cote_patient or acteur.profils else None,
        "espace_role": acteur.role,
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
