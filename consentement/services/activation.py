"""Activating one's profile without an account yet: the services behind the public pages.

Step 1 (the page) identifies the person by their notice. Step 2, ``compte_activer``: the
account (email, Argon2 password) is created and linked to the profile, journaled; the
profile is not active yet. Step 3, after the second factor sent to that email,
``activation_terminer``: the email is proved and the profile becomes active (a decision of
the ledger). Both refuse, with the policy's French reason (``acces.refus_activation``), a
profile that cannot be activated by its person — one not announced or created, or a
minor's, which is used from a legal representative's space.
"""

from __future__ import annotations

from django.db import transaction

from consentement import acces, journal
from consentement.acces import Acteur
from consentement.acces.etats import REFUS_ACTIVATION_STATUT
from consentement.models import Decision
from consentement.services import cycle
from espace_sante.comptes.models import Profil, User


def _exiger_activable(profil: Profil) -> None:
    refus = acces.refus_activation(profil)
    if refus is not None:
        raise cycle.ActionImpossible(refus)


@transaction.atomic
def compte_activer(*, profil: Profil, email: str, mot_de_passe: str, acteur: Acteur) -> User:
    """Create the person's account (or update the one an earlier attempt left before the
    second factor) and link it to the profile; journaled on the profile's chain."""
    profil = Profil.objects.select_for_update().get(pk=profil.pk)
    _exiger_activable(profil)
    existant = profil.titulaire
    user = existant or User(prenom=profil.prenoms.split(" ")[0], nom=profil.nom_naissance)
    user.email = email
    user.set_password(mot_de_passe)
    user.save()
    if existant is None:
        profil.titulaire = user
        profil.save(update_fields=["titulaire"])
    journal.compte_cree(acteur, profil, user=user, nouveau=existant is None)
    return user


@transaction.atomic
def activation_terminer(*, profil: Profil, user: User) -> Decision:
    """After the second factor: the email is proved, the profile becomes active."""
    from allauth.account.models import EmailAddress

    if profil.titulaire_id != user.pk:
        raise cycle.ActionImpossible(REFUS_ACTIVATION_STATUT)
    _exiger_activable(profil)
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return cycle.profil_activer(
        profil=profil, user=user, acteur=acces.acteur_titulaire(user, profil)
    )
