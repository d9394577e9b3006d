"""The record leaves with the person: a FHIR R4 Bundle (files included, streamed) and a
readable PDF summary. Both contain exactly what the policy shows the actor."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from django.utils import timezone

from consentement import acces
from consentement.acces import Acteur
from dossier import fhir, journal, selectors
from dossier.models import Document, InformationMedicale, Mesure
from espace_sante.comptes.enums import Role
from espace_sante.lib import pdf
from espace_sante.lib.refus import exiger
from espace_sante.lib.storage import morceaux


def auteur_fhir(element) -> fhir.AuteurFhir:
    pro = element.auteur_professionnel
    return fhir.AuteurFhir(libelle=element.auteur_libelle, rpps=pro.rpps if pro else "")


def lire_fichier(document: Document) -> Iterator[bytes]:
    """The decrypted file, chunk by chunk; the file is closed when the reading ends."""
    # A fresh handle at each call: the content is read twice (SHA-1, then the data).
    with document.fichier.storage.open(document.fichier.name, "rb") as fichier:
        yield from morceaux(fichier)


def patient_fhir(profil) -> fhir.PatientFhir:
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


def document_fhir(d: Document) -> fhir.DocumentFhir:
    return fhir.DocumentFhir(
        id=str(d.public_id),
        titre=d.titre,
        categorie=d.categorie,
        categorie_libelle=d.get_categorie_display(),
        date_acte=d.date_acte,
        ajoute_le=d.ajoute_le,
        auteur=auteur_fhir(d),
        type_mime=d.type_mime,
        contenu=lambda: lire_fichier(d),
        taille=d.taille,
    )


def information_fhir(i: InformationMedicale) -> fhir.InformationFhir:
    return fhir.InformationFhir(
        id=str(i.public_id),
        rubrique=i.rubrique,
        libelle=i.libelle_affiche,
        details=i.details or "",
        date=i.date,
        date_fin=i.date_fin,
        ajoute_le=i.ajoute_le,
        auteur=auteur_fhir(i),
    )


def mesure_fhir(m: Mesure) -> fhir.MesureFhir:
    a, b = m.nombres
    return fhir.MesureFhir(
        id=str(m.public_id), type=m.type, valeur=a, valeur2=b, date=m.date, auteur=auteur_fhir(m)
    )


def fhir_exporter(*, acteur: Acteur) -> Iterator[bytes]:
    """The whole record the reader sees, as a FHIR R4 Bundle (JSON), files included,
    streamed: the files are read and encoded chunk by chunk while the client downloads."""
    exiger(acces.peut_exporter(acteur))
    documents = [
        document_fhir(d)
        for d in selectors.documents_visibles(acteur=acteur).select_related("auteur_professionnel")
    ]
    infos = [
        information_fhir(i)
        for i in selectors.informations_visibles(acteur=acteur).select_related(
            "auteur_professionnel"
        )
    ]
    mesures = [
        mesure_fhir(m)
        for m in selectors.mesures_visibles(acteur=acteur).select_related("auteur_professionnel")
    ]
    flux = fhir.bundle_flux(
        patient_fhir(acteur.profil), documents, infos, mesures, genere_le=timezone.now()
    )
    premier = next(flux)  # validates every resource before anything is sent or journaled
    journal.export(acteur, format="FHIR R4", elements=len(documents) + len(infos) + len(mesures))
    return itertools.chain([premier], flux)


def pdf_exporter(*, acteur: Acteur) -> bytes:
    """A readable summary: identity, medical profile, measures, list of documents."""
    exiger(acces.peut_exporter(acteur))
    profil = acteur.profil
    contenu = selectors.profil_medical(acteur=acteur)
    blocs = [
        ("entete", "espace-santé — synthèse du dossier médical"),
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
            libelle = i.libelle_pour(la_personne=acteur.role == Role.TITULAIRE)
            blocs.append(("texte", f"• {libelle}{quand}"))
            if i.details:
                blocs.append(("petit", i.details))
    for type_mesure, mesures in contenu["mesures"].items():
        if mesures:
            derniere = mesures[-1]
            blocs.append(
                (
                    "texte",
                    f"{type_mesure.label} : {derniere.valeur_affichee} "
                    f"le {timezone.localtime(derniere.date):%d/%m/%Y}",
                )
            )
    documents = list(selectors.documents_visibles(acteur=acteur))
    blocs.append(("sous-titre", f"Documents ({len(documents)})"))
    for d in documents:
        quand = (d.date_acte or d.ajoute_le.date()).strftime("%d/%m/%Y")
        blocs.append(("texte", f"• {quand} — {d.get_categorie_display()} — {d.titre}"))
        blocs.append(("petit", f"Ajouté par {d.auteur_libelle}"))
    journal.export(acteur, format="PDF")
    return pdf.document([[b for b in blocs if b[1]]], titre=f"Dossier de {profil.nom_affiche}")
