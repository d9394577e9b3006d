"""An attachment: its page (preview, download, save into the record), its file."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from consentement import acces
from espace_sante.lib.refus import SaisieInvalide
from espace_sante.lib.telechargement import reponse_fichier
from messagerie import selectors, services
from messagerie.forms import EnregistrementForm
from messagerie.views.conversations import retour


def _titre(piece) -> str:
    nom = piece.nom
    return nom.rsplit(".", 1)[0] if "." in nom else nom


def _afficher(request, acteur, piece, form, *, status=200):
    conversation = piece.message.conversation
    return render(
        request,
        "messagerie/piece.html",
        {
            "acteur": acteur,
            "piece": piece,
            "conversation": conversation,
            "form": form,
            "peut_enregistrer": acces.peut_enregistrer_piece(acteur, conversation),
            "retour": retour(acteur),
        },
        status=status,
    )


@require_GET
def piece(request, public_id):
    acteur, pj = selectors.piece_visible(acteur=request.acteur, public_id=public_id)
    form = EnregistrementForm(initial={"titre": _titre(pj)})
    return _afficher(request, acteur, pj, form)


@require_GET
def piece_fichier(request, public_id):
    acteur, pj = selectors.piece_visible(acteur=request.acteur, public_id=public_id)
    telechargement = request.GET.get("telecharger") == "1"
    flux = services.piece_ouvrir(acteur=acteur, piece=pj, telechargement=telechargement)
    return reponse_fichier(
        flux,
        type_mime=pj.type_mime,
        taille=pj.taille,
        nom=pj.nom_telechargement,
        telechargement=telechargement,
    )


@require_POST
def piece_enregistrer(request, public_id):
    acteur, pj = selectors.piece_visible(acteur=request.acteur, public_id=public_id)
    form = EnregistrementForm(request.POST)
    if form.is_valid():
        try:
            services.piece_enregistrer(
                acteur=acteur,
                piece=pj,
                categorie=form.cleaned_data["categorie"],
                titre=form.cleaned_data["titre"],
            )
        except SaisieInvalide as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(request, "La pièce jointe est enregistrée dans le dossier médical.")
            return redirect("messagerie:piece", pj.public_id)
    return _afficher(request, acteur, pj, form, status=400)
