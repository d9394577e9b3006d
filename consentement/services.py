from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from consentement import acces, cycle
from consentement.enums import TypeAcces, TypeDecision
from consentement.models import (
    DUREE_ACCES,
    AccesProfessionnel,
    Blocage,
    Decision,
    ParametresAcces,
)
from consentement.selectors import SESSION_PROFIL_ACTIF
from espace_sante.comptes.enums import Profession, Role
from espace_sante.comptes.models import Professionnel, Profil, Representation
from espace_sante.journal.enums import Action
from espace_sante.journal.services import journaliser_bascule_profil
from espace_sante.notifications.services import notifier


def profil_basculer(*, request, public_id) -> Profil:
    """Switch the profile the user acts on; 404 for a profile that is not theirs."""
    profil = acces.profils_accessibles(request.user).filter(public_id=public_id).first()
    if profil is None:
        raise Http404
    request.session[SESSION_PROFIL_ACTIF] = str(profil.public_id)
    journaliser_bascule_profil(
        user=request.user, role=acces.role_sur_profil(request.user, profil), profil=profil
    )
    return profil


# --- Access to the record -------------------------------------------------------------
#
# Every setting is a Decision row (the ledger) plus the current state it changes, in
# one transaction; every read or write of the record is one journal entry.


def acteur_de(lecteur: acces.Lecteur) -> cycle.Acteur:
    if lecteur.role == Role.PROFESSIONNEL:
        return cycle.acteur_professionnel(lecteur.professionnel)
    return cycle.acteur_web(lecteur.user, lecteur.profil)


def journaliser(lecteur: acces.Lecteur, action: Action, *, objet=None, details=None) -> None:
    """The one journaling path for reads and writes of the record.

    An entry about a confidential item is flagged so that the minor's representatives
    do not see it in the history either; an emergency access is flagged on each read.
    """
    details = dict(details or {})
    if lecteur.urgence:
        details["urgence"] = True
    details.update(_drapeau(objet))
    cycle.journaliser_acte(lecteur.profil, action, acteur_de(lecteur), objet=objet, details=details)


def _drapeau(element) -> dict:
    return {"confidentiel": True} if getattr(element, "confidentiel", False) else {}


def _exiger(condition: bool) -> None:
    if not condition:
        raise Http404


def _parametres_verrouilles(profil: Profil) -> ParametresAcces:
    ParametresAcces.objects.get_or_create(profil=profil)
    return ParametresAcces.objects.select_for_update().get(profil=profil)


@transaction.atomic
def professionnel_bloquer(*, lecteur: acces.Lecteur, professionnel: Professionnel) -> Decision:
    _exiger(acces.peut_gerer_visibilite(lecteur))
    profil = lecteur.profil
    if acces.est_bloque(professionnel, profil):
        raise cycle.ActionImpossible("Ce professionnel est déjà bloqué.")
    Blocage.objects.create(profil=profil, professionnel=professionnel)
    # A block ends the professional's current accesses at once.
    AccesProfessionnel.objects.actifs().filter(profil=profil, professionnel=professionnel).update(
        revoque_le=timezone.now()
    )
    return cycle.decider(
        profil,
        TypeDecision.BLOCAGE,
        acteur_de(lecteur),
        details={"professionnel": str(professionnel), "rpps": professionnel.rpps},
    )


@transaction.atomic
def professionnel_debloquer(*, lecteur: acces.Lecteur, blocage: Blocage) -> Decision:
    _exiger(acces.peut_gerer_visibilite(lecteur) and blocage.profil_id == lecteur.profil.pk)
    blocage.revoque_le = timezone.now()
    blocage.save(update_fields=["revoque_le"])
    pro = blocage.professionnel
    return cycle.decider(
        lecteur.profil,
        TypeDecision.DEBLOCAGE,
        acteur_de(lecteur),
        details={"professionnel": str(pro), "rpps": pro.rpps},
    )


@transaction.atomic
def element_masquer(*, lecteur: acces.Lecteur, element, masque: bool) -> Decision | None:
    """Mask an item of the record from professionals (its author and the médecin traitant
    still see it, see the policy), or lift the mask."""
    _exiger(acces.peut_gerer_visibilite(lecteur) and acces.peut_voir(lecteur, element))
    if element.masque == masque:
        return None
    element.masque = masque
    element.save(update_fields=["masque"])
    return cycle.decider(
        lecteur.profil,
        TypeDecision.MASQUAGE if masque else TypeDecision.DEMASQUAGE,
        acteur_de(lecteur),
        details={element.GENRE: str(element.public_id), **_drapeau(element)},
    )


@transaction.atomic
def document_restreindre(
    *, lecteur: acces.Lecteur, document, professionnels: list[Professionnel]
) -> Decision | None:
    """Only these professionals (and the author) see the document; [] lifts the list."""
    _exiger(acces.peut_gerer_visibilite(lecteur) and acces.peut_voir(lecteur, document))
    ids = sorted({p.pk for p in professionnels})
    if sorted(document.reserve_a) == ids:
        return None
    document.reserve_a = ids
    document.save(update_fields=["reserve_a"])
    return cycle.decider(
        lecteur.profil,
        TypeDecision.RESTRICTION,
        acteur_de(lecteur),
        details={
            "document": str(document.public_id),
            "professionnels": [f"{p} — RPPS {p.rpps}" for p in professionnels],
            **_drapeau(document),
        },
    )


def confidentialite_enregistrer(*, lecteur: acces.Lecteur, element) -> Decision:
    """The professional records the minor's request (inside the item's creation)."""
    _exiger(acces.peut_declarer_confidentiel(lecteur))
    return cycle.decider(
        lecteur.profil,
        TypeDecision.CONFIDENTIALITE,
        acteur_de(lecteur),
        details={
            "objet": element._meta.verbose_name,
            "id": str(element.public_id),
            "confidentiel": True,  # hidden from the representatives' history too
        },
    )


@transaction.atomic
def urgence_regler(*, lecteur: acces.Lecteur, refus: bool) -> Decision | None:
    _exiger(acces.peut_gerer_visibilite(lecteur))
    parametres = _parametres_verrouilles(lecteur.profil)
    if parametres.refus_urgence == refus:
        return None
    parametres.refus_urgence = refus
    parametres.save(update_fields=["refus_urgence"])
    type_decision = TypeDecision.URGENCE_REFUS if refus else TypeDecision.URGENCE_ACCEPTATION
    return cycle.decider(lecteur.profil, type_decision, acteur_de(lecteur))


@transaction.atomic
def masques_medecin_traitant(*, lecteur: acces.Lecteur, visibles: bool) -> Decision | None:
    _exiger(acces.peut_gerer_visibilite(lecteur))
    parametres = _parametres_verrouilles(lecteur.profil)
    if parametres.masques_visibles_mt == visibles:
        return None
    parametres.masques_visibles_mt = visibles
    parametres.save(update_fields=["masques_visibles_mt"])
    return cycle.decider(
        lecteur.profil, TypeDecision.MASQUES_MT, acteur_de(lecteur), details={"visibles": visibles}
    )


@transaction.atomic
def medecin_traitant_declarer(
    *, lecteur: acces.Lecteur, professionnel: Professionnel | None
) -> Decision | None:
    _exiger(acces.peut_gerer_visibilite(lecteur))
    if professionnel is not None and professionnel.profession != Profession.MEDECIN:
        raise cycle.ActionImpossible("Le médecin traitant doit être un médecin.")
    parametres = _parametres_verrouilles(lecteur.profil)
    if parametres.medecin_traitant_id == (professionnel.pk if professionnel else None):
        return None
    parametres.medecin_traitant = professionnel
    parametres.save(update_fields=["medecin_traitant"])
    return cycle.decider(
        lecteur.profil,
        TypeDecision.MEDECIN_TRAITANT,
        acteur_de(lecteur),
        details={
            "professionnel": str(professionnel) if professionnel else "aucun",
            "rpps": professionnel.rpps if professionnel else "",
        },
    )


@transaction.atomic
def notifications_acces_regler(*, lecteur: acces.Lecteur, actives: bool) -> None:
    _exiger(acces.peut_gerer_visibilite(lecteur))
    parametres = _parametres_verrouilles(lecteur.profil)
    if parametres.notifier_acces_pro == actives:
        return
    parametres.notifier_acces_pro = actives
    parametres.save(update_fields=["notifier_acces_pro"])
    journaliser(
        lecteur,
        Action.COORDONNEES_MODIFIEES,
        objet=parametres,
        details={"notifier_acces_pro": actives},
    )


# --- A professional opens a record -------------------------------------------------------

MESSAGE_AUCUN_DOSSIER = (
    "Aucun dossier accessible ne correspond à ce NIR et cette date de naissance."
)


@transaction.atomic
def _refus(profil: Profil, pro: Professionnel, motif: str) -> None:
    """Journaled in its own transaction: the refusal is raised right after."""
    cycle.journaliser_acte(
        profil,
        Action.ACCES_REFUSE,
        cycle.acteur_professionnel(pro),
        objet=pro,
        details={"motif": motif},
    )


def _profil_identifie(*, nir: str, date_naissance) -> Profil | None:
    try:
        return Profil.objects.par_nir(nir).filter(date_naissance=date_naissance).first()
    except ValueError:
        return None


def acces_ouvrir(*, professionnel: Professionnel, nir: str, date_naissance) -> AccesProfessionnel:
    """Identification by NIR and birth date opens the record for 24 hours.

    Every failure gets the same message: a professional learns nothing about whether a
    person exists, opposed, closed or blocked them. The patient sees refusals in their
    history when the person exists.
    """
    profil = _profil_identifie(nir=nir, date_naissance=date_naissance)
    if profil is None or not acces.profil_ouvert_aux_pros(profil):
        raise cycle.ActionImpossible(MESSAGE_AUCUN_DOSSIER)
    if acces.est_bloque(professionnel, profil):
        _refus(profil, professionnel, "professionnel bloqué par le patient")
        raise cycle.ActionImpossible(MESSAGE_AUCUN_DOSSIER)
    return _acces_creer(profil, professionnel, TypeAcces.IDENTIFICATION, motif=None)


@transaction.atomic
def _acces_creer(profil, professionnel, type_acces, *, motif) -> AccesProfessionnel:
    maintenant = timezone.now()
    nouvel = AccesProfessionnel.objects.create(
        profil=profil,
        professionnel=professionnel,
        type=type_acces,
        motif=motif,
        debut=maintenant,
        fin=maintenant + DUREE_ACCES[type_acces],
    )
    action = Action.ACCES_URGENCE if type_acces == TypeAcces.URGENCE else Action.ACCES_OUVERT
    cycle.journaliser_acte(
        profil,
        action,
        cycle.acteur_professionnel(professionnel),
        objet=nouvel,
        details={"jusqua": nouvel.fin.isoformat(), **({"urgence": True} if motif else {})},
    )
    _notifier_acces(profil, professionnel, type_acces)
    return nouvel


def acces_urgence(
    *, professionnel: Professionnel, nir: str, date_naissance, motif: str
) -> AccesProfessionnel:
    profil = _profil_identifie(nir=nir, date_naissance=date_naissance)
    if profil is None:
        raise cycle.ActionImpossible(MESSAGE_AUCUN_DOSSIER)
    refus = acces.peut_acceder_en_urgence(professionnel, profil)
    if refus:
        if acces.profil_ouvert_aux_pros(profil):
            _refus(profil, professionnel, "accès en urgence refusé")
        raise cycle.ActionImpossible(refus)
    return _acces_creer(profil, professionnel, TypeAcces.URGENCE, motif=motif)


def _adresse_patient(profil: Profil) -> str:
    if profil.titulaire_id:
        return profil.titulaire.email
    return profil.email_contact


def _notifier_acces(profil: Profil, pro: Professionnel, type_acces: TypeAcces) -> None:
    """Emergency: the patient (or their representatives) and the médecin traitant are told;
    an ordinary access: the patient, if they asked. Never any health content."""
    parametres = acces.parametres_de(profil)
    urgence = type_acces == TypeAcces.URGENCE
    if not (urgence or parametres.notifier_acces_pro):
        return
    quand = timezone.localtime().strftime("%d/%m/%Y à %H:%M")
    sujet = (
        "Accès en urgence à votre dossier espace-sante"
        if urgence
        else "Un professionnel a accédé à votre dossier espace-sante"
    )
    corps = (
        f"Bonjour,\n\nLe {quand}, {pro} a ouvert "
        + ("en urgence (« bris de glace »), pour 2 heures, " if urgence else "")
        + "le dossier espace-sante de "
        + f"{profil.nom_affiche}.\n\nLe détail figure dans l'historique d'activité du dossier. "
        "Si vous ne reconnaissez pas cet accès, vous pouvez bloquer ce professionnel depuis "
        "la page « Confidentialité et accès ».\n\nespace-sante"
    )
    destinataires = {_adresse_patient(profil)}
    destinataires.update(
        r.representant.titulaire.email
        for r in Representation.objects.actives()
        .filter(mineur=profil, representant__titulaire__isnull=False)
        .select_related("representant__titulaire")
    )
    for adresse in sorted(filter(None, destinataires)):
        notifier(destinataire=adresse, sujet=sujet, corps=corps, profil=profil)
    mt = parametres.medecin_traitant
    if urgence and mt is not None and mt.pk != pro.pk:
        notifier(
            destinataire=mt.user.email,
            sujet="Accès en urgence au dossier d'un de vos patients",
            corps=f"Bonjour,\n\nLe {quand}, {pro} a ouvert en urgence le dossier espace-sante "
            f"de votre patient {profil.nom_affiche}.\n\nespace-sante",
            profil=profil,
        )
