from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from espace_sante.comptes import otp, roles
from espace_sante.comptes.forms import CodeForm, ConfirmationTOTPForm
from espace_sante.lib.affichage import masquer_email
from espace_sante.lib.requetes import est_chemin_local


def _suite(request, defaut: str) -> str:
    """The ``next`` target if it is a local path; a bare word would be read as a URL name."""
    suite = request.POST.get("next") or request.GET.get("next") or ""
    return suite if est_chemin_local(suite) else defaut


@require_GET
def accueil(request):
    """Send each role to its own home page."""
    return redirect(roles.url_accueil(request.user))


@require_GET
def sans_espace(request):
    return render(
        request,
        "comptes/sans_espace.html",
        {"profil_cloture": roles.profil_cloture_de(request.user)},
    )


@login_not_required
@require_GET
def accueil_public(request):
    if request.user.is_authenticated:
        return redirect("comptes:accueil")
    return render(request, "comptes/accueil_public.html")


@require_http_methods(["GET", "POST"])
def verification(request):
    if request.user.is_verified():
        return redirect(_suite(request, roles.url_accueil(request.user)))
    methodes = otp.methodes(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None, methodes=methodes)
    if request.method == "POST" and form.is_valid():
        try:
            ok = otp.verifier(
                request, methode=form.cleaned_data["methode"], code=form.cleaned_data["code"]
            )
        except otp.Verrouille:
            logout(request)
            messages.error(
                request,
                "Trop de codes erronés : par sécurité, la connexion à ce compte est bloquée "
                "pendant 15 minutes. Réessayez plus tard.",
            )
            return redirect("account_login")
        if ok:
            messages.success(request, "Connexion réussie.")
            return redirect(_suite(request, roles.url_accueil(request.user)))
        form.add_error(
            "code",
            "Code incorrect ou expiré. Vérifiez-le, ou demandez un nouveau code par courriel.",
        )
    return render(
        request,
        "comptes/verification.html",
        {
            "form": form,
            "email_masque": masquer_email(request.user.email),
            "suite": _suite(request, ""),
            # The code page is step 3 of 3 of an activation that continues there.
            "etape_activation": _suite(request, "") == reverse("consentement:activation_terminer"),
        },
    )


@require_POST
def renvoyer_code(request):
    refus = otp.envoyer_code_email(request.user, request=request)
    if refus is None:
        messages.success(
            request, f"Un nouveau code a été envoyé à {masquer_email(request.user.email)}."
        )
    else:
        messages.warning(request, refus)
    suite = _suite(request, "")
    cible = reverse("comptes:otp")
    return redirect(f"{cible}?{urlencode({'next': suite})}" if suite else cible)


@require_GET
def securite(request):
    return render(
        request,
        "comptes/securite.html",
        {
            "methodes": [otp.LIBELLES[m] for m in otp.methodes(request.user)],
            "application": otp.application(request.user),
        },
    )


def _page_totp(request, form, device):
    contexte = {"form": form, "device": device}
    if device is not None:
        contexte.update(qr_svg=otp.qr_code_svg(device), secret=otp.secret_lisible(device))
    return render(request, "comptes/totp_ajout.html", contexte)


# Adding a second factor or new backup codes asks for the password again: a session
# left open (or stolen) must not be enough to plant the thief's own factor.
@require_http_methods(["GET", "POST"])
@reauthentication_required
def totp_ajout(request):
    """GET explains; POST confirms the pending device with a first code."""
    form = ConfirmationTOTPForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return _page_totp(request, form, None)
    if form.is_valid():
        if otp.confirmer_totp(request.user, code=form.cleaned_data["code"]):
            messages.success(request, "Votre application d'authentification est enregistrée.")
            return redirect("comptes:securite")
        form.add_error("code", "Code incorrect : vérifiez l'heure de votre téléphone et réessayez.")
    return _page_totp(request, form, otp.totp_en_attente(request.user))


@require_POST
@reauthentication_required
def totp_demarrer(request):
    return _page_totp(request, ConfirmationTOTPForm(), otp.totp_en_attente(request.user))


@require_POST
@reauthentication_required
def totp_retirer(request):
    if otp.retirer_totp(request.user):
        messages.success(
            request,
            "Votre application d'authentification est retirée : à la connexion, un code vous "
            "sera envoyé par courriel.",
        )
    return redirect("comptes:securite")


@require_POST
@reauthentication_required
def codes_secours(request):
    codes = otp.generer_codes_secours(request.user)
    return render(request, "comptes/codes_secours.html", {"codes": codes})
