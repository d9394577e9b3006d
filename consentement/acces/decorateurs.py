"""Views narrow the request's actor (``request.acteur``, resolved once by the middleware)
to what they act on, and answer 404 when the policy grants nothing."""

from functools import wraps

from django.http import Http404

from consentement import acces


def espace_patient(view):
    """The view acts on the active profile of the switcher (as titulaire or legal
    representative); 404 if the user has none."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        acteur = acces.en_patient(request.acteur)
        if acteur is None:
            raise Http404
        request.acteur = acteur
        return view(request, *args, **kwargs)

    return wrapper


def exige(predicat):
    """404 unless ``predicat(request.acteur)`` holds: pages of a role do not exist for others."""

    def decorateur(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicat(request.acteur):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorateur
