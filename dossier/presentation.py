"""What the record's pages show, built once for the patient's and the professional's pages:
sections the reader may see (and one line naming those they may not), the reader's rights
on each item, charts and the latest measures."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from consentement import acces
from consentement.acces import Acteur
from consentement.enums import Categorie
from dossier import mesures as mesures_lib
from dossier import selectors
from dossier.enums import CATEGORIE_DE_RUBRIQUE, Rubrique, TypeMesure
from dossier.graphique import ETROIT, courbe_svg
from dossier.models import Document, InformationMedicale, Mesure
from espace_sante.comptes.enums import Role

DERNIERES_MESURES = 10  # in the table; the chart draws them all, the full list has its page


def dessins(type_mesure: TypeMesure, mesures: list) -> dict:
    """The chart of these measures (oldest first), drawn twice: for a wide screen (``svg``)
    and for a phone (``svg_etroit``, legible at 390 px); the page's CSS shows one."""
    points = [(m.date.date(), float(m.nombres[0])) for m in mesures]
    seconds = None
    if type_mesure == TypeMesure.TENSION:
        seconds = [(m.date.date(), float(m.nombres[1] or 0)) for m in mesures]
    options = {
        "titre": f"Évolution : {type_mesure.label.lower()}",
        "unite": mesures[0].unite,
        "points2": seconds,
        "libelle1": "Systolique" if seconds else "",
        "libelle2": "Diastolique" if seconds else "",
    }
    return {
        "svg": courbe_svg(points, **options),
        "svg_etroit": courbe_svg(points, format=ETROIT, **options),
    }


def _courbe(type_mesure: TypeMesure, mesures: list) -> dict:
    dernieres = list(reversed(mesures[-DERNIERES_MESURES:]))
    return {
        "type": type_mesure,
        "mesures": dernieres,
        "total": len(mesures),
        **dessins(type_mesure, mesures),
    }


def _droits(acteur: Acteur, contenu: dict) -> None:
    for elements in [*contenu["rubriques"].values(), *contenu["mesures"].values()]:
        for element in elements:
            element.supprimable = acces.peut_supprimer(acteur, element)
            element.corrigeable = acces.peut_corriger(acteur, element)
            element.signalable = acces.peut_signaler_erreur(acteur, element)


def profil_medical(acteur: Acteur) -> dict:
    contenu = selectors.profil_medical(acteur=acteur)
    _droits(acteur, contenu)
    rubriques, refusees = [], []
    la_personne = acteur.role == Role.TITULAIRE
    for rubrique, infos in contenu["rubriques"].items():
        for info in infos:
            info.libelle_lu = info.libelle_pour(la_personne=la_personne)
        categorie = CATEGORIE_DE_RUBRIQUE[rubrique]
        if not acces.rubrique_proposee(acteur.profil, categorie):
            continue
        if acces.rubrique_lisible(acteur, categorie):
            rubriques.append((rubrique, infos, acces.peut_ecrire(acteur, categorie)))
        else:
            refusees.append(rubrique.label.lower())
    mesures_lisibles = acces.rubrique_lisible(acteur, Categorie.MESURES)
    if not mesures_lisibles:
        refusees.append("mesures")
    return {
        "rubriques": rubriques,
        "rubriques_refusees": refusees,
        "mesures_accessibles": mesures_lisibles,
        "mesures_ecrire": acces.peut_ecrire(acteur, Categorie.MESURES),
        "peut_gerer": acces.peut_gerer_visibilite(acteur),
        "courbes": [_courbe(t, m) for t, m in contenu["mesures"].items() if m],
        "imc": mesures_lib.imc(contenu["mesures"]),
        # The médecin traitant's name, on the person's page (a professional knows their own).
        "parametres": acces.parametres_de(acteur.profil) if acteur.cote_patient else None,
        "cote_patient": acteur.cote_patient,
    }


def signalements_nommes(signalements: list) -> list:
    """The professional's inbox of reports: each names the item it is about ("Allergie :
    « Amoxiciline »", "Document « Bilan »", "Mesure de tension du 02/11/2026") and links to
    it in the patient's record (``element_nom``, ``element_lien``); the author's own items
    only, as the reports are."""
    modeles = {m.GENRE: m for m in (Document, InformationMedicale, Mesure)}
    trouves = {}
    for genre, modele in modeles.items():
        ids = [s.element_id for s in signalements if s.genre == genre]
        if ids:
            trouves.update(
                {(genre, e.public_id): e for e in modele.objects.filter(public_id__in=ids)}
            )
    for s in signalements:
        element = trouves.get((s.genre, s.element_id))
        dossier = reverse("dossier:pro_dossier", args=[s.profil.public_id])
        if element is None:
            s.element_nom, s.element_lien = "Élément supprimé depuis", ""
        elif isinstance(element, Document):
            s.element_nom = f"Document « {element.titre} »"
            s.element_lien = reverse("dossier:document", args=[element.public_id])
        elif isinstance(element, Mesure):
            jour = timezone.localtime(element.date)
            s.element_nom = f"Mesure ({element.get_type_display().lower()}) du {jour:%d/%m/%Y}"
            s.element_lien = f"{dossier}#element-{element.public_id}"
        else:
            libelle = element.libelle_pour(la_personne=False)
            s.element_nom = f"{Rubrique(element.rubrique).label} : « {libelle} »"
            s.element_lien = f"{dossier}#element-{element.public_id}"
    return signalements
