"""Writes of the record, and its exports. Each checks the policy and journals the act."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from consentement import acces, cycle
from consentement import services as consentement
from consentement.acces import Lecteur
from consentement.enums import Categorie
from dossier import fhir, selectors
from dossier.enums import (
    BORNES,
    CATEGORIE_DE_RUBRIQUE,
    UNITES,
    CategorieDocument,
    Rubrique,
    TypeMesure,
)
from dossier.fichiers import FichierVerifie
from dossier.models import Document, ElementDossier, InformationMedicale, Mesure, Signalement
from espace_sante.comptes.enums import Role
from espace_sante.journal.enums import Action
from espace_sante.lib import pdf
from espace_sante.notifications.services import notifier


class SaisieRefusee(Exception):
    """Input the record cannot take; the message is French and says what to fix."""


def _exiger(condition: bool) -> None:
    if not condition:
        raise Http404


def _auteur(lecteur: Lecteur) -> dict:
    if lecteur.role == Role.PROFESSIONNEL:
        libelle = str(lecteur.professionnel)
    else:
        libelle = (
            f"{lecteur.user.nom_complet or lecteur.user.email} ({Role(lecteur.role).label.lower()})"
        )
    return {
        "profil": lecteur.profil,
        "auteur": lecteur.user,
        "auteur_role": lecteur.role,
        "auteur_professionnel": lecteur.professionnel,
        "auteur_libelle": libelle,
    }


def _apres_creation(lecteur: Lecteur, element: ElementDossier, action: Action, details: dict):
    if element.confidentiel:
        consentement.confidentialite_enregistrer(lecteur=lecteur, element=element)
    consentement.journaliser(lecteur, action, objet=element, details=details)


def _exiger_ecriture(lecteur: Lecteur, categorie: str) -> None:
    """A professional writes only what their profession may read, never the person's wishes."""
    if acces.peut_ecrire(lecteur, categorie):
        return
    libelle = Categorie(categorie).label
    if categorie in acces.VOLONTES_DE_LA_PERSONNE:
        raise SaisieRefusee(
            f"« {libelle} » : seul le patient (ou son représentant légal) renseigne sa volonté."
        )
    raise SaisieRefusee(f"Votre profession ne permet pas d'ajouter d'élément « {libelle} ».")


def _options_pro(lecteur: Lecteur, *, confidentiel: bool, annonce_requise: bool = False):
    """Only a professional holds a result for announcement or records confidentiality."""
    if confidentiel and not acces.peut_declarer_confidentiel(lecteur):
        raise SaisieRefusee("Seul un professionnel peut rendre confidentiel l'acte d'un mineur.")
    if annonce_requise and lecteur.role != Role.PROFESSIONNEL:
        raise SaisieRefusee("Seul un professionnel peut réserver un résultat à l'annonce.")


def _mo(octets: int) -> str:
    return f"{octets / (1024 * 1024):.0f} Mo"


def limites_depot(*, lecteur: Lecteur, taille: int) -> str | None:
    """Why this upload must wait or cannot be stored (French), or None.

    The per-person pace and the profile's storage quota are counted on the documents
    themselves (PostgreSQL): nothing to keep in sync, and it holds when Redis is down.
    """
    depuis = timezone.now() - timedelta(hours=1)
    recents = Document.objects.filter(auteur=lecteur.user, ajoute_le__gte=depuis).count()
    if recents >= settings.TELEVERSEMENTS_PAR_HEURE:
        return (
            f"Vous avez ajouté {recents} documents en moins d'une heure : par sécurité, "
            "attendez un peu avant d'en ajouter d'autres."
        )
    utilise = Document.objects.filter(profil=lecteur.profil).aggregate(t=Sum("taille"))["t"] or 0
    quota = settings.QUOTA_PROFIL_OCTETS
    if utilise + taille > quota:
        return (
            f"L'espace de stockage de ce dossier est plein ({_mo(utilise)} utilisés sur "
            f"{_mo(quota)}) : supprimez des documents dont vous n'avez plus besoin."
        )
    return None


def document_ajouter(
    *,
    lecteur: Lecteur,
    fichier: FichierVerifie,
    titre: str,
    categorie: str,
    date_acte: date | None,
    annonce_requise: bool = False,
    confidentiel: bool = False,
) -> Document:
    _exiger_ecriture(lecteur, categorie)
    _options_pro(lecteur, confidentiel=confidentiel, annonce_requise=annonce_requise)
    if refus := limites_depot(lecteur=lecteur, taille=len(fichier.contenu)):
        raise SaisieRefusee(refus)
    document = Document(
        **_auteur(lecteur),
        categorie=CategorieDocument(categorie),
        titre=titre,
        date_acte=date_acte,
        type_mime=fichier.type_mime,
        extension=fichier.extension,
        taille=len(fichier.contenu),
        empreinte=hashlib.sha256(fichier.contenu).hexdigest(),
        annonce_requise=annonce_requise,
        confidentiel=confidentiel,
    )
    # The file is written before the row; if anything fails up to the commit, the row is
    # rolled back and the ciphertext deleted: a failed upload leaves nothing stored.
    document.fichier.save("document", ContentFile(fichier.contenu), save=False)
    try:
        with transaction.atomic():
            document.save()
            _apres_creation(
                lecteur,
                document,
                Action.DOCUMENT_AJOUTE,
                {"categorie": categorie, "annonce_requise": annonce_requise},
            )
    except BaseException:
        document.fichier.storage.delete(document.fichier.name)
        raise
    return document


def document_ouvrir(*, lecteur: Lecteur, document: Document, telechargement: bool):
    """The decrypting file handle; the journal says who opened it."""
    consentement.journaliser(
        lecteur,
        Action.DOCUMENT_CONSULTE,
        objet=document,
        details={"categorie": document.categorie, "telechargement": telechargement},
    )
    return document.fichier.open("rb")


@transaction.atomic
def document_supprimer(*, lecteur: Lecteur, document: Document) -> None:
    _exiger(acces.peut_supprimer(lecteur, document))
    nom = document.fichier.name
    consentement.journaliser(
        lecteur, Action.DOCUMENT_SUPPRIME, objet=document, details={"categorie": document.categorie}
    )
    document.delete()
    storage = document.fichier.storage
    transaction.on_commit(lambda: storage.delete(nom))


@transaction.atomic
def document_liberer(*, lecteur: Lecteur, document: Document) -> None:
    _exiger(acces.peut_liberer(lecteur, document))
    document.annonce_le = timezone.now()
    document.save(update_fields=["annonce_le"])
    consentement.journaliser(lecteur, Action.DOCUMENT_LIBERE, objet=document)


@transaction.atomic
def information_ajouter(
    *,
    lecteur: Lecteur,
    rubrique: str,
    libelle: str,
    details: str = "",
    date: date | None = None,
    date_fin: date | None = None,
    confidentiel: bool = False,
) -> InformationMedicale:
    _exiger_ecriture(lecteur, CATEGORIE_DE_RUBRIQUE[Rubrique(rubrique)])
    _options_pro(lecteur, confidentiel=confidentiel)
    if date and date_fin and date_fin < date:
        raise SaisieRefusee("La date de fin ne peut pas précéder la date de début.")
    info = InformationMedicale.objects.create(
        **_auteur(lecteur),
        rubrique=Rubrique(rubrique),
        libelle=libelle,
        details=details or None,
        date=date,
        date_fin=date_fin,
        confidentiel=confidentiel,
    )
    _apres_creation(lecteur, info, Action.INFORMATION_AJOUTEE, {"rubrique": rubrique})
    return info


@transaction.atomic
def information_supprimer(*, lecteur: Lecteur, element: InformationMedicale | Mesure) -> None:
    _exiger(acces.peut_voir(lecteur, element) and acces.peut_supprimer(lecteur, element))
    consentement.journaliser(
        lecteur,
        Action.INFORMATION_SUPPRIMEE,
        objet=element,
        details={"categorie": element.categorie},
    )
    element.delete()


@transaction.atomic
def erreur_signaler(*, lecteur: Lecteur, element: ElementDossier, message: str) -> Signalement:
    """The person tells the author of an item that it is wrong; the author is emailed."""
    _exiger(acces.peut_voir(lecteur, element) and acces.peut_signaler_erreur(lecteur, element))
    pro = element.auteur_professionnel
    signalement = Signalement.objects.create(
        profil=lecteur.profil,
        professionnel=pro,
        genre=element.GENRE,
        element_id=element.public_id,
        message=message,
        signale_par=lecteur.user,
        signale_par_libelle=_auteur(lecteur)["auteur_libelle"],
    )
    consentement.journaliser(
        lecteur,
        Action.ERREUR_SIGNALEE,
        objet=element,
        details={"professionnel": str(pro), "signalement": str(signalement.public_id)},
    )
    notifier(
        destinataire=pro.user.email,
        sujet="Un patient vous signale une erreur dans son dossier",
        corps="Bonjour,\n\nUn patient vous signale une erreur dans un élément que vous avez "
        "ajouté à son dossier espace-santé. Son message vous attend dans votre espace "
        "professionnel, rubrique « Signalements d'erreur ».\n\nespace-santé",
        profil=lecteur.profil,
    )
    return signalement


@transaction.atomic
def signalement_traiter(*, professionnel, signalement: Signalement) -> None:
    """The professional marks a report as handled (journaled on the person's chain)."""
    _exiger(signalement.professionnel_id == professionnel.pk and signalement.traite_le is None)
    signalement.traite_le = timezone.now()
    signalement.save(update_fields=["traite_le"])
    cycle.journaliser_acte(
        signalement.profil,
        Action.SIGNALEMENT_TRAITE,
        cycle.acteur_professionnel(professionnel),
        objet=signalement,
        details={"professionnel": str(professionnel)},
    )


def valeur_mesure(type_mesure: str, valeur: str) -> str:
    """Normalise a typed value ("72,5", "12/8" is refused, "120/80") or say what is wrong."""
    type_mesure = TypeMesure(type_mesure)
    bas, haut = BORNES[type_mesure]
    morceaux = valeur.replace(",", ".").replace(" ", "").split("/")
    attendus = 2 if type_mesure == TypeMesure.TENSION else 1
    if len(morceaux) != attendus:
        exemple = "120/80" if attendus == 2 else "72,5"
        raise SaisieRefusee(f"Saisissez la valeur sous la forme {exemple}.")
    nombres = []
    for morceau in morceaux:
        try:
            nombre = float(morceau)
        except ValueError:
            raise SaisieRefusee("La valeur doit être un nombre (ex. : 72,5).") from None
        if not bas <= nombre <= haut:
            unite = UNITES[type_mesure]
            raise SaisieRefusee(
                f"Valeur improbable : elle doit être comprise entre {bas:n} et {haut:n} {unite}.".replace(
                    ".", ","
                )
            )
        nombres.append(f"{nombre:g}")
    if attendus == 2 and float(nombres[0]) <= float(nombres[1]):
        raise SaisieRefusee("La tension systolique (1er nombre) doit dépasser la diastolique.")
    return "/".join(nombres)


@transaction.atomic
def mesure_ajouter(
    *,
    lecteur: Lecteur,
    type_mesure: str,
    valeur: str,
    quand: datetime | None = None,
    confidentiel: bool = False,
) -> Mesure:
    _exiger_ecriture(lecteur, Categorie.MESURES)
    _options_pro(lecteur, confidentiel=confidentiel)
    mesure = Mesure.objects.create(
        **_auteur(lecteur),
        type=TypeMesure(type_mesure),
        valeur=valeur_mesure(type_mesure, valeur),
        date=quand or timezone.now(),
        confidentiel=confidentiel,
    )
    _apres_creation(lecteur, mesure, Action.INFORMATION_AJOUTEE, {"mesure": type_mesure})
    return mesure


def imc(mesures: dict) -> tuple[float, Mesure, Mesure] | None:
    """Body-mass index from the latest weight and height, when both are known."""
    poids, taille = mesures.get(TypeMesure.POIDS), mesures.get(TypeMesure.TAILLE)
    if not poids or not taille:
        return None
    p, t = poids[-1], taille[-1]
    metres = float(t.nombres[0]) / 100
    return round(float(p.nombres[0]) / (metres * metres), 1), p, t


def dossier_consulter(*, lecteur: Lecteur, page: str) -> None:
    consentement.journaliser(lecteur, Action.DOSSIER_CONSULTE, details={"page": page})


# --- Exports ---------------------------------------------------------------------------


def _auteur_fhir(element) -> fhir.AuteurFhir:
    pro = element.auteur_professionnel
    return fhir.AuteurFhir(libelle=element.auteur_libelle, rpps=pro.rpps if pro else "")


TAILLE_LECTURE = 64 * 1024


def _lire_fichier(document: Document) -> Iterator[bytes]:
    """The decrypted file, chunk by chunk; the file is closed when the reading ends."""
    # A fresh handle at each call: the content is read twice (SHA-1, then the data).
    with document.fichier.storage.open(document.fichier.name, "rb") as fichier:
        while morceau := fichier.read(TAILLE_LECTURE):
            yield morceau


def _patient_fhir(profil) -> fhir.PatientFhir:
    return fhir.PatientFhir(
        id=str(profil.public_id),
        nir=profil.nir,
        nom_naissance=profil.nom_naissance,
        nom_usage=profil.nom_usage,
        prenoms=profil.prenoms,
        date_naissance=profil.date_naissance,
        sexe=profil.sexe,
        email=profil.titulaire.email if profil.titulaire_id else profil.email_contact,
        telephone=profil.telephone,
        adresse=profil.adresse,
        code_postal=profil.code_postal,
        commune=profil.commune,
    )


def _document_fhir(d: Document) -> fhir.DocumentFhir:
    return fhir.DocumentFhir(
        id=str(d.public_id),
        titre=d.titre,
        categorie=d.categorie,
        categorie_libelle=d.get_categorie_display(),
        date_acte=d.date_acte,
        ajoute_le=d.ajoute_le,
        auteur=_auteur_fhir(d),
        type_mime=d.type_mime,
        contenu=lambda: _lire_fichier(d),
        taille=d.taille,
    )


def _information_fhir(i: InformationMedicale) -> fhir.InformationFhir:
    return fhir.InformationFhir(
        id=str(i.public_id),
        rubrique=i.rubrique,
        libelle=i.libelle_affiche,
        details=i.details or "",
        date=i.date,
        date_fin=i.date_fin,
        ajoute_le=i.ajoute_le,
        auteur=_auteur_fhir(i),
    )


def _mesure_fhir(m: Mesure) -> fhir.MesureFhir:
    a, b = m.nombres
    return fhir.MesureFhir(
        id=str(m.public_id), type=m.type, valeur=a, valeur2=b, date=m.date, auteur=_auteur_fhir(m)
    )


def export_fhir(*, lecteur: Lecteur) -> Iterator[bytes]:
    """The whole record the reader sees, as a FHIR R4 Bundle (JSON), files included,
    streamed: the files are read and encoded chunk by chunk while the client downloads."""
    _exiger(lecteur.cote_patient)
    documents = [
        _document_fhir(d)
        for d in selectors.documents_visibles(lecteur=lecteur).select_related(
            "auteur_professionnel"
        )
    ]
    infos = [
        _information_fhir(i)
        for i in selectors.informations_visibles(lecteur=lecteur).select_related(
            "auteur_professionnel"
        )
    ]
    mesures = [
        _mesure_fhir(m)
        for m in selectors.mesures_visibles(lecteur=lecteur).select_related("auteur_professionnel")
    ]
    flux = fhir.bundle_flux(
        _patient_fhir(lecteur.profil), documents, infos, mesures, genere_le=timezone.now()
    )
    premier = next(flux)  # validates every resource before anything is sent or journaled
    consentement.journaliser(
        lecteur,
        Action.EXPORT,
        details={"format": "FHIR R4", "elements": len(documents) + len(infos) + len(mesures)},
    )
    return itertools.chain([premier], flux)


def export_pdf(*, lecteur: Lecteur) -> bytes:
    """A readable summary: identity, medical profile, measures, list of documents."""
    _exiger(lecteur.cote_patient)
    profil = lecteur.profil
    contenu = selectors.profil_medical(lecteur=lecteur)
    blocs = [
        ("entete", "espace-sante — synthèse du dossier médical"),
        ("titre", profil.nom_affiche),
        ("texte", f"Né(e) le {profil.date_naissance:%d/%m/%Y}" if profil.date_naissance else ""),
        ("petit", f"Synthèse générée le {timezone.localtime():%d/%m/%Y à %H:%M}."),
    ]
    for rubrique, infos in contenu["rubriques"].items():
        if not infos:
            continue
        blocs.append(("sous-titre", rubrique.label))
        for i in infos:
            quand = f" ({i.date:%d/%m/%Y})" if i.date else ""
            blocs.append(("texte", f"• {i.libelle_affiche}{quand}"))
            if i.details:
                blocs.append(("petit", i.details))
    for type_mesure, mesures in contenu["mesures"].items():
        if mesures:
            derniere = mesures[-1]
            blocs.append(
                ("texte", f"{type_mesure.label} : {derniere.valeur_affichee} "
                          f"le {timezone.localtime(derniere.date):%d/%m/%Y}")
            )  # fmt: skip
    documents = list(selectors.documents_visibles(lecteur=lecteur))
    blocs.append(("sous-titre", f"Documents ({len(documents)})"))
    for d in documents:
        quand = (d.date_acte or d.ajoute_le.date()).strftime("%d/%m/%Y")
        blocs.append(("texte", f"• {quand} — {d.get_categorie_display()} — {d.titre}"))
        blocs.append(("petit", f"Ajouté par {d.auteur_libelle}"))
    consentement.journaliser(lecteur, Action.EXPORT, details={"format": "PDF"})
    return pdf.document([[b for b in blocs if b[1]]], titre=f"Dossier de {profil.nom_affiche}")
