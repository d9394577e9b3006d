from consentement import acces
from consentement.selectors import profil_actif


def _verifie(user) -> bool:
    # During the login request itself, request.user is a fresh object that
    # django_otp's middleware has not decorated yet.
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def accompagnement(request):
    """The "Vous agissez pour …" banner, on every page of a mediator in an accompagnement."""
    from consentement import accompagnement as acc_lib

    user = getattr(request, "user", None)
    if user is None or not _verifie(user) or not request.session.get(acc_lib.SESSION):
        return {"accompagnement_en_cours": None}
    return {"accompagnement_en_cours": acc_lib.en_cours(request)}


def espace(request):
    """Menu and profile-switcher data; only for users past the second factor."""
    user = getattr(request, "user", None)
    if user is None or not _verifie(user):
        return {"espace_verifie": False, "espace_profils": [], "espace_profil_actif": None}
    actif = getattr(request, "profil", None) or profil_actif(request)
    return {
        "espace_verifie": True,
        "espace_profils": list(acces.profils_accessibles(user)),
        "espace_profil_actif": actif,
    }
