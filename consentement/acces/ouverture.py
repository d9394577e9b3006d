"""A professional opens a record: by the patient's NIR and birth date (24 hours), or in an
emergency with a written reason (2 hours). Every failure looks the same to them; the
patient sees each access, and each refusal, in their history and is told when they asked
to be, or always for an emergency (with their representatives and médecin traitant).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from consentement import acces, journal
from consentement.acces import Acteur, registre
from consentement.enums import TypeAcces
from consentement.models import DUREE_ACCES, AccesProfessionnel
from espace_sante.comptes.models import Profil
from espace_sante.notifications.models import Canal
from espace_sante.notifications.services import (
    Destination,
    destinations_avec_representants,
    notifier,
)

MESSAGE_AUCUN_DOSSIER = (
    "Aucun dossier accessible ne correspond à ce NIR et cette date de naissance."
)


@transaction.atomic
def _refus(acteur: Acteur, profil: Profil, motif: str) -> None:
    """Journaled in its own transaction: the refusal is raised right after."""
    journal.acces_refuse(acteur, profil, motif=motif)


def _profil_identifie(*, nir: str, date_naissance) -> Profil | None:
    try:
        return Profil.objects.par_nir(nir).filter(date_naissance=date_naissance).first()
    except ValueError:
        return None


def acces_ouvrir(*, acteur: Acteur, nir: str, date_naissance) -> AccesProfessionnel:
    """Identification by NIR and birth date opens the record for 24 hours.

    Every failure gets the same message: a professional learns nothing about whether a
    person exists, opposed, closed or blocked them. The patient sees refusals in their
    history when the person exists.
    """
    pro = acteur.professionnel
    profil = _profil_identifie(nir=nir, date_naissance=date_naissance)
    if profil is None or not acces.profil_ouvert_aux_pros(profil):
        raise registre.ActionImpossible(MESSAGE_AUCUN_DOSSIER)
    if acces.est_bloque(pro, profil):
        _refus(acteur, profil, "professionnel bloqué par le patient")
        raise registre.ActionImpossible(MESSAGE_AUCUN_DOSSIER)
    return _acces_creer(acteur, profil, TypeAcces.IDENTIFICATION, motif=None)


def acces_urgence_ouvrir(
    *, acteur: Acteur, nir: str, date_naissance, motif: str
) -> AccesProfessionnel:
    profil = _profil_identifie(nir=nir, date_naissance=date_naissance)
    if profil is None:
        raise registre.ActionImpossible(MESSAGE_AUCUN_DOSSIER)
    refus = acces.refus_urgence(acteur.professionnel, profil)
    if refus:
        if acces.profil_ouvert_aux_pros(profil):
            _refus(acteur, profil, "accès en urgence refusé")
        raise registre.ActionImpossible(refus)
    return _acces_creer(acteur, profil, TypeAcces.URGENCE, motif=motif)


@transaction.atomic
def _acces_creer(acteur: Acteur, profil, type_acces, *, motif) -> AccesProfessionnel:
    maintenant = timezone.now()
    nouvel = AccesProfessionnel.objects.create(
        profil=profil,
        professionnel=acteur.professionnel,
        type=type_acces,
        motif=motif,
        debut=maintenant,
        fin=maintenant + DUREE_ACCES[type_acces],
    )
    journal.acces_ouvert(acteur, nouvel)
    _notifier_acces(nouvel)
    return nouvel


def _notifier_acces(acces_pro: AccesProfessionnel) -> None:
    """Emergency: the patient, their representatives and the médecin traitant are told
    (whatever they chose: it cannot be turned off); an ordinary access: the patient, if
    they asked. Never any health content, not even the reason (read in the history)."""
    profil, pro = acces_pro.profil, acces_pro.professionnel
    parametres = acces.parametres_de(profil)
    urgence = acces_pro.type == TypeAcces.URGENCE
    if not (urgence or parametres.notifier_acces_pro):
        return
    contexte = {
        "quand": timezone.localtime(acces_pro.debut).strftime("%d/%m/%Y à %H:%M"),
        "professionnel": str(pro),
        "patient": profil.nom_affiche,
        "urgence": urgence,
    }
    cle = f"acces:{acces_pro.public_id}"
    notifier(
        profil=profil,
        motif="acces_urgence" if urgence else "acces_pro",
        cle=cle,
        gabarit="consentement/notifications/acces_pro",
        contexte=contexte,
        obligatoire=urgence,
        a=destinations_avec_representants(profil, obligatoire=urgence),
    )
    mt = parametres.medecin_traitant
    if urgence and mt is not None and mt.pk != pro.pk:
        notifier(
            motif="acces_urgence_mt",
            cle=f"{cle}:mt",
            gabarit="consentement/notifications/acces_urgence_mt",
            contexte=contexte,
            a=[Destination(Canal.EMAIL, mt.user.email, profil)],
        )
