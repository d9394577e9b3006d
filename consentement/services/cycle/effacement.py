"""Erasing a profile's data: after an opposition, or when a closed profile's time is up."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from consentement import journal
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil, Representation
from espace_sante.comptes.signals import donnees_effacees

_CHAMPS_EFFACES = {
    "nom_naissance": "",
    "nom_usage": "",
    "prenoms": "",
    "date_naissance": None,
    "sexe": "",
    "code_lieu_naissance": "",
    "nir": None,
    "email_contact": "",
    "telephone": "",
    "adresse": "",
    "code_postal": "",
    "commune": "",
    "code_activation_hash": "",
    "code_activation_expire_le": None,
    "titulaire": None,
}


def donnees_effacer(*, profil: Profil, statut: StatutProfil) -> None:
    """Erase everything but the NIR hash (so no batch recreates the profile)."""
    aujourdhui = timezone.localdate()
    Representation.objects.filter(Q(mineur=profil) | Q(representant=profil)).filter(
        date_fin__isnull=True
    ).update(date_fin=aujourdhui, motif_fin="Données du profil supprimées")
    for champ, valeur in _CHAMPS_EFFACES.items():
        setattr(profil, champ, valeur)
    profil.statut = statut
    profil.donnees_supprimees_le = timezone.now()
    profil.save()
    donnees_effacees.send(sender=Profil, profil=profil)


def suppressions_executer(limite: int = 500) -> int:
    """Erase the data of closed profiles whose archive period or grace period is over."""
    faits = 0
    while True:
        with transaction.atomic():
            lot = list(
                Profil.objects.select_for_update(skip_locked=True)
                .filter(
                    statut=StatutProfil.CLOTURE,
                    donnees_supprimees_le__isnull=True,
                    suppression_prevue_le__lte=timezone.now(),
                )
                .order_by("pk")[:limite]
            )
            for profil in lot:
                donnees_effacer(profil=profil, statut=StatutProfil.CLOTURE)
                journal.donnees_supprimees(profil, motif="clôture : délai de conservation écoulé")
        faits += len(lot)
        if len(lot) < limite:
            return faits
