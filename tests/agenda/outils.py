"""Helpers of the agenda tests: appointments through the services, as a person would add them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from agenda import services
from agenda.services import Saisie
from consentement import acces
from tests.conftest import acteur_de


def saisie(debut=None, *, duree=30, titre="Consultation cardiologie", **champs) -> Saisie:
    debut = (debut or timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    return Saisie(
        titre=titre,
        debut=debut,
        fin=debut + timedelta(minutes=duree),
        lieu=champs.pop("lieu", "12 rue des Lilas, Paris"),
        **champs,
    )


def acteur_patient(user, profil=None):
    """The person's side acting on ``profil`` (their own, or a child's for a parent)."""
    return acces.acteur_personne(user, profil or user.profil)


def rdv_de(user, profil=None, **kw):
    return services.rdv_ajouter(acteur=acteur_patient(user, profil), saisie=saisie(**kw))


def proposer(pro_user, profil, **kw):
    """The professional proposes from the patient's page (access opened by NIR first)."""
    from tests.dossier.test_vues import ouvrir_acces

    ouvrir_acces(pro_user, profil)
    return services.rdv_proposer(acteur=acteur_de(pro_user, profil), saisie=saisie(**kw))
