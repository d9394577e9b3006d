"""Writes of the record. Each checks the policy (``consentement.acces``) and journals the act
(``dossier.journal``), in the transaction of the write."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from consentement import acces
from consentement import services as consentement
from consentement.acces import Acteur
from consentement.enums import Categorie
from dossier import journal, mesures
from dossier.enums import CATEGORIE_DE_RUBRIQUE, CategorieDocument, Rubrique, TypeMesure
from dossier.erreurs import SaisieRefusee
from dossier.models import Document, ElementDossier, InformationMedicale, Mesure, Signalement
from espace_sante.comptes.enums import Role
from espace_sante.lib.fichiers import FichierVerifie
from espace_sante.lib.texte import nom_affichable
from espace_sante.notifications.models import Canal
from espace_sante.notifications.services import Destination, notifier


def _exiger(condition: bool) -> None:
    if not condition:
        raise Http404


def _auteur(acteur: Acteur) -> dict:
    if acteur.role == Role.PROFESSIONNEL:
        libelle = str(acteur.professionnel)
    elif acteur.role == Role.APPLICATION:
        libelle = f"{acteur.libelle} (service connecté)"
    else:
        libelle = (
            f"{acteur.user.nom_complet or acteur.user.email} ({Role(acteur.role).label.lower()})"
        )
    return {
        "profil": acteur.profil,
        "auteur": acteur.user,
        "auteur_role": acteur.role,
        "auteur_professionnel": acteur.professionnel,
        "auteur_libelle": libelle,
    }


def _apres_creation(acteur: Acteur, element: ElementDossier) -> None:
    if element.confidentiel:
        consentement.confidentialite_enregistrer(acteur=acteur, element=element)
    if isinstance(element, Document):
        journal.document_ajoute(acteur, element)
    else:
        journal.information_ajoutee(acteur, element)


def _nom(texte: str, vide: str) -> str:
    """A title as others will read it (``texte.nom_affichable``), refused if nothing is left."""
    if not (nom := nom_affichable(texte)):
        raise SaisieRefusee(vide)
    return nom


def _exiger_ecriture(acteur: Acteur, categorie: str) -> None:
    """A professional writes only what their profession may read, never the person's wishes."""
    if acces.peut_ecrire(acteur, categorie):
        return
    libelle = Categorie(categorie).label
    if categorie in acces.VOLONTES_DE_LA_PERSONNE:
        raise SaisieRefusee(
            f"« {libelle} » : seul le patient (ou son représentant légal) renseigne sa volonté."
        )
    raise SaisieRefusee(f"Votre profession ne permet pas d'ajouter d'élément « {libelle} ».")


def _options_pro(acteur: Acteur, *, confidentiel: bool, annonce_requise: bool = False):
    """Only a professional holds a result for announcement or records confidentiality."""
    if confidentiel and not acces.peut_declarer_confidentiel(acteur):
        raise SaisieRefusee("Seul un professionnel peut rendre confidentiel l'acte d'un mineur.")
    if annonce_requise and not acces.peut_reserver_annonce(acteur):
        raise SaisieRefusee("Seul un professionnel peut réserver un résultat à l'annonce.")


def _mo(octets: int) -> str:
    return f"{octets / (1024 * 1024):.0f} Mo"


def limites_depot(*, acteur: Acteur, taille: int) -> str | None:
    """Why this upload must wait or cannot be stored (French), or None.

    The per-person pace and the profile's storage quota are counted on the documents
    themselves (PostgreSQL): nothing to keep in sync, and it holds when Redis is down.
    """
    depuis = timezone.now() - timedelta(hours=1)
    recents = Document.objects.filter(auteur=acteur.user, ajoute_le__gte=depuis).count()
    if recents >= settings.TELEVERSEMENTS_PAR_HEURE:
        return (
            f"Vous avez ajouté {recents} documents en moins d'une heure : par sécurité, "
            "attendez un peu avant d'en ajouter d'autres."
        )
    utilise = Document.objects.filter(profil=acteur.profil).aggregate(t=Sum("taille"))["t"] or 0
    quota = settings.QUOTA_PROFIL_OCTETS
    if utilise + taille > quota:
        return (
            f"L'espace de stockage de ce dossier est plein ({_mo(utilise)} utilisés sur "
            f"{_mo(quota)}) : supprimez des documents dont vous n'avez plus besoin."
        )
    return None


def document_ajouter(
    *,
    acteur: Acteur,
    fichier: FichierVerifie,
    titre: str,
    categorie: str,
    date_acte: date | None,
    annonce_requise: bool = False,
    confidentiel: bool = False,
    provenance: str = "",
) -> Document:
    """``provenance``: where the file comes from when it was not uploaded here (a message)."""
    _exiger_ecriture(acteur, categorie)
    _options_pro(acteur, confidentiel=confidentiel, annonce_requise=annonce_requise)
    titre = _nom(titre, "Donnez un titre au document.")
    if refus := limites_depot(acteur=acteur, taille=len(fichier.contenu)):
        raise SaisieRefusee(refus)
    document = Document(
        **_auteur(acteur),
        categorie=CategorieDocument(categorie),
        titre=titre,
        date_acte=date_acte,
        type_mime=fichier.type_mime,
        extension=fichier.extension,
        taille=len(fichier.contenu),
        empreinte=hashlib.sha256(fichier.contenu).hexdigest(),
        annonce_requise=annonce_requise,
        confidentiel=confidentiel,
        provenance=provenance,
    )
    # The file is written before the row; if anything fails up to the commit, the row is
    # rolled back and the ciphertext deleted: a failed upload leaves nothing stored.
    document.fichier.save("document", ContentFile(fichier.contenu), save=False)
    try:
        with transaction.atomic():
            document.save()
            _apres_creation(acteur, document)
    except BaseException:
        document.fichier.storage.delete(document.fichier.name)
        raise
    return document


def document_ouvrir(*, acteur: Acteur, document: Document, telechargement: bool):
    """The decrypting file handle; the journal says who opened it."""
    journal.document_consulte(acteur, document, telechargement=telechargement)
    return document.fichier.open("rb")


@transaction.atomic
def document_supprimer(*, acteur: Acteur, document: Document) -> None:
    _exiger(acces.peut_supprimer(acteur, document))
    nom = document.fichier.name
    journal.document_supprime(acteur, document)
    document.delete()
    storage = document.fichier.storage
    transaction.on_commit(lambda: storage.delete(nom))


@transaction.atomic
def document_liberer(*, acteur: Acteur, document: Document) -> None:
    _exiger(acces.peut_liberer(acteur, document))
    document.annonce_le = timezone.now()
    document.save(update_fields=["annonce_le"])
    journal.document_libere(acteur, document)


@transaction.atomic
def information_ajouter(
    *,
    acteur: Acteur,
    rubrique: str,
    libelle: str,
    details: str = "",
    date: date | None = None,
    date_fin: date | None = None,
    confidentiel: bool = False,
) -> InformationMedicale:
    _exiger_ecriture(acteur, CATEGORIE_DE_RUBRIQUE[Rubrique(rubrique)])
    _options_pro(acteur, confidentiel=confidentiel)
    if date and date_fin and date_fin < date:
        raise SaisieRefusee("La date de fin ne peut pas précéder la date de début.")
    info = InformationMedicale.objects.create(
        **_auteur(acteur),
        rubrique=Rubrique(rubrique),
        libelle=_nom(libelle, "Donnez un intitulé."),
        details=details or None,
        date=date,
        date_fin=date_fin,
        confidentiel=confidentiel,
    )
    _apres_creation(acteur, info)
    return info


@transaction.atomic
def information_modifier(
    *,
    acteur: Acteur,
    element: InformationMedicale,
    libelle: str,
    details: str = "",
    date: date | None = None,
    date_fin: date | None = None,
) -> InformationMedicale:
    """Correct an entry in place (its author, or the person for what their side added),
    journaled like an addition; its confidentiality and mask are unchanged."""
    _exiger(acces.peut_voir(acteur, element) and acces.peut_corriger(acteur, element))
    if date and date_fin and date_fin < date:
        raise SaisieRefusee("La date de fin ne peut pas précéder la date de début.")
    element.libelle = _nom(libelle, "Donnez un intitulé.")
    element.details = details or None
    element.date, element.date_fin = date, date_fin
    element.save(update_fields=["libelle", "details", "date", "date_fin"])
    journal.information_modifiee(acteur, element)
    return element


@transaction.atomic
def mesure_modifier(*, acteur: Acteur, element: Mesure, valeur: str, quand: datetime) -> Mesure:
    """Correct a measure's value or date (same rule and journal as an entry)."""
    _exiger(acces.peut_voir(acteur, element) and acces.peut_corriger(acteur, element))
    element.valeur = mesures.valeur_normaliser(element.type, valeur)
    element.date = quand
    element.save(update_fields=["valeur", "date"])
    journal.information_modifiee(acteur, element)
    return element


@transaction.atomic
def information_supprimer(*, acteur: Acteur, element: InformationMedicale | Mesure) -> None:
    _exiger(acces.peut_voir(acteur, element) and acces.peut_supprimer(acteur, element))
    journal.information_supprimee(acteur, element)
    element.delete()


@transaction.atomic
def erreur_signaler(*, acteur: Acteur, element: ElementDossier, message: str) -> Signalement:
    """The person tells the author of an item that it is wrong; the author is emailed."""
    _exiger(acces.peut_voir(acteur, element) and acces.peut_signaler_erreur(acteur, element))
    pro = element.auteur_professionnel
    signalement = Signalement.objects.create(
        profil=acteur.profil,
        professionnel=pro,
        genre=element.GENRE,
        element_id=element.public_id,
        message=message,
        signale_par=acteur.user,
        signale_par_libelle=_auteur(acteur)["auteur_libelle"],
    )
    journal.erreur_signalee(acteur, element, signalement)
    notifier(
        motif="erreur_signalee",
        cle=f"signalement:{signalement.public_id}",
        gabarit="erreur_signalee",
        contexte={},
        a=[Destination(Canal.EMAIL, pro.user.email, acteur.profil)],
    )
    return signalement


@transaction.atomic
def signalement_traiter(*, acteur: Acteur, signalement: Signalement) -> None:
    """The professional marks a report as handled (journaled on the person's chain)."""
    _exiger(
        acteur.professionnel is not None
        and signalement.professionnel_id == acteur.professionnel.pk
        and signalement.traite_le is None
    )
    signalement.traite_le = timezone.now()
    signalement.save(update_fields=["traite_le"])
    journal.signalement_traite(acteur, signalement)


@transaction.atomic
def mesure_ajouter(
    *,
    acteur: Acteur,
    type_mesure: str,
    valeur: str,
    quand: datetime | None = None,
    confidentiel: bool = False,
) -> Mesure:
    _exiger_ecriture(acteur, Categorie.MESURES)
    _options_pro(acteur, confidentiel=confidentiel)
    mesure = Mesure.objects.create(
        **_auteur(acteur),
        type=TypeMesure(type_mesure),
        valeur=mesures.valeur_normaliser(type_mesure, valeur),
        date=quand or timezone.now(),
        confidentiel=confidentiel,
    )
    _apres_creation(acteur, mesure)
    return mesure


def dossier_consulter(*, acteur: Acteur, page: str) -> None:
    journal.dossier_consulte(acteur, page=page)
