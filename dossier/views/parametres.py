"""The person's choices on their record: médecin traitant, blocked professionals, emergency
access and notifications; a directory search to pick a professional. One view per action."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from consentement import acces
from consentement.acces import choix as consentement
from consentement.acces import selectors as choix
from consentement.acces.decorateurs import espace_patient
from espace_sante.comptes import annuaire
from espace_sante.lib.refus import SaisieInvalide
from espace_sante.lib.texte import accorder


def _recherche_saisie(request):
    """The directory search, from the page's one form ("Chercher", or a name typed before
    another button) or from a link's query string."""
    if request.method != "POST":
        return request.GET or None
    donnees = request.POST
    return donnees if "chercher" in donnees or donnees.get("nom", "").strip() else None


def _choix(request, prefixe: str):
    """A choice form shown again with the RPPS number typed in it: searching the directory,
    or acting in the other form of the page, loses nothing."""
    rpps = request.POST.get(f"{prefixe}-rpps", "") if request.method == "POST" else ""
    return annuaire.ChoixProfessionnelForm(prefix=prefixe, initial={"rpps": rpps} if rpps else None)


def _page(request, *, form_blocage=None, form_mt=None, status=200):
    acteur = request.acteur
    if not acces.peut_gerer_visibilite(acteur):
        raise Http404
    recherche = annuaire.AnnuaireForm(_recherche_saisie(request))
    return render(
        request,
        "dossier/parametres.html",
        {
            "parametres": acces.parametres_de(acteur.profil),
            "blocages": choix.blocages_actifs(acteur=acteur),
            "form_blocage": form_blocage or _choix(request, "blocage"),
            "form_mt": form_mt or _choix(request, "mt"),
            "annuaire": recherche,
            "trouves": annuaire.chercher(**recherche.cleaned_data)
            if recherche.is_valid()
            else None,
        },
        status=status,
    )


def _apres(request, message: str, *, erreur=False):
    (messages.error if erreur else messages.success)(request, message)
    return redirect("dossier:parametres")


@require_http_methods(["GET", "POST"])
@espace_patient
def parametres(request):
    """The page; a POST here is the directory search of the page's one form (no write)."""
    return _page(request)


@require_POST
@espace_patient
def blocage_ajouter(request):
    form = annuaire.ChoixProfessionnelForm(request.POST, prefix="blocage")
    if not form.is_valid():
        return _page(request, form_blocage=form, status=400)
    pro = form.cleaned_data["professionnel"]
    try:
        consentement.professionnel_bloquer(acteur=request.acteur, professionnel=pro)
    except SaisieInvalide as refus:
        return _apres(request, str(refus), erreur=True)
    suite = "ne peut plus rien consulter ni ajouter."
    return _apres(
        request,
        accorder(
            pro,
            f"{pro.nom_usage} est bloqué : il {suite}",
            f"{pro.nom_usage} est bloquée : elle {suite}",
            f"Blocage enregistré : {pro.nom_usage} {suite}",
        ),
    )


@require_POST
@espace_patient
def blocage_lever(request, public_id):
    blocage = choix.blocage_actif(acteur=request.acteur, public_id=public_id)
    if blocage is None:
        raise Http404
    consentement.professionnel_debloquer(acteur=request.acteur, blocage=blocage)
    return _apres(request, f"Blocage levé pour {blocage.professionnel.nom_usage}.")


@require_POST
@espace_patient
def medecin_traitant_declarer(request):
    form = annuaire.ChoixProfessionnelForm(request.POST, prefix="mt")
    if not form.is_valid():
        return _page(request, form_mt=form, status=400)
    try:
        consentement.medecin_traitant_declarer(
            acteur=request.acteur, professionnel=form.cleaned_data["professionnel"]
        )
    except SaisieInvalide as refus:
        return _apres(request, str(refus), erreur=True)
    return _apres(request, "Votre médecin traitant est enregistré.")


@require_POST
@espace_patient
def medecin_traitant_retirer(request):
    consentement.medecin_traitant_declarer(acteur=request.acteur, professionnel=None)
    return _apres(request, "Aucun médecin traitant n'est plus déclaré.")


@require_POST
@espace_patient
def reglages_enregistrer(request):
    acteur = request.acteur
    consentement.urgence_regler(acteur=acteur, refus=request.POST.get("refus_urgence") == "1")
    consentement.masques_mt_regler(
        acteur=acteur, visibles=request.POST.get("masques_visibles_mt") == "1"
    )
    consentement.notifications_acces_regler(
        acteur=acteur, actives=request.POST.get("notifier_acces_pro") == "1"
    )
    return _apres(request, "Vos choix sont enregistrés.")
