"""The person's agenda: list, month, add, detail, move, answer, cancel, one .ics file.
One view per action; every page acts on the switcher's profile (``@espace_patient``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agenda import forms, selectors, services
from agenda.heures import MOIS
from consentement import acces
from consentement.acces.decorateurs import espace_patient, exige
from espace_sante.comptes import annuaire
from espace_sante.lib.refus import SaisieInvalide
from espace_sante.lib.requetes import RECHERCHE, date_bornee

gere = exige(acces.peut_gerer_agenda)


@require_GET
@espace_patient
def accueil(request):
    acteur = request.acteur
    passes = Paginator(selectors.passes(acteur=acteur), 20).get_page(request.GET.get("page"))
    a_venir = list(selectors.a_venir(acteur=acteur))
    return render(
        request,
        "agenda/accueil.html",
        {
            "propositions": [r for r in a_venir if r.statut == "propose"],
            "a_venir": [r for r in a_venir if r.statut == "confirme"],
            "page": passes,
            "passes": passes.object_list,
            "requete": "",
        },
    )


def _mois_valide(annee: int, numero: int) -> date:
    try:  # the kernel's bound for dates (its widest kind: a month one may browse to)
        return date_bornee(date(annee, numero, 1), horizon=RECHERCHE)
    except ValueError:
        raise Http404 from None


@require_GET
@espace_patient
def mois(request, annee=None, numero=None):
    aujourdhui = timezone.localdate()
    premier = _mois_valide(annee or aujourdhui.year, numero or aujourdhui.month)
    precedent = (premier.replace(day=1) - timedelta(days=1)).replace(day=1)
    suivant = (premier + timedelta(days=32)).replace(day=1)
    semaines = selectors.mois(acteur=request.acteur, annee=premier.year, numero=premier.month)
    return render(
        request,
        "agenda/mois.html",
        {
            "semaines": semaines,
            # On a phone the grid gives way to a list of the month's days that have appointments.
            "jours_avec_rdv": [j for s in semaines for j in s if j.dans_le_mois and j.rdv],
            "libelle": f"{MOIS[premier.month - 1]} {premier.year}",
            "precedent": precedent,
            "suivant": suivant,
            "libelle_precedent": f"{MOIS[precedent.month - 1]} {precedent.year}",
            "libelle_suivant": f"{MOIS[suivant.month - 1]} {suivant.year}",
        },
    )


def _saisie_en_cours(donnees) -> dict:
    """What was typed in the appointment form, to show it again as it was."""
    return {
        nom: donnees.getlist(nom) if nom == "delais" else donnees.get(nom, "")
        for nom in forms.RendezVousForm.base_fields
        if nom in donnees or nom == "delais"
    }


def _formulaire(request, *, rdv=None):
    """The appointment form with the directory search inside it (one POST form, no
    JavaScript): "Chercher" shows the form again with everything typed kept and, when the
    search finds one professional, that one picked; "Enregistrer" validates and saves."""
    donnees = request.POST if request.method == "POST" else None
    chercher = donnees is not None and "chercher" in donnees
    recherche = annuaire.AnnuaireForm(
        donnees if chercher or (donnees and donnees.get("annuaire-nom")) else None,
        prefix="annuaire",
    )
    trouves = annuaire.chercher(**recherche.cleaned_data) if recherche.is_valid() else None
    extra = list(trouves or [])
    if rdv is not None and rdv.professionnel and rdv.professionnel not in extra:
        extra.insert(0, rdv.professionnel)
    initial = forms.RendezVousForm.initial_de(rdv) if rdv is not None else {}
    if chercher:
        initial = {**initial, **_saisie_en_cours(donnees)}
        if trouves is not None and len(trouves) == 1:
            initial["professionnel"] = str(trouves[0].public_id)
        donnees = None  # shown again, not checked: a search is not a save
    form = forms.RendezVousForm(donnees, initial=initial or None, trouves=extra)
    return form, recherche, trouves


def _page_form(request, form, recherche, trouves, *, rdv=None):
    return render(
        request,
        "agenda/rdv_form.html",
        {
            "form": form,
            "annuaire": recherche,
            "trouves": trouves,
            "rdv": rdv,
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@espace_patient
@gere
def ajouter(request):
    form, recherche, trouves = _formulaire(request)
    if form.is_bound and form.is_valid():
        try:
            rdv = services.rdv_ajouter(acteur=request.acteur, saisie=form.saisie())
        except SaisieInvalide as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(request, "Le rendez-vous est ajouté à l'agenda.")
            return redirect("agenda:rdv", rdv.public_id)
    return _page_form(request, form, recherche, trouves)


@require_http_methods(["GET", "POST"])
@espace_patient
def modifier(request, public_id):
    rdv = selectors.rdv_visible(acteur=request.acteur, public_id=public_id)
    if not acces.peut_modifier_rdv(request.acteur, rdv):
        raise Http404
    form, recherche, trouves = _formulaire(request, rdv=rdv)
    if form.is_bound and form.is_valid():
        try:
            services.rdv_modifier(acteur=request.acteur, rdv=rdv, saisie=form.saisie())
        except SaisieInvalide as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(request, "Le rendez-vous est modifié ; ses rappels suivent.")
            return redirect("agenda:rdv", rdv.public_id)
    return _page_form(request, form, recherche, trouves, rdv=rdv)


@require_GET
@espace_patient
def rdv(request, public_id):
    acteur = request.acteur
    rendez_vous = selectors.rdv_visible(acteur=acteur, public_id=public_id)
    return render(
        request,
        "agenda/rdv.html",
        {
            "rdv": rendez_vous,
            "rappels": selectors.rappels_prevus(rdv=rendez_vous),
            "peut_modifier": acces.peut_modifier_rdv(acteur, rendez_vous),
            "peut_repondre": acces.peut_repondre_rdv(acteur, rendez_vous),
            "peut_annuler": acces.peut_annuler_rdv(acteur, rendez_vous),
        },
    )


@require_POST
@espace_patient
def accepter(request, public_id):
    rendez_vous = selectors.rdv_visible(acteur=request.acteur, public_id=public_id)
    services.rdv_repondre(acteur=request.acteur, rdv=rendez_vous, accepte=True)
    messages.success(request, "Rendez-vous accepté : il est dans l'agenda, avec ses rappels.")
    return redirect("agenda:rdv", rendez_vous.public_id)


@require_http_methods(["GET", "POST"])
@espace_patient
def refuser(request, public_id):
    return _avec_motif(request, public_id, refus=True)


@require_http_methods(["GET", "POST"])
@espace_patient
def annuler(request, public_id):
    return _avec_motif(request, public_id, refus=False)


def _avec_motif(request, public_id, *, refus: bool):
    acteur = request.acteur
    rendez_vous = selectors.rdv_visible(acteur=acteur, public_id=public_id)
    permis = acces.peut_repondre_rdv if refus else acces.peut_annuler_rdv
    if not permis(acteur, rendez_vous):
        raise Http404
    lu = refus or services.motif_lu_par_autrui(acteur=acteur, rdv=rendez_vous)
    form = forms.MotifForm(
        request.POST if request.method == "POST" else None,
        lecteur=rendez_vous.propose_par.nom_usage if lu else "",
    )
    if request.method == "POST" and form.is_valid():
        motif = form.cleaned_data.get("motif", "")
        if refus:
            services.rdv_repondre(acteur=acteur, rdv=rendez_vous, accepte=False, motif=motif)
            messages.success(request, "Proposition refusée ; le professionnel en est averti.")
        else:
            services.rdv_annuler(acteur=acteur, rdv=rendez_vous, motif=motif)
            messages.success(request, "Rendez-vous annulé ; ses rappels sont supprimés.")
        return redirect("agenda:rdv", rendez_vous.public_id)
    return render(
        request,
        "agenda/motif.html",
        {"rdv": rendez_vous, "form": form, "refus": refus, "pro": False},
        status=400 if form.is_bound else 200,
    )


@require_GET
@espace_patient
def rdv_ics(request, public_id):
    acteur = request.acteur
    rendez_vous = selectors.rdv_visible(acteur=acteur, public_id=public_id)
    contenu = services.rdv_ics(
        acteur=acteur, rdv=rendez_vous, details=request.GET.get("details") == "1"
    )
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="rendez-vous.ics"'
    return reponse
