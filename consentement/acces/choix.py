"""The person's choices on their record: blocks, masks, allow-lists, a minor's
confidentiality, emergency access, the médecin traitant, notifications of access.

Every setting is a Decision row (the ledger) plus the current state it changes, in one
transaction. Each service takes the actor (the person or their legal representative, as
the policy narrowed it) and refuses with 404 what the policy does not grant.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from consentement import acces, journal
from consentement.acces import Acteur, registre
from consentement.enums import TypeDecision
from consentement.models import AccesProfessionnel, Blocage, Decision, ParametresAcces
from espace_sante.comptes.enums import Profession
from espace_sante.comptes.models import Professionnel, Profil
from espace_sante.lib.refus import Introuvable, exiger


def profil_basculer(*, acteur: Acteur, public_id) -> Acteur:
    """Switch the profile the user acts on (the view remembers it in the session); 404 for a
    profile that is not theirs."""
    profil = next((p for p in acteur.profils if str(p.public_id) == str(public_id)), None)
    nouveau = acces.en_patient_de(acteur, profil)
    if nouveau is None:
        raise Introuvable
    journal.profil_bascule(nouveau)
    return nouveau


def _drapeau(element) -> dict:
    return {"confidentiel": True} if getattr(element, "confidentiel", False) else {}


def _parametres_verrouilles(profil: Profil) -> ParametresAcces:
    ParametresAcces.objects.get_or_create(profil=profil)
    return ParametresAcces.objects.select_for_update().get(profil=profil)


@transaction.atomic
def professionnel_bloquer(*, acteur: Acteur, professionnel: Professionnel) -> Decision:
    exiger(acces.peut_gerer_visibilite(acteur))
    profil = acteur.profil
    if acces.est_bloque(professionnel, profil):
        raise registre.ActionImpossible("Ce professionnel est déjà bloqué.")
    Blocage.objects.create(profil=profil, professionnel=professionnel)
    # A block ends the professional's current accesses at once.
    AccesProfessionnel.objects.actifs().filter(profil=profil, professionnel=professionnel).update(
        revoque_le=timezone.now()
    )
    return registre.decision_enregistrer(
        profil=profil,
        type_decision=TypeDecision.BLOCAGE,
        acteur=acteur,
        details={"professionnel": str(professionnel), "rpps": professionnel.rpps},
    )


@transaction.atomic
def professionnel_debloquer(*, acteur: Acteur, blocage: Blocage) -> Decision:
    exiger(acces.peut_gerer_visibilite(acteur) and blocage.profil_id == acteur.profil.pk)
    blocage.revoque_le = timezone.now()
    blocage.save(update_fields=["revoque_le"])
    pro = blocage.professionnel
    return registre.decision_enregistrer(
        profil=acteur.profil,
        type_decision=TypeDecision.DEBLOCAGE,
        acteur=acteur,
        details={"professionnel": str(pro), "rpps": pro.rpps},
    )


@transaction.atomic
def element_masquer(*, acteur: Acteur, element, masque: bool) -> Decision | None:
    """Mask an item of the record from professionals (its author and the médecin traitant
    still see it, see the policy), or lift the mask."""
    exiger(acces.peut_gerer_visibilite(acteur) and acces.peut_voir(acteur, element))
    if element.masque == masque:
        return None
    element.masque = masque
    element.save(update_fields=["masque"])
    return registre.decision_enregistrer(
        profil=acteur.profil,
        type_decision=TypeDecision.MASQUAGE if masque else TypeDecision.DEMASQUAGE,
        acteur=acteur,
        details={element.GENRE: str(element.public_id), **_drapeau(element)},
    )


@transaction.atomic
def document_restreindre(
    *, acteur: Acteur, document, professionnels: list[Professionnel]
) -> Decision | None:
    """Only these professionals (and the author) see the document; [] lifts the list."""
    exiger(acces.peut_gerer_visibilite(acteur) and acces.peut_voir(acteur, document))
    ids = sorted({p.pk for p in professionnels})
    if sorted(document.reserve_a) == ids:
        return None
    document.reserve_a = ids
    document.save(update_fields=["reserve_a"])
    return registre.decision_enregistrer(
        profil=acteur.profil,
        type_decision=TypeDecision.RESTRICTION,
        acteur=acteur,
        details={
            "document": str(document.public_id),
            "professionnels": [f"{p} — RPPS {p.rpps}" for p in professionnels],
            **_drapeau(document),
        },
    )


def confidentialite_enregistrer(*, acteur: Acteur, element) -> Decision:
    """The professional records the minor's request (inside the item's creation)."""
    exiger(acces.peut_declarer_confidentiel(acteur))
    return registre.decision_enregistrer(
        profil=acteur.profil,
        type_decision=TypeDecision.CONFIDENTIALITE,
        acteur=acteur,
        details={
            "objet": element._meta.verbose_name,
            "id": str(element.public_id),
            "confidentiel": True,  # hidden from the representatives' history too
        },
    )


@transaction.atomic
def urgence_regler(*, acteur: Acteur, refus: bool) -> Decision | None:
    exiger(acces.peut_gerer_visibilite(acteur))
    parametres = _parametres_verrouilles(acteur.profil)
    if parametres.refus_urgence == refus:
        return None
    parametres.refus_urgence = refus
    parametres.save(update_fields=["refus_urgence"])
    type_decision = TypeDecision.URGENCE_REFUS if refus else TypeDecision.URGENCE_ACCEPTATION
    return registre.decision_enregistrer(
        profil=acteur.profil, type_decision=type_decision, acteur=acteur
    )


@transaction.atomic
def masques_mt_regler(*, acteur: Acteur, visibles: bool) -> Decision | None:
    exiger(acces.peut_gerer_visibilite(acteur))
    parametres = _parametres_verrouilles(acteur.profil)
    if parametres.masques_visibles_mt == visibles:
        return None
    parametres.masques_visibles_mt = visibles
    parametres.save(update_fields=["masques_visibles_mt"])
    return registre.decision_enregistrer(
        profil=acteur.profil,
        type_decision=TypeDecision.MASQUES_MT,
        acteur=acteur,
        details={"visibles": visibles},
    )


@transaction.atomic
def medecin_traitant_declarer(
    *, acteur: Acteur, professionnel: Professionnel | None
) -> Decision | None:
    exiger(acces.peut_gerer_visibilite(acteur))
    if professionnel is not None and professionnel.profession != Profession.MEDECIN:
        raise registre.ActionImpossible("Le médecin traitant doit être un médecin.")
    parametres = _parametres_verrouilles(acteur.profil)
    if parametres.medecin_traitant_id == (professionnel.pk if professionnel else None):
        return None
    parametres.medecin_traitant = professionnel
    parametres.save(update_fields=["medecin_traitant"])
    return registre.decision_enregistrer(
        profil=acteur.profil,
        type_decision=TypeDecision.MEDECIN_TRAITANT,
        acteur=acteur,
        details={
            "professionnel": str(professionnel) if professionnel else "aucun",
            "rpps": professionnel.rpps if professionnel else "",
        },
    )


@transaction.atomic
def notifications_acces_regler(*, acteur: Acteur, actives: bool) -> None:
    exiger(acces.peut_gerer_visibilite(acteur))
    parametres = _parametres_verrouilles(acteur.profil)
    if parametres.notifier_acces_pro == actives:
        return
    parametres.notifier_acces_pro = actives
    parametres.save(update_fields=["notifier_acces_pro"])
    journal.coordonnees_modifiees(acteur, objet=parametres, champs={"notifier_acces_pro": actives})
