"""Who acts in a request: resolved once (``consentement.acces.middleware``), read everywhere.

The base actor is the login with its roles: its professional or mediator record (loaded
with the user), the profiles it acts on as titulaire or legal representative with the one
chosen in the switcher, and a mediator's accompagnement in progress. Pages then narrow it
to what they act on: the active profile (``en_patient``), a patient's record
(``dossier.sur_dossier``), the person at the desk (``mediation.en_accompagnement``).
"""

from __future__ import annotations

from consentement.acces.acteur import Acteur, acteur_anonyme, libelle_de
from consentement.acces.profils import profils_accessibles, role_sur_profil
from espace_sante.comptes import roles
from espace_sante.comptes.enums import Role


def acteur_de_connexion(user, *, profil_choisi: str | None = None) -> Acteur:
    """The base actor of a logged-in (and verified) user, or the anonymous one."""
    if user is None or not user.is_authenticated:
        return acteur_anonyme()
    # Only a parent needs the query (the auth backend says whether the user represents a
    # minor now); anyone else acts at most on their own profile, loaded with the user.
    propre = roles.profil_de(user)
    if getattr(user, "represente", True):
        profils = tuple(profils_accessibles(user)) if propre else ()
    else:
        profils = (propre,) if propre else ()
    actif = next((p for p in profils if str(p.public_id) == profil_choisi), None)
    actif = actif or (profils[0] if profils else None)
    return Acteur(
        roles.role_principal(user) or Role.TITULAIRE,
        user=user,
        libelle=libelle_de(user),
        profil=actif,
        professionnel=roles.professionnel_de(user),
        mediateur=roles.mediateur_de(user),
        profils=profils,
    )


def en_patient(acteur: Acteur) -> Acteur | None:
    """The actor on the active profile of the switcher, as titulaire or representative."""
    if acteur.user is None or acteur.profil is None or acteur.profil not in acteur.profils:
        return None
    return acteur.sur(acteur.profil, role=role_sur_profil(acteur.user, acteur.profil))


def en_patient_de(acteur: Acteur, profil) -> Acteur | None:
    """The actor on this profile, if it is one they act on as titulaire or representative."""
    if acteur.user is None or profil is None or profil.pk not in {p.pk for p in acteur.profils}:
        return None
    return acteur.sur(profil, role=role_sur_profil(acteur.user, profil))
