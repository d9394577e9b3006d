"""The professional's side: propose an appointment to a patient they may identify (from the
patient's page; messaging calls the same service), see their proposals and the answers,
cancel one with a reason the patient reads."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agenda import forms, selectors, services
from consentement import acces
from consentement.acces.decorateurs import exige
from dossier import public as dossier
from espace_sante.lib.refus import SaisieInvalide

professionnel_seulement = exige(acces.peut_utiliser_espace_professionnel)


@require_GET
@professionnel_seulement
def pro_rendez_vous(request):
    # Each row's "Annuler" link is the policy's ``peut_annuler_rdv``, as its queryset twin.
    annulable = Case(When(acces.q_rdv_annulables(request.acteur), then=True), default=False)
    rdvs = (
        selectors.rdv_visibles(acteur=request.acteur)
        .annotate(annulable=annulable)
        .order_by("-debut", "-pk")[:200]
    )
    return render(request, "agenda/pro_rendez_vous.html", {"rdvs": list(rdvs)})


@require_http_methods(["GET", "POST"])
@professionnel_seulement
def pro_proposer(request, profil):
    acteur = dossier.acteur_sur_dossier(acteur=request.acteur, public_id=profil)
    if not acces.peut_proposer_rdv(acteur):
        raise Http404
    form = forms.RendezVousForm(
        request.POST if request.method == "POST" else None,
        pro=True,
        confidentiel_possible=acces.peut_declarer_confidentiel(acteur),
    )
    if form.is_valid():
        try:
            services.rdv_proposer(acteur=acteur, saisie=form.saisie())
        except SaisieInvalide as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(
                request,
                "Proposition envoyée : le patient est averti et répondra depuis son agenda.",
            )
            return redirect("agenda:pro_rendez_vous")
    return render(
        request,
        "agenda/pro_proposer.html",
        {"form": form, "patient": acteur.profil},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@professionnel_seulement
def pro_annuler(request, public_id):
    acteur = request.acteur
    rdv = selectors.rdv_visible(acteur=acteur, public_id=public_id)
    if not acces.peut_annuler_rdv(acteur, rdv):
        raise Http404
    form = forms.MotifForm(request.POST if request.method == "POST" else None, lecteur="le patient")
    if form.is_valid():
        services.rdv_annuler(acteur=acteur, rdv=rdv, motif=form.cleaned_data["motif"])
        messages.success(request, "Rendez-vous annulé ; le patient est averti.")
        return redirect("agenda:pro_rendez_vous")
    return render(
        request,
        "agenda/motif.html",
        {"rdv": rdv, "form": form, "refus": False, "pro": True},
        status=400 if form.is_bound else 200,
    )
