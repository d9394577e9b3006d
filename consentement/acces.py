"""The one access policy: who may see or do what on a profile.

Plain predicates taking the actor and the object, and scoped querysets built on the
same rules, so that a list can never show what a detail view refuses. Views,
admin, exports and tasks ask here; none re-implements a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from consentement.enums import Categorie, TypeAcces
from consentement.models import AccesProfessionnel, Blocage, MatriceProfession, ParametresAcces
from espace_sante.comptes import roles
from espace_sante.comptes.enums import Role, StatutProfil
from espace_sante.comptes.models import Professionnel, Profil, Representation, User

# A profile someone can work in: not announced (still opposable), opposed or closed.
STATUTS_UTILISABLES = (StatutProfil.CREE, StatutProfil.ACTIVE)


def _date_majorite():
    """Born after this date means still a minor today."""
    aujourdhui = timezone.localdate()
    try:
        return aujourdhui.replace(year=aujourdhui.year - 18)
    except ValueError:  # 29 February
        return aujourdhui.replace(year=aujourdhui.year - 18, day=28)


def profils_accessibles(user) -> QuerySet[Profil]:
    """Profiles the user acts on as titulaire or legal representative.

    Their own activated profile, and each minor's profile they represent while the
    representation runs and the child is under 18: access stops on the next request
    after the 18th birthday, before any task has closed the link.
    """
    if not user.is_authenticated:
        return Profil.objects.none()
    mineurs = Representation.objects.actives().filter(
        representant__titulaire=user,
        representant__statut=StatutProfil.ACTIVE,
        mineur__date_naissance__gt=_date_majorite(),
    )
    return Profil.objects.filter(
        Q(titulaire=user, statut=StatutProfil.ACTIVE)
        | Q(pk__in=mineurs.values("mineur"), statut__in=STATUTS_UTILISABLES)
    ).order_by("date_naissance", "pk")


def peut_agir_sur_profil(user, profil: Profil) -> bool:
    return profils_accessibles(user).filter(pk=profil.pk).exists()


def role_sur_profil(user, profil: Profil) -> Role:
    """In which capacity the user acts on this profile (for the journal)."""
    return Role.TITULAIRE if profil.titulaire_id == user.pk else Role.REPRESENTANT


def peut_utiliser_espace_professionnel(user) -> bool:
    return roles.professionnel_de(user) is not None


def peut_utiliser_espace_mediateur(user) -> bool:
    return roles.mediateur_de(user) is not None


def peut_utiliser_admin(user) -> bool:
    """Staff only, and only once the second factor is verified."""
    return bool(user.is_active and user.is_staff and user.is_verified())


# --- The medical record -----------------------------------------------------------------
#
# A reader (``Lecteur``) is resolved once per request for one profile: who reads, in which
# role, and what the rules grant them. ``peut_voir`` decides for one item; ``q_visibles``
# is the same rule as a database filter, so a list never shows what a detail refuses
# (tests check both agree on every case of the table).

ANNONCE_AVIS = timedelta(weeks=2)  # the patient is told something awaits an announcement
ANNONCE_VISIBLE = timedelta(days=30)  # ... and sees it anyway after a month


@dataclass(frozen=True)
class Lecteur:
    user: User
    role: Role  # TITULAIRE, REPRESENTANT or PROFESSIONNEL
    profil: Profil
    professionnel: Professionnel | None = None
    categories: frozenset[str] = frozenset()
    medecin_traitant: bool = False
    voit_masques: bool = False
    urgence: bool = False

    @property
    def user_id(self) -> int:
        return self.user.pk

    @property
    def cote_patient(self) -> bool:
        return self.role in (Role.TITULAIRE, Role.REPRESENTANT)

    @property
    def pour_le_compte_de(self) -> Profil | None:
        return self.profil if self.role == Role.REPRESENTANT else None


def parametres_de(profil: Profil) -> ParametresAcces:
    return ParametresAcces.objects.filter(profil=profil).first() or ParametresAcces(profil=profil)


def categories_de(profession: str) -> frozenset[str]:
    return frozenset(
        MatriceProfession.objects.filter(profession=profession, autorise=True).values_list(
            "categorie", flat=True
        )
    )


def est_bloque(professionnel: Professionnel, profil: Profil) -> bool:
    return Blocage.objects.actifs().filter(profil=profil, professionnel=professionnel).exists()


def profil_ouvert_aux_pros(profil: Profil) -> bool:
    """Not announced (still opposable), opposed or closed: nothing for any professional."""
    return profil.statut in STATUTS_UTILISABLES


def lecteur_patient(user, profil: Profil) -> Lecteur | None:
    if not peut_agir_sur_profil(user, profil):
        return None
    return Lecteur(user, role_sur_profil(user, profil), profil)


def lecteur_professionnel(user, profil: Profil) -> Lecteur | None:
    """What a professional may read of this record now, or None (then: 404).

    Needs an open record, no block, and either the médecin traitant's standing access or
    a current access (identification by NIR and birth date, or emergency).
    """
    pro = roles.professionnel_de(user)
    if pro is None or not profil_ouvert_aux_pros(profil) or est_bloque(pro, profil):
        return None
    parametres = parametres_de(profil)
    medecin_traitant = parametres.medecin_traitant_id == pro.pk
    acces = set(
        AccesProfessionnel.objects.actifs()
        .filter(profil=profil, professionnel=pro)
        .values_list("type", flat=True)
    )
    if not (medecin_traitant or acces):
        return None
    urgence = TypeAcces.URGENCE in acces
    return Lecteur(
        user,
        Role.PROFESSIONNEL,
        profil,
        professionnel=pro,
        categories=frozenset(Categorie.values) if urgence else categories_de(pro.profession),
        medecin_traitant=medecin_traitant,
        voit_masques=urgence or (medecin_traitant and parametres.masques_visibles_mt),
        urgence=urgence,
    )


def lecteur(user, profil: Profil) -> Lecteur | None:
    """The reader of this record: the person's side first (a doctor reading their own
    record reads it as a patient), then the professional side."""
    return lecteur_patient(user, profil) or lecteur_professionnel(user, profil)


def _annonce_faite(element, maintenant) -> bool:
    return (
        not element.annonce_requise
        or element.annonce_le is not None
        or element.ajoute_le <= maintenant - ANNONCE_VISIBLE
    )


def peut_voir(lecteur: Lecteur, element, maintenant=None) -> bool:
    """One item of the record (document, profile entry, measure).

    What the rule reads is declared by the item's model: ``AVEC_ANNONCE`` (may be held
    for an announcement consultation) and ``AVEC_LISTE`` (may carry an allow-list).
    Every item can be masked from professionals and made confidential for a minor.
    """
    maintenant = maintenant or timezone.now()
    if element.profil_id != lecteur.profil.pk:
        return False
    if lecteur.cote_patient:
        if lecteur.role == Role.REPRESENTANT and element.confidentiel:
            return False
        return not element.AVEC_ANNONCE or _annonce_faite(element, maintenant)
    if element.auteur_professionnel_id == lecteur.professionnel.pk:
        return True
    if element.categorie not in lecteur.categories:
        return False
    if element.AVEC_LISTE and element.reserve_a:
        return lecteur.professionnel.pk in element.reserve_a
    return not element.masque or lecteur.voit_masques


def q_visibles(lecteur: Lecteur, modele, maintenant=None) -> Q:
    """``peut_voir`` as a filter on a queryset of ``modele`` (an item model of the record)."""
    maintenant = maintenant or timezone.now()
    q = Q(profil_id=lecteur.profil.pk)
    if lecteur.cote_patient:
        if lecteur.role == Role.REPRESENTANT:
            q &= Q(confidentiel=False)
        if modele.AVEC_ANNONCE:
            q &= q_annonce_faite(maintenant)
        return q
    regle = Q(categorie__in=sorted(lecteur.categories))
    sans_liste = Q() if lecteur.voit_masques else Q(masque=False)
    if modele.AVEC_LISTE:
        regle &= Q(reserve_a__contains=[lecteur.professionnel.pk]) | (Q(reserve_a=[]) & sans_liste)
    else:
        regle &= sans_liste
    return q & (Q(auteur_professionnel_id=lecteur.professionnel.pk) | regle)


def q_annonce_faite(maintenant) -> Q:
    """Items the patient may know of: not held, released, or held for over a month."""
    return (
        Q(annonce_requise=False)
        | Q(annonce_le__isnull=False)
        | Q(ajoute_le__lte=maintenant - ANNONCE_VISIBLE)
    )


# --- Decisions and history: what the person's side sees of the ledger and the journal ---

# Rows about a minor's confidential act carry this flag (JSON containment, so a row
# without the key is kept: ``exclude(details__confidentiel=True)`` would drop it, SQL NULL).
_CONFIDENTIEL = Q(details__contains={"confidentiel": True})


def peut_voir_decision(lecteur: Lecteur, decision) -> bool:
    """A decision of the ledger (Mes choix, its receipt): never a minor's confidential
    request to their representatives."""
    if not lecteur.cote_patient or decision.profil_id != lecteur.profil.pk:
        return False
    return not (lecteur.role == Role.REPRESENTANT and decision.details.get("confidentiel"))


def q_decisions_visibles(lecteur: Lecteur) -> Q:
    """``peut_voir_decision`` as a filter on Decision."""
    if not lecteur.cote_patient:
        return Q(pk__in=[])
    q = Q(profil_id=lecteur.profil.pk)
    if lecteur.role == Role.REPRESENTANT:
        q &= ~_CONFIDENTIEL
    return q


def q_historique(lecteur: Lecteur, *, objets_caches: dict[str, list[str]] | None = None) -> Q:
    """The profile's journal as its person sees it.

    A representative sees everything but entries about a confidential act; nobody on the
    person's side sees entries about an item they may not know of yet (a result held for
    an announcement): the caller passes those items' ids by object type.
    """
    if not lecteur.cote_patient:
        return Q(pk__in=[])
    q = Q(profil_id=lecteur.profil.pk)
    if lecteur.role == Role.REPRESENTANT:
        q &= ~_CONFIDENTIEL
    for objet_type, ids in (objets_caches or {}).items():
        if ids:
            q &= ~Q(objet_type=objet_type, objet_id__in=ids)
    return q


def q_en_attente_annonce(lecteur: Lecteur, maintenant=None) -> Q:
    """Documents the patient is told about (after 2 weeks) but does not see yet."""
    maintenant = maintenant or timezone.now()
    q = Q(
        profil_id=lecteur.profil.pk,
        annonce_requise=True,
        annonce_le__isnull=True,
        ajoute_le__lte=maintenant - ANNONCE_AVIS,
        ajoute_le__gt=maintenant - ANNONCE_VISIBLE,
    )
    if lecteur.role == Role.REPRESENTANT:
        q &= Q(confidentiel=False)
    return q


# Writes. A professional writes only in what their profession may read, never the
# person's own wishes; the rest is narrower.

# What only the person (or their legal representative) states: nobody writes it for them.
VOLONTES_DE_LA_PERSONNE = frozenset(
    {Categorie.DIRECTIVES_ANTICIPEES, Categorie.PERSONNES_A_PREVENIR, Categorie.DON_ORGANES}
)


def peut_ecrire(lecteur: Lecteur, categorie: str) -> bool:
    """May this reader add an item of this category to the record?"""
    if lecteur.cote_patient:
        return True
    return categorie in lecteur.categories and categorie not in VOLONTES_DE_LA_PERSONNE


def peut_gerer_visibilite(lecteur: Lecteur) -> bool:
    """Mask, allow-list, block, settings: the person (or their legal representative)."""
    return lecteur.cote_patient


def peut_signaler_erreur(lecteur: Lecteur, element) -> bool:
    """The person tells a professional that an item they added is wrong."""
    return lecteur.cote_patient and element.auteur_professionnel_id is not None


def peut_supprimer(lecteur: Lecteur, element) -> bool:
    """The person deletes what their side added; a professional's item can be masked only.
    A professional deletes their own profile entries (a typo), never a document."""
    if lecteur.cote_patient:
        return element.auteur_professionnel_id is None
    return not element.AVEC_ANNONCE and element.auteur_professionnel_id == lecteur.professionnel.pk


def peut_liberer(lecteur: Lecteur, document) -> bool:
    """The author releases a result held for an announcement consultation."""
    return (
        lecteur.role == Role.PROFESSIONNEL
        and document.auteur_professionnel_id == lecteur.professionnel.pk
        and document.annonce_requise
        and document.annonce_le is None
    )


def peut_declarer_confidentiel(lecteur: Lecteur) -> bool:
    """A professional records a minor's request that their parents not see an act."""
    return lecteur.role == Role.PROFESSIONNEL and lecteur.profil.est_mineur()


def peut_attester_historique(lecteur: Lecteur) -> bool:
    """The titulaire only: an attestation states how many entries the chain holds, which
    counts a minor's confidential acts too, and a representative must not learn even that."""
    return lecteur.role == Role.TITULAIRE


def peut_acceder_en_urgence(professionnel: Professionnel, profil: Profil) -> str | None:
    """None if allowed, else the French reason for the refusal."""
    if not profil_ouvert_aux_pros(profil) or est_bloque(professionnel, profil):
        return "Aucun dossier accessible ne correspond à ce NIR et cette date de naissance."
    if parametres_de(profil).refus_urgence:
        return "Ce patient a refusé l'accès à son dossier en urgence : l'accès n'est pas ouvert."
    return None
