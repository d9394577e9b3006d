"""Writes of the record, and its exports. Each checks the policy and journals the act."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from consentement import acces
from consentement import services as consentement
from consentement.acces import Lecteur
from dossier import fhir, selectors
from dossier.enums import BORNES, UNITES, CategorieDocument, Rubrique, TypeMesure
from dossier.models import Document, ElementDossier, InformationMedicale, Mesure
from espace_sante.comptes.enums import Role
from espace_sante.journal.enums import Action
from espace_sante.lib import pdf
from espace_sante.lib.fichiers import FichierVerifie


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


def _options_pro(lecteur: Lecteur, *, confidentiel: bool, annonce_requise: bool = False):
    """Only a professional holds a result for announcement or records confidentiality."""
    if confidentiel and not acces.peut_declarer_confidentiel(lecteur):
        raise SaisieRefusee("Seul un professionnel peut rendre confidentiel l'acte d'un mineur.")
    if annonce_requise and lecteur.role != Role.PROFESSIONNEL:
        raise SaisieRefusee("Seul un professionnel peut réserver un résultat à l'annonce.")


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
    _options_pro(lecteur, confidentiel=confidentiel, annonce_requise=annonce_requise)
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


def export_fhir(*, lecteur: Lecteur) -> bytes:
    """The whole record the reader sees, as a FHIR R4 Bundle (JSON), files included."""
    _exiger(lecteur.cote_patient)
    profil = lecteur.profil
    patient = fhir.PatientFhir(
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
    documents = []
    for d in selectors.documents_visibles(lecteur=lecteur).select_related("auteur_professionnel"):
        with d.fichier.open("rb") as f:
            contenu = f.read()
        documents.append(
            fhir.DocumentFhir(
                id=str(d.public_id),
                titre=d.titre,
                categorie=d.categorie,
                categorie_libelle=d.get_categorie_display(),
                date_acte=d.date_acte,
                ajoute_le=d.ajoute_le,
                auteur=_auteur_fhir(d),
                type_mime=d.type_mime,
                contenu=contenu,
            )
        )
    infos = [
        fhir.InformationFhir(
            id=str(i.public_id),
            rubrique=i.rubrique,
            libelle=i.libelle_affiche,
            details=i.details or "",
            date=i.date,
            date_fin=i.date_fin,
            ajoute_le=i.ajoute_le,
            auteur=_auteur_fhir(i),
        )
        for i in selectors.informations_visibles(lecteur=lecteur).select_related(
            "auteur_professionnel"
        )
    ]
    mesures = []
    for m in selectors.mesures_visibles(lecteur=lecteur).select_related("auteur_professionnel"):
        a, b = m.nombres
        mesures.append(
            fhir.MesureFhir(
                id=str(m.public_id), type=m.type, valeur=a, valeur2=b, date=m.date,
                auteur=_auteur_fhir(m),
            )
        )  # fmt: skip
    bundle = fhir.bundle(patient, documents, infos, mesures, genere_le=timezone.now())
    consentement.journaliser(
        lecteur,
        Action.EXPORT,
        details={"format": "FHIR R4", "elements": len(documents) + len(infos) + len(mesures)},
    )
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode()


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
