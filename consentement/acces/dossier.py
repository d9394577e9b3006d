"""The record's rules: who reads which item, who writes what, who holds a result.

``sur_dossier`` narrows an actor to one record, once per request: the person's side
first (a doctor reading their own record reads it as a patient), then the professional
side with what the rules grant (profession matrix, médecin traitant, emergency). Then
``peut_voir`` decides one item and ``q_visibles`` is the same rule as a database filter,
so a list never shows what a detail refuses (a table test checks they agree).

What the rules read of an item is declared by its model (``ElementDossier``):
``AVEC_ANNONCE`` (may be held for an announcement consultation), ``AVEC_LISTE`` (may carry
an allow-list); every item has a category, an author, a mask and a confidentiality flag.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from consentement.acces import applications
from consentement.acces.acteur import Acteur
from consentement.acces.confidentialite import peut_voir_confidentiel, q_confidentialite
from consentement.acces.profils import profil_ouvert_aux_pros
from consentement.acces.requete import en_patient_de
from consentement.enums import Categorie, TypeAcces
from consentement.models import AccesProfessionnel, Blocage, MatriceProfession, ParametresAcces
from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Professionnel, Profil

ANNONCE_AVIS = timedelta(weeks=2)  # the patient is told something awaits an announcement
ANNONCE_VISIBLE = timedelta(days=30)  # ... and sees it anyway after a month

# What only the person (or their legal representative) states: nobody writes it for them.
VOLONTES_DE_LA_PERSONNE = frozenset(
    {Categorie.DIRECTIVES_ANTICIPEES, Categorie.PERSONNES_A_PREVENIR, Categorie.DON_ORGANES}
)


def parametres_de(profil: Profil) -> ParametresAcces:
    return ParametresAcces.objects.filter(profil=profil).first() or ParametresAcces(profil=profil)


def est_bloque(professionnel: Professionnel, profil: Profil) -> bool:
    return Blocage.objects.actifs().filter(profil=profil, professionnel=professionnel).exists()


def _avec_faits(pro: Professionnel, profils):
    """The profile(s) with everything the professional side needs, in the same query:
    block, current accesses, settings and the categories of the profession."""
    parametres = ParametresAcces.objects.filter(profil=OuterRef("pk"))
    return profils.annotate(
        bloque=Exists(Blocage.objects.actifs().filter(profil=OuterRef("pk"), professionnel=pro)),
        types=ArraySubquery(
            AccesProfessionnel.objects.actifs()
            .filter(profil=OuterRef("pk"), professionnel=pro)
            .values("type")
        ),
        mt=Subquery(parametres.values("medecin_traitant_id")[:1]),
        masques_mt=Subquery(parametres.values("masques_visibles_mt")[:1]),
        categories_pro=ArraySubquery(
            MatriceProfession.objects.filter(profession=pro.profession, autorise=True).values(
                "categorie"
            )
        ),
    )


def sur_professionnel(acteur: Acteur, profil: Profil) -> Acteur | None:
    """What a professional may read of this record now, or None (then: 404).

    Needs an open record, no block, and either the médecin traitant's standing access or
    a current access (identification by NIR and birth date, or emergency).
    """
    pro = acteur.professionnel
    if pro is None or profil is None:
        return None
    if not hasattr(profil, "bloque"):
        profil = _avec_faits(pro, Profil.objects.filter(pk=profil.pk)).first()
    if profil is None or not profil_ouvert_aux_pros(profil) or profil.bloque:
        return None
    medecin_traitant = profil.mt == pro.pk
    acces = set(profil.types)
    if not (medecin_traitant or acces):
        return None
    urgence = TypeAcces.URGENCE in acces
    masques_mt = True if profil.masques_mt is None else profil.masques_mt
    return acteur.sur(
        profil,
        role=Role.PROFESSIONNEL,
        libelle=str(pro),
        categories=frozenset(Categorie.values) if urgence else frozenset(profil.categories_pro),
        medecin_traitant=medecin_traitant,
        voit_masques=urgence or (medecin_traitant and masques_mt),
        urgence=urgence,
    )


def sur_dossier(acteur: Acteur, profil: Profil | None) -> Acteur | None:
    """The actor reading this record (the person's side first), or None (then: 404)."""
    if profil is None:
        return None
    return en_patient_de(acteur, profil) or sur_professionnel(acteur, profil)


def sur_dossier_par(acteur: Acteur, *, public_id=None, pk=None) -> Acteur | None:
    """``sur_dossier`` from a profile's public id (or pk), in one query at most: one of the
    user's own profiles costs none, a patient's record comes with the professional's facts."""
    for propre in acteur.profils:
        if (public_id is not None and str(propre.public_id) == str(public_id)) or propre.pk == pk:
            return en_patient_de(acteur, propre)
    if acteur.professionnel is None or (public_id is None and pk is None):
        return None
    filtre = {"public_id": public_id} if public_id is not None else {"pk": pk}
    profils = Profil.objects.filter(**filtre)
    return sur_professionnel(acteur, _avec_faits(acteur.professionnel, profils).first())


def profils_ouverts(acteur: Acteur, profils) -> list[Profil]:
    """Those of ``profils`` (a queryset) whose record this professional may open now, in one
    query (the médecin traitant's list of patients)."""
    if acteur.professionnel is None:
        return []
    return [p for p in _avec_faits(acteur.professionnel, profils) if sur_professionnel(acteur, p)]


# --- Reading ------------------------------------------------------------------------------


def _annonce_faite(element, maintenant) -> bool:
    return (
        not element.annonce_requise
        or element.annonce_le is not None
        or element.ajoute_le <= maintenant - ANNONCE_VISIBLE
    )


def peut_voir(acteur: Acteur, element, maintenant=None) -> bool:
    """One item of the record (document, profile entry, measure)."""
    maintenant = maintenant or timezone.now()
    if acteur.profil is None or element.profil_id != acteur.profil.pk:
        return False
    if acteur.role == Role.APPLICATION:
        # For the person, never what they keep from others (the record's rules), and only
        # what the scopes consented cover.
        return (
            element.categorie in applications.categories_lisibles(acteur, element.GENRE)
            and peut_voir_confidentiel(acteur, element)
            and not element.masque
            and (not element.AVEC_ANNONCE or _annonce_faite(element, maintenant))
        )
    if acteur.cote_patient:
        if not peut_voir_confidentiel(acteur, element):
            return False
        return not element.AVEC_ANNONCE or _annonce_faite(element, maintenant)
    if acteur.professionnel is None:
        return False
    if element.auteur_professionnel_id == acteur.professionnel.pk:
        return True
    if element.categorie not in acteur.categories:
        return False
    if element.AVEC_LISTE and element.reserve_a:
        return acteur.professionnel.pk in element.reserve_a
    return not element.masque or acteur.voit_masques


def q_visibles(acteur: Acteur, modele, maintenant=None) -> Q:
    """``peut_voir`` as a filter on a queryset of ``modele`` (an item model of the record)."""
    maintenant = maintenant or timezone.now()
    if acteur.profil is not None and acteur.role == Role.APPLICATION:
        categories = applications.categories_lisibles(acteur, modele.GENRE)
        q = Q(profil_id=acteur.profil.pk, masque=False, categorie__in=sorted(categories))
        q &= q_confidentialite(acteur)
        return q & q_annonce_faite(maintenant) if modele.AVEC_ANNONCE else q
    if acteur.profil is None or not (acteur.cote_patient or acteur.professionnel):
        return Q(pk__in=[])
    q = Q(profil_id=acteur.profil.pk)
    if acteur.cote_patient:
        q &= q_confidentialite(acteur)
        if modele.AVEC_ANNONCE:
            q &= q_annonce_faite(maintenant)
        return q
    regle = Q(categorie__in=sorted(acteur.categories))
    sans_liste = Q() if acteur.voit_masques else Q(masque=False)
    if modele.AVEC_LISTE:
        regle &= Q(reserve_a__contains=[acteur.professionnel.pk]) | (Q(reserve_a=[]) & sans_liste)
    else:
        regle &= sans_liste
    return q & (Q(auteur_professionnel_id=acteur.professionnel.pk) | regle)


def q_annonce_faite(maintenant) -> Q:
    """Items the patient may know of: not held, released, or held for over a month."""
    return (
        Q(annonce_requise=False)
        | Q(annonce_le__isnull=False)
        | Q(ajoute_le__lte=maintenant - ANNONCE_VISIBLE)
    )


def q_en_attente_annonce(acteur: Acteur, maintenant=None) -> Q:
    """Documents the patient is told about (after 2 weeks) but does not see yet."""
    maintenant = maintenant or timezone.now()
    if not acteur.cote_patient:
        return Q(pk__in=[])
    q = Q(
        profil_id=acteur.profil.pk,
        annonce_requise=True,
        annonce_le__isnull=True,
        ajoute_le__lte=maintenant - ANNONCE_AVIS,
        ajoute_le__gt=maintenant - ANNONCE_VISIBLE,
    )
    return q & q_confidentialite(acteur)


def rubrique_lisible(acteur: Acteur, categorie: str) -> bool:
    """Whether a section of the record exists for this reader at all (profession matrix)."""
    return acteur.cote_patient or categorie in acteur.categories


def categories_refusees(acteur: Acteur, categories) -> list[str]:
    """The categories of the record this reader's profession may not see (said once)."""
    return [c for c in categories if not rubrique_lisible(acteur, c)]


# --- Writing ------------------------------------------------------------------------------

# Wishes this record takes from adults only. Advance directives: "toute personne majeure"
# (code de la santé publique, art. L.1111-11). Organ donation: a minor's needs the written
# consent of each legal representative (art. L.1232-2); from 13 a minor may register a
# refusal in the national registry of the Agence de la biomédecine (art. R.1232-6), which
# this record does not replace. Below 18, neither section is offered.
RESERVEES_AUX_MAJEURS = frozenset({Categorie.DIRECTIVES_ANTICIPEES, Categorie.DON_ORGANES})


def rubrique_proposee(profil, categorie: str) -> bool:
    """Whether the record offers this section for this profile (see RESERVEES_AUX_MAJEURS)."""
    return not (categorie in RESERVEES_AUX_MAJEURS and profil is not None and profil.est_mineur())


def peut_ecrire(acteur: Acteur, categorie: str) -> bool:
    """A professional writes only in what their profession may read, never the person's
    own wishes; the person (or their representative) writes everything the record offers
    for the profile (a child has no advance directives)."""
    if not rubrique_proposee(acteur.profil, categorie):
        return False
    if acteur.cote_patient:
        return True
    if acteur.role == Role.APPLICATION:
        return applications.peut_ecrire_categorie(acteur, categorie)
    return categorie in acteur.categories and categorie not in VOLONTES_DE_LA_PERSONNE


def peut_gerer_visibilite(acteur: Acteur) -> bool:
    """Mask, allow-list, block, settings: the person (or their legal representative)."""
    return acteur.cote_patient


def peut_signaler_erreur(acteur: Acteur, element) -> bool:
    """The person tells a professional that an item they added is wrong."""
    return acteur.cote_patient and element.auteur_professionnel_id is not None


def peut_supprimer(acteur: Acteur, element) -> bool:
    """The person deletes what their side added; a professional's item can be masked only.
    A professional deletes their own profile entries (a typo), never a document."""
    if acteur.cote_patient:
        return element.auteur_professionnel_id is None
    return (
        acteur.professionnel is not None
        and not element.AVEC_ANNONCE
        and element.auteur_professionnel_id == acteur.professionnel.pk
    )


def peut_corriger(acteur: Acteur, element) -> bool:
    """Whoever may delete a profile entry or a measure may correct it instead (the author
    of a wrong entry, told by the person's report, fixes it without deleting and re-adding);
    a document is replaced, never edited."""
    return element.GENRE in ("information", "mesure") and peut_supprimer(acteur, element)


def peut_reserver_annonce(acteur: Acteur) -> bool:
    """Only a professional holds a result for an announcement consultation."""
    return acteur.role == Role.PROFESSIONNEL and acteur.professionnel is not None


def peut_liberer(acteur: Acteur, document) -> bool:
    """The author releases a result held for an announcement consultation."""
    return (
        peut_reserver_annonce(acteur)
        and document.auteur_professionnel_id == acteur.professionnel.pk
        and document.annonce_requise
        and document.annonce_le is None
    )


def peut_exporter(acteur: Acteur) -> bool:
    """The whole record leaves only with the person (or their representative)."""
    return acteur.cote_patient


def peut_traiter_signalement(acteur: Acteur, signalement) -> bool:
    """An error reported on an item is handled by the professional it was reported to, once."""
    return (
        acteur.professionnel is not None
        and not acteur.cote_patient
        and signalement.professionnel_id == acteur.professionnel.pk
        and signalement.traite_le is None
    )


def q_signalements_a_traiter(acteur: Acteur) -> Q:
    """``peut_traiter_signalement`` as a filter on Signalement (the professional's home)."""
    if acteur.professionnel is None or acteur.cote_patient:
        return Q(pk__in=[])
    return Q(professionnel_id=acteur.professionnel.pk, traite_le__isnull=True)


def refus_urgence(professionnel: Professionnel, profil: Profil) -> str | None:
    """None if an emergency access may open, else the French reason for the refusal."""
    if not profil_ouvert_aux_pros(profil) or est_bloque(professionnel, profil):
        return "Aucun dossier accessible ne correspond à ce NIR et cette date de naissance."
    if parametres_de(profil).refus_urgence:
        return "Ce patient a refusé l'accès à son dossier en urgence : l'accès n'est pas ouvert."
    return None
