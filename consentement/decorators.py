from functools import wraps

from django.http import Http404

from consentement import acces
from consentement.selectors import profil_actif


def espace_patient(view):
    """The view acts on the request's active profile; 404 if the user has none."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profil = profil_actif(request)
        if profil is None:
            raise Http404
        request.profil = profil
        request.role_profil = acces.role_sur_profil(request.user, profil)
        return view(request, *args, **kwargs)

    return wrapper


def exige(predicat):
    """404 unless ``predicat(user)`` holds: pages of a role do not exist for others."""

    def decorateur(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicat(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorateur
