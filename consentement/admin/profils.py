"""Profiles in admin, with the lifecycle's actions: the only way an admin changes a status.

The kernel's ProfilAdmin shows identity only, status read-only; this adds the actions an
agent takes on a request received by post or telephone, each through ``cycle`` with the
agent as actor: the decision is recorded, journaled, and a refusal is said in French.
"""

from __future__ import annotations

from django.contrib import admin, messages

from consentement import acces
from consentement.enums import Canal, ModeCloture
from consentement.services import cycle
from espace_sante.comptes.admin import ProfilAdmin
from espace_sante.comptes.models import Profil


def _appliquer(modeladmin, request, profils, canal: Canal, acte, libelle: str) -> None:
    faits, refus = 0, []
    for profil in profils:
        acteur = acces.acteur_agent(request.user, canal, profil)
        try:
            acte(profil=profil, acteur=acteur)
        except cycle.ActionImpossible as erreur:
            refus.append(f"{profil} : {erreur}")
        else:
            faits += 1
    if faits:
        modeladmin.message_user(request, f"{libelle} : {faits} profil(s).", messages.SUCCESS)
    for ligne in refus:
        modeladmin.message_user(request, ligne, messages.ERROR)


def _action(nom: str, libelle: str, canal: Canal, acte):
    def action(modeladmin, request, queryset):
        _appliquer(modeladmin, request, queryset, canal, acte, libelle)

    action.__name__ = nom
    return admin.action(description=libelle)(action)


def _cloturer(mode: ModeCloture):
    return lambda *, profil, acteur: cycle.profil_cloturer(profil=profil, mode=mode, acteur=acteur)


ACTIONS = [
    _action(
        "opposer_courrier", "Opposition reçue par courrier", Canal.COURRIER, cycle.profil_opposer
    ),
    _action(
        "opposer_telephone", "Opposition reçue par téléphone", Canal.TELEPHONE, cycle.profil_opposer
    ),
    _action(
        "cloturer_archive",
        "Clôture reçue par courrier (archivage 10 ans)",
        Canal.COURRIER,
        _cloturer(ModeCloture.ARCHIVE),
    ),
    _action(
        "cloturer_suppression",
        "Clôture reçue par courrier (suppression)",
        Canal.COURRIER,
        _cloturer(ModeCloture.SUPPRESSION),
    ),
    _action(
        "rouvrir_courrier", "Réouverture reçue par courrier", Canal.COURRIER, cycle.profil_rouvrir
    ),
]


class ProfilCycleAdmin(ProfilAdmin):
    actions = ACTIONS


admin.site.unregister(Profil)
admin.site.register(Profil, ProfilCycleAdmin)
