"""Entries of the medical profile and measures: add, delete; any item: mask, signal."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from consentement import acces
from consentement.acces import choix as consentement
from consentement.enums import Categorie
from dossier import forms, selectors, services
from dossier.enums import CATEGORIE_DE_RUBRIQUE, Rubrique
from dossier.models import Document, InformationMedicale, Mesure
from dossier.views.navigation import retour_element, retour_profil
from espace_sante.comptes.enums import Role
from espace_sante.lib.refus import SaisieInvalide

MODELES = {m.GENRE: m for m in (Document, InformationMedicale, Mesure)}


def _element(request, genre, public_id):
    modele = MODELES.get(genre)
    if modele is None:
        raise Http404
    return selectors.element_visible(acteur=request.acteur, modele=modele, public_id=public_id)


def _formulaire(request, form, titre: str, acteur, status_ok=200):
    return render(
        request,
        "dossier/element_ajouter.html",
        {"form": form, "titre": titre, "retour": retour_profil(acteur)},
        status=400 if form.is_bound else status_ok,
    )


@require_http_methods(["GET", "POST"])
def information_ajouter(request, profil, rubrique):
    acteur = selectors.acteur_sur_dossier(acteur=request.acteur, public_id=profil)
    try:
        rubrique = Rubrique(rubrique)
    except ValueError:
        raise Http404 from None
    if not acces.peut_ecrire(acteur, CATEGORIE_DE_RUBRIQUE[rubrique]):
        raise Http404
    form = forms.InformationForm(
        request.POST if request.method == "POST" else None, acteur=acteur, rubrique=rubrique
    )
    if form.is_valid():
        try:
            info = services.information_ajouter(
                acteur=acteur, rubrique=rubrique, **form.cleaned_data
            )
        except SaisieInvalide as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(request, f"« {rubrique.label} » : information ajoutée.")
            return redirect(f"{retour_profil(acteur)}#element-{info.public_id}")
    return _formulaire(request, form, rubrique.label, acteur)


@require_http_methods(["GET", "POST"])
def mesure_ajouter(request, profil):
    acteur = selectors.acteur_sur_dossier(acteur=request.acteur, public_id=profil)
    if not acces.peut_ecrire(acteur, Categorie.MESURES):
        raise Http404
    form = forms.MesureForm(request.POST if request.method == "POST" else None, acteur=acteur)
    if form.is_valid():
        donnees = form.cleaned_data
        mesure = services.mesure_ajouter(
            acteur=acteur,
            type_mesure=donnees["type_mesure"],
            valeur=donnees["valeur"],
            quand=timezone.make_aware(datetime.combine(donnees["date"], time(12))),
            confidentiel=donnees.get("confidentiel", False),
        )
        messages.success(request, f"La mesure a été ajoutée. {form.avis}".strip())
        return redirect(f"{retour_profil(acteur)}#{_ancre(mesure)}")
    return _formulaire(request, form, "Mesure", acteur)


def _nom_element(acteur, element) -> str:
    if isinstance(element, Mesure):
        return f"la mesure « {element.get_type_display()} : {element.valeur_affichee} » du " + (
            f"{timezone.localtime(element.date):%d/%m/%Y}"
        )
    libelle = element.libelle_pour(la_personne=acteur.role == Role.TITULAIRE)
    return f"« {libelle} » ({Rubrique(element.rubrique).label.lower()})"


def _ancre(element) -> str:
    """Where the item sits on the profile page, to come back to the same place."""
    if isinstance(element, Mesure):
        return f"mesures-{element.type}"
    return f"rubrique-{element.rubrique}"


@require_http_methods(["GET", "POST"])
def element_supprimer(request, genre, public_id):
    """A confirmation page (works without JavaScript), then the deletion; back to the
    same section of the profile page."""
    if genre == Document.GENRE:
        raise Http404  # a document has its own confirmation page
    acteur, element = _element(request, genre, public_id)
    if not acces.peut_supprimer(acteur, element):
        raise Http404
    retour = f"{retour_profil(acteur)}#{_ancre(element)}"
    if request.method == "POST":
        services.information_supprimer(acteur=acteur, element=element)
        supprime = "La mesure" if isinstance(element, Mesure) else "L'information"
        messages.success(request, f"{supprime} a été supprimée.")
        return redirect(retour)
    return render(
        request,
        "dossier/element_supprimer.html",
        {"nom": _nom_element(acteur, element), "retour": retour},
    )


@require_http_methods(["GET", "POST"])
def element_modifier(request, genre, public_id):
    """Correct an entry or a measure in place (the form of its addition, filled)."""
    acteur, element = _element(request, genre, public_id)
    if genre == Document.GENRE or not acces.peut_corriger(acteur, element):
        raise Http404
    donnees = request.POST if request.method == "POST" else None
    if isinstance(element, Mesure):
        form = forms.MesureForm(
            donnees,
            acteur=acteur,
            initial={
                "type_mesure": element.type,
                "valeur": element.valeur.replace(".", ","),
                "date": timezone.localdate(element.date),
            },
        )
        form.fields["type_mesure"].disabled = True
        form.fields.pop("confidentiel", None)
    else:
        form = forms.InformationForm(
            donnees,
            acteur=acteur,
            rubrique=Rubrique(element.rubrique),
            initial={
                "libelle": element.libelle,
                "details": element.details or "",
                "date": element.date,
                "date_fin": element.date_fin,
            },
        )
        form.fields.pop("confidentiel", None)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if isinstance(element, Mesure):
                services.mesure_modifier(
                    acteur=acteur,
                    element=element,
                    valeur=d["valeur"],
                    quand=timezone.make_aware(datetime.combine(d["date"], time(12))),
                )
            else:
                services.information_modifier(
                    acteur=acteur,
                    element=element,
                    libelle=d["libelle"],
                    details=d.get("details", ""),
                    date=d.get("date"),
                    date_fin=d.get("date_fin"),
                )
        except SaisieInvalide as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(
                request, f"Correction enregistrée. {getattr(form, 'avis', '')}".strip()
            )
            return redirect(f"{retour_profil(acteur)}#element-{element.public_id}")
    return render(
        request,
        "dossier/element_modifier.html",
        {
            "form": form,
            "nom": _nom_element(acteur, element),
            "retour": f"{retour_profil(acteur)}#{_ancre(element)}",
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
def element_masquer(request, genre, public_id):
    acteur, element = _element(request, genre, public_id)
    masque = request.POST.get("masque") == "1"
    consentement.element_masquer(acteur=acteur, element=element, masque=masque)
    messages.success(
        request,
        "L'élément est masqué aux professionnels."
        if masque
        else "L'élément est de nouveau visible des professionnels.",
    )
    return redirect(retour_element(acteur, element))


@require_http_methods(["GET", "POST"])
def element_signaler(request, genre, public_id):
    acteur, element = _element(request, genre, public_id)
    if not acces.peut_signaler_erreur(acteur, element):
        raise Http404
    form = forms.SignalementForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.erreur_signaler(
            acteur=acteur, element=element, message=form.cleaned_data["message"]
        )
        messages.success(
            request, f"Votre signalement est transmis à {element.auteur_professionnel}."
        )
        return redirect(retour_element(acteur, element))
    return render(
        request,
        "dossier/element_signaler.html",
        {"form": form, "element": element, "retour": retour_element(acteur, element)},
        status=400 if form.is_bound else 200,
    )
