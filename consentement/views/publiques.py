"""Pages without an account: opposition, activation, a new code.

Each starts with the person proving who they are with their notice (NIR, birth
date, code). The profile found is kept in the session for 30 minutes, by public id.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from consentement import acces
from consentement.acces import textes
from consentement.forms import CompteForm, ConfirmationForm
from consentement.models import Decision
from consentement.services import activation as services_activation
from consentement.services import cycle, identification, recus
from consentement.views.recu import reponse_recu
from espace_sante.comptes import otp
from espace_sante.comptes.forms import IdentificationForm
from espace_sante.comptes.models import Profil
from espace_sante.lib.requetes import adresse_client

DUREE_ETAPE = 30 * 60
SESSION_OPPOSITION = "opposition_profil"
SESSION_ACTIVATION = "activation_profil"
SESSION_RECUS = "recus_autorises"
SESSION_RECUS_IDENTITES = "recus_identites"  # decision id → whose profile (for its receipt)


def _retenir(request, cle: str, profil: Profil) -> None:
    request.session[cle] = {"profil": str(profil.public_id), "t": time.time()}


def _retrouver(request, cle: str) -> Profil | None:
    etape = request.session.get(cle)
    if not etape or time.time() - etape["t"] > DUREE_ETAPE:
        return None
    return Profil.objects.filter(public_id=etape["profil"]).first()


def _autoriser_recu(request, decision: Decision, identite: dict | None = None) -> None:
    """This session may download the receipt; it keeps whose profile it was (name, birth
    date, masked NIR) for the receipt of a decision that erases the profile's data."""
    request.session[SESSION_RECUS] = [
        *request.session.get(SESSION_RECUS, []),
        str(decision.public_id),
    ]
    if identite:
        request.session[SESSION_RECUS_IDENTITES] = {
            **request.session.get(SESSION_RECUS_IDENTITES, {}),
            str(decision.public_id): identite,
        }


def _identifier(request, form) -> Profil | None:
    try:
        return identification.personne_identifier(
            nir=form.cleaned_data["nir"],
            date_naissance=form.cleaned_data["date_naissance"],
            code=form.cleaned_data.get("code"),
            source=adresse_client(request),
        )
    except cycle.ActionImpossible as e:
        form.add_error(None, str(e))
        return None


# --- Opposition -----------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def opposition(request):
    form = IdentificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        profil = _identifier(request, form)
        if profil is not None:
            _retenir(request, SESSION_OPPOSITION, profil)
            return redirect("consentement:opposition_confirmer")
    return render(request, "consentement/opposition.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def opposition_confirmer(request):
    profil = _retrouver(request, SESSION_OPPOSITION)
    if profil is None:
        messages.info(request, "Identifiez-vous de nouveau avec votre avis (30 minutes au plus).")
        return redirect("consentement:opposition")
    if not cycle.opposition_possible(profil):
        return render(request, "consentement/opposition_impossible.html", {"profil": profil})
    form = ConfirmationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        acteur = (
            acces.acteur_representant_anonyme(profil)
            if profil.est_mineur()
            else acces.acteur_anonyme(profil)
        )
        identite = recus.identite_de(profil)  # before the opposition erases it
        try:
            decision = cycle.profil_opposer(profil=profil, acteur=acteur)
        except cycle.ActionImpossible as e:
            form.add_error(None, str(e))
        else:
            del request.session[SESSION_OPPOSITION]
            _autoriser_recu(request, decision, identite)
            return redirect("consentement:opposition_faite", public_id=decision.public_id)
    return render(
        request,
        "consentement/opposition_confirmer.html",
        {"form": form, "profil": profil, "texte": textes.OPPOSITION},
    )


@login_not_required
@require_GET
def opposition_faite(request, public_id):
    decision = _decision_autorisee(request, public_id)
    identite = request.session.get(SESSION_RECUS_IDENTITES, {}).get(str(public_id))
    return render(
        request,
        "consentement/opposition_faite.html",
        {"decision": decision, "identite": identite, "code": recus.code_controle(decision)},
    )


def _decision_autorisee(request, public_id) -> Decision:
    """A receipt shown without an account: only to the session that took the decision."""
    if str(public_id) not in request.session.get(SESSION_RECUS, []):
        raise Http404
    return get_object_or_404(Decision, public_id=public_id)


@login_not_required
@require_GET
def recu_public(request, public_id):
    identite = request.session.get(SESSION_RECUS_IDENTITES, {}).get(str(public_id))
    return reponse_recu(_decision_autorisee(request, public_id), identite)


# --- Activation -------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def activation(request):
    if request.user.is_authenticated:
        return render(request, "consentement/activation_connecte.html")
    form = IdentificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        profil = _identifier(request, form)
        if profil is not None:
            refus = acces.refus_activation(profil)
            if refus == acces.REFUS_ACTIVATION_STATUT:
                form.add_error(None, f"{refus} {identification.MESSAGE_INCONNU}")
            elif refus is not None:
                form.add_error(None, refus)
            else:
                _retenir(request, SESSION_ACTIVATION, profil)
                return redirect("consentement:activation_compte")
    return render(request, "consentement/activation.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def activation_compte(request):
    """Step 2: email and password. Step 3 is the second factor, sent to that email."""
    profil = _retrouver(request, SESSION_ACTIVATION)
    if profil is None or request.user.is_authenticated:
        return redirect("consentement:activation")
    existant = profil.titulaire  # an earlier attempt stopped before the second factor
    form = CompteForm(
        request.POST if request.method == "POST" else None, utilisateur_existant=existant
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services_activation.compte_activer(
                profil=profil,
                email=form.cleaned_data["email"],
                mot_de_passe=form.cleaned_data["mot_de_passe"],
                acteur=acces.acteur_anonyme(profil),
            )
        except cycle.ActionImpossible as refus:
            form.add_error(None, str(refus))
        else:
            login(request, user, backend="espace_sante.comptes.backends.AuthenticationBackend")
            otp.envoyer_code_email(user, request=request)
            suite = reverse("consentement:activation_terminer")
            return redirect(f"{reverse('comptes:otp')}?next={suite}")
    return render(request, "consentement/activation_compte.html", {"form": form, "profil": profil})


@require_http_methods(["GET", "POST"])
def activation_terminer(request):
    """After the second factor: the person confirms, the profile becomes active. The GET only
    shows the button (a GET never changes anything); the POST activates."""
    profil = _retrouver(request, SESSION_ACTIVATION)
    if profil is None or profil.titulaire_id != request.user.pk:
        return redirect("comptes:accueil")
    if request.method == "POST":
        try:
            decision = services_activation.activation_terminer(profil=profil, user=request.user)
        except cycle.ActionImpossible as e:
            messages.error(request, str(e))
            return redirect("comptes:accueil")
        del request.session[SESSION_ACTIVATION]
        messages.success(
            request,
            f"Votre profil est activé (référence {decision.reference}). Pour plus de sécurité, "
            "ajoutez une application d'authentification dans « Sécurité du compte ».",
        )
        return redirect("consentement:bienvenue")
    return render(request, "consentement/activation_terminer.html", {"profil": profil})


@login_not_required
@require_http_methods(["GET", "POST"])
def nouveau_code(request):
    form = IdentificationForm(request.POST if request.method == "POST" else None, avec_code=False)
    envoye = False
    if request.method == "POST" and form.is_valid():
        try:
            identification.code_demander(
                nir=form.cleaned_data["nir"],
                date_naissance=form.cleaned_data["date_naissance"],
                source=adresse_client(request),
            )
        except identification.Freine as e:
            form.add_error(None, str(e))
        else:
            envoye = True  # the same answer whether or not the NIR exists
    return render(request, "consentement/nouveau_code.html", {"form": form, "envoye": envoye})
