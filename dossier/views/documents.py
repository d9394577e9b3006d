"""Documents: add, read, download, restrict to some professionals, delete, release."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consentement import acces
from consentement.acces import choix as consentement
from dossier import forms, selectors, services
from dossier.views.navigation import retour
from espace_sante.lib.refus import SaisieInvalide
from espace_sante.lib.telechargement import reponse_fichier


def _ajouter(acteur, form) -> object | None:
    donnees = form.cleaned_data
    try:
        return services.document_ajouter(
            acteur=acteur,
            fichier=donnees["fichier"],
            titre=donnees["titre"],
            categorie=donnees["categorie"],
            date_acte=donnees["date_acte"],
            annonce_requise=donnees.get("annonce_requise", False),
            confidentiel=donnees.get("confidentiel", False),
        )
    except SaisieInvalide as refus:
        form.add_error(None, str(refus))
        return None


@require_http_methods(["GET", "POST"])
def document_ajouter(request, profil):
    acteur = selectors.acteur_sur_dossier(acteur=request.acteur, public_id=profil)
    form = forms.DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        acteur=acteur,
        request=request,
    )
    if form.is_valid() and (document := _ajouter(acteur, form)) is not None:
        messages.success(request, "Le document a été ajouté au dossier.")
        return redirect("dossier:document", document.public_id)
    if form.is_bound:
        services.depot_refuse(acteur=acteur, motif="; ".join(form.errors.get("fichier", [])))
    return render(
        request,
        "dossier/document_ajouter.html",
        {"form": form, "acteur": acteur, "retour": retour(acteur)},
        status=400 if form.is_bound else 200,
    )


@require_GET
def document(request, public_id):
    acteur, doc = selectors.document_visible(acteur=request.acteur, public_id=public_id)
    services.document_consulter(acteur=acteur, document=doc, page="fiche")
    services.document_vu(acteur=acteur, document=doc)
    return render(
        request,
        "dossier/document.html",
        {
            "acteur": acteur,
            "document": doc,
            "retour": retour(acteur),
            "peut_gerer": acces.peut_gerer_visibilite(acteur),
            "peut_supprimer": acces.peut_supprimer(acteur, doc),
            "peut_liberer": acces.peut_liberer(acteur, doc),
            "peut_signaler": acces.peut_signaler_erreur(acteur, doc),
            "est_auteur": acteur.professionnel is not None
            and doc.auteur_professionnel_id == acteur.professionnel.pk,
            "reserve": selectors.professionnels(doc.reserve_a),
        },
    )


@require_GET
def document_fichier(request, public_id):
    """Streams the decrypted file; inline for the preview, attachment on request.

    Our own name and type, never the uploaded ones; nosniff and a sandbox CSP so a
    file can never run as a page of this site.
    """
    acteur, doc = selectors.document_visible(acteur=request.acteur, public_id=public_id)
    telechargement = request.GET.get("telecharger") == "1"
    flux = services.document_ouvrir(acteur=acteur, document=doc, telechargement=telechargement)
    return reponse_fichier(
        flux,
        type_mime=doc.type_mime,
        taille=doc.taille,
        nom=doc.nom_telechargement,
        telechargement=telechargement,
    )


@require_http_methods(["GET", "POST"])
def document_restreindre(request, public_id):
    acteur, doc = selectors.document_visible(acteur=request.acteur, public_id=public_id)
    if not acces.peut_gerer_visibilite(acteur):
        raise Http404
    actuels = selectors.professionnels(doc.reserve_a)
    form = forms.RestrictionForm(
        request.POST if request.method == "POST" else None,
        initial={"rpps": "\n".join(p.rpps for p in actuels)},
    )
    if form.is_valid():
        consentement.document_restreindre(
            acteur=acteur, document=doc, professionnels=form.cleaned_data["rpps"]
        )
        messages.success(request, "La liste des professionnels autorisés est enregistrée.")
        return redirect("dossier:document", doc.public_id)
    return render(
        request,
        "dossier/document_restreindre.html",
        {"form": form, "document": doc, "actuels": actuels},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def document_supprimer(request, public_id):
    acteur, doc = selectors.document_visible(acteur=request.acteur, public_id=public_id)
    if not acces.peut_supprimer(acteur, doc):
        raise Http404
    if request.method == "POST":
        services.document_supprimer(acteur=acteur, document=doc)
        messages.success(request, "Le document a été supprimé.")
        return redirect(retour(acteur))
    return render(request, "dossier/document_supprimer.html", {"document": doc})


@require_POST
def document_liberer(request, public_id):
    acteur, doc = selectors.document_visible(acteur=request.acteur, public_id=public_id)
    services.document_liberer(acteur=acteur, document=doc)
    messages.success(request, "Le patient voit maintenant ce résultat.")
    return redirect("dossier:document", doc.public_id)
