from consentement import acces
from consentement.selectors import profil_actif


def espace(request):
    """The profile switcher's data, for verified users only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"espace_profils": [], "espace_profil_actif": None}
    actif = getattr(request, "profil", None) or profil_actif(request)
    return {
        "espace_profils": list(acces.profils_accessibles(user)),
        "espace_profil_actif": actif,
    }
