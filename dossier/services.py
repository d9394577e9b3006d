"""Writes of the record. Each checks the policy (``consentement.acces``) and journals the act
(``dossier.journal``), in the transaction of the write."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from consentement import acces
from consentement.acces import Acteur
from consentement.acces import choix as consentement
from consentement.enums import Categorie
from dossier import journal, mesures
from dossier.enums import CATEGORIE_DE_RUBRIQUE, CategorieDocument, Rubrique, TypeMesure
from dossier.models import Document, ElementDossier, InformationMedicale, Mesure, Signalement
from espace_sante.comptes.enums import Role
from espace_sante.journal.attestation import attester
from espace_sante.lib.fichiers import FichierVerifie
from espace_sante.lib.refus import SaisieInvalide, exiger
from espace_sante.lib.texte import nom_affichable
from espace_sante.notifications.models import Canal
from espace_sante.notifications.services import Destination, notifier


def _auteur(acteur: Acteur) -> dict:
    return {
        "profil": acteur.profil,
        "auteur": acteur.user,
        "auteur_role": acteur.role,
        "auteur_professionnel": acteur.professionnel,
        "auteur_libelle": acces.libelle_auteur(acteur),
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
        raise SaisieInvalide(vide)
    return nom


def _exiger_ecriture(acteur: Acteur, categorie: str) -> None:
    """A professional writes only what their profession may read, never the person's wishes."""
    if acces.peut_ecrire(acteur, categorie):
        return
    libelle = Categorie(categorie).label
    if categorie in acces.VOLONTES_DE_LA_PERSONNE:
        raise SaisieInvalide(
            f"« {libelle} » : seul le patient (ou son représentant légal) renseigne sa volonté."
        )
    raise SaisieInvalide(f"Votre profession ne permet pas d'ajouter d'élément « {libelle} ».")


def _options_pro(acteur: Acteur, *, confidentiel: bool, annonce_requise: bool = False):
    """Only a professional holds a result for announcement or records confidentiality."""
    if confidentiel and not acces.peut_declarer_confidentiel(acteur):
        raise SaisieInvalide("Seul un professionnel peut rendre confidentiel l'acte d'un mineur.")
    if annonce_requise and not acces.peut_reserver_annonce(acteur):
        raise SaisieInvalide("Seul un professionnel peut réserver un résultat à l'annonce.")


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
        raise SaisieInvalide(refus)
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
        # New for the person until they open it (``document_vu``).
        nouveau=acteur.role == Role.PROFESSIONNEL,
    )
    # The file is written before the row; if anything fails up to the commit, the row is
    # rolled back and the ciphertext deleted: a failed upload leaves nothing stored.
    document.fichier.save("document", ContentFile(fichier.contenu), save=False)
    try:
        with transaction.atomic():
            document.save()
            _apres_creation(acteur, document)
            _document_annoncer(document)
    except BaseException:
        document.fichier.storage.delete(document.fichier.name)
        raise
    return document


def _document_annoncer(document: Document) -> None:
    """A professional's document (``nouveau``: new for the person until they open it): the
    person is told, by their preferences, through the policy's ``destinataires`` (a minor's
    representatives too, unless the act is confidential). The notice names neither the
    document nor its author. One held for an announcement consultation is not announced
    (the person may not see it yet)."""
    profil = document.profil
    if not document.nouveau or document.annonce_requise or not profil.notifier_nouveau_document:
        return
    notifier(
        profil=profil,
        motif="document_ajoute",
        cle=f"document_ajoute:{document.public_id}",
        gabarit="dossier/notifications/document_ajoute",
        contexte={
            "patient": profil.nom_affiche,
            "lien": settings.SITE_URL + reverse("dossier:accueil"),
        },
        a=acces.destinataires(profil, confidentiel=document.confidentiel),
    )


def document_vu(*, acteur: Acteur, document: Document) -> None:
    """The person (or their representative) opened the document: it is no longer new.

    The one write a GET does besides the journal, on purpose: it is the reader's own
    state ("seen"), idempotent (a conditional UPDATE, nothing when already seen), and a
    professional's or a mediator's reading never clears it."""
    if acteur.cote_patient and document.nouveau:
        Document.objects.filter(pk=document.pk, nouveau=True).update(nouveau=False)
        document.nouveau = False


def document_ouvrir(*, acteur: Acteur, document: Document, telechargement: bool):
    """The decrypting file handle; the journal says who opened it."""
    journal.document_consulte(acteur, document, telechargement=telechargement)
    return document.fichier.open("rb")


def document_consulter(*, acteur: Acteur, document: Document, page: str) -> None:
    """A document's page was shown (``document`` comes from a selector, so it is the
    actor's to see): one history line, unless it is the holder's own read."""
    journal.document_consulte(acteur, document, page=page)


def depot_refuse(*, acteur: Acteur, motif: str) -> None:
    """An upload the checks refused: the history keeps the attempt and its reason."""
    journal.document_refuse(acteur, motif=motif)


def historique_exporter(*, acteur: Acteur, format: str) -> None:
    """The person takes their activity history away (CSV): one history line."""
    journal.historique_exporte(acteur, format=format)


def historique_attester(*, acteur: Acteur) -> dict:
    """The head of the person's chain, signed (``JournalAltere`` if the chain is broken).
    Journaled first, so the attestation covers the entry that records its own issue."""
    exiger(acces.peut_attester_historique(acteur))
    journal.historique_exporte(acteur, format="attestation")
    return attester(acteur.profil)


@transaction.atomic
def document_supprimer(*, acteur: Acteur, document: Document) -> None:
    exiger(acces.peut_supprimer(acteur, document))
    nom = document.fichier.name
    journal.document_supprime(acteur, document)
    document.delete()
    storage = document.fichier.storage
    transaction.on_commit(lambda: storage.delete(nom))


@transaction.atomic
def document_liberer(*, acteur: Acteur, document: Document) -> None:
    exiger(acces.peut_liberer(acteur, document))
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
        raise SaisieInvalide("La date de fin ne peut pas précéder la date de début.")
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
    exiger(acces.peut_voir(acteur, element) and acces.peut_corriger(acteur, element))
    if date and date_fin and date_fin < date:
        raise SaisieInvalide("La date de fin ne peut pas précéder la date de début.")
    element.libelle = _nom(libelle, "Donnez un intitulé.")
    element.details = details or None
    element.date, element.date_fin = date, date_fin
    element.save(update_fields=["libelle", "details", "date", "date_fin"])
    journal.information_modifiee(acteur, element)
    return element


@transaction.atomic
def mesure_modifier(*, acteur: Acteur, element: Mesure, valeur: str, quand: datetime) -> Mesure:
    """Correct a measure's value or date (same rule and journal as an entry)."""
    exiger(acces.peut_voir(acteur, element) and acces.peut_corriger(acteur, element))
    element.valeur = mesures.valeur_normaliser(element.type, valeur)
    element.date = quand
    element.save(update_fields=["valeur", "date"])
    journal.information_modifiee(acteur, element)
    return element


@transaction.atomic
def information_supprimer(*, acteur: Acteur, element: InformationMedicale | Mesure) -> None:
    exiger(acces.peut_voir(acteur, element) and acces.peut_supprimer(acteur, element))
    journal.information_supprimee(acteur, element)
    element.delete()


@transaction.atomic
def erreur_signaler(*, acteur: Acteur, element: ElementDossier, message: str) -> Signalement:
    """The person tells the author of an item that it is wrong; the author is emailed."""
    exiger(acces.peut_voir(acteur, element) and acces.peut_signaler_erreur(acteur, element))
    pro = element.auteur_professionnel
    signalement = Signalement.objects.create(
        profil=acteur.profil,
        professionnel=pro,
        genre=element.GENRE,
        element_id=element.public_id,
        message=message,
        signale_par=acteur.user,
        signale_par_libelle=acces.libelle_auteur(acteur),
    )
    journal.erreur_signalee(acteur, element, signalement)
    notifier(
        motif="erreur_signalee",
        cle=f"signalement:{signalement.public_id}",
        gabarit="dossier/notifications/erreur_signalee",
        contexte={},
        a=[Destination(Canal.EMAIL, pro.user.email, acteur.profil)],
    )
    return signalement


@transaction.atomic
def signalement_traiter(*, acteur: Acteur, signalement: Signalement) -> None:
    """The professional marks a report as handled (journaled on the person's chain)."""
    exiger(acces.peut_traiter_signalement(acteur, signalement))
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
