from datetime import timedelta

from allauth.account import forms as allauth_forms
from allauth.core import context
from django import forms
from django.core.exceptions import ValidationError

from espace_sante.comptes import otp, verrouillage
from espace_sante.comptes.enums import PorteeTentative
from espace_sante.lib import nir as nir_lib
from espace_sante.lib.forms import DateBornee, FormulaireDsfr

MESSAGE_REINIT_ADRESSE = (
    "Plusieurs demandes de réinitialisation ont déjà été faites pour cette adresse dans "
    "l'heure : consultez vos courriels (et les indésirables), ou réessayez dans une heure."
)
MESSAGE_REINIT_CONNEXION = (
    "Trop de demandes de réinitialisation depuis votre connexion : réessayez dans une heure."
)


class LoginForm(FormulaireDsfr, allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Adresse électronique"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields.pop("remember", None)


class ResetPasswordForm(FormulaireDsfr, allauth_forms.ResetPasswordForm):
    """Each valid request sends an email (a link, or "no account" for an unknown address):
    limited per address typed and per client, known account or not, so the answer
    reveals nothing and nobody can flood an inbox."""

    def clean_email(self):
        email = super().clean_email()
        ip = verrouillage.ip_de(context.request)
        heure = timedelta(hours=1)
        refus = verrouillage.limite_envoi(
            portee=PorteeTentative.ENVOI_REINITIALISATION,
            limites=[
                verrouillage.Limite(f"email:{email.lower()}", 3, heure, MESSAGE_REINIT_ADRESSE),
                verrouillage.Limite(f"ip:{ip}", 10, heure, MESSAGE_REINIT_CONNEXION),
            ],
        )
        if refus is not None:
            raise forms.ValidationError(refus.message)
        return email


class ResetPasswordKeyForm(FormulaireDsfr, allauth_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(FormulaireDsfr, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(FormulaireDsfr, allauth_forms.SetPasswordForm):
    pass


class ReauthenticateForm(FormulaireDsfr, allauth_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "Votre mot de passe"
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self._bound_fields_cache.clear()  # the DSFR form bound the fields before our changes


class AddEmailForm(FormulaireDsfr, allauth_forms.AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Nouvelle adresse électronique"
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self._bound_fields_cache.clear()


class CodeForm(FormulaireDsfr):
    methode = forms.ChoiceField(label="Méthode", widget=forms.RadioSelect)
    code = forms.CharField(
        label="Code de vérification",
        max_length=20,
        help_text="6 chiffres (8 caractères pour un code de secours).",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "Saisissez le code reçu."},
    )

    def __init__(self, *args, methodes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["methode"].choices = [(m, otp.LIBELLES[m]) for m in methodes]
        self.fields["methode"].initial = methodes[0]
        if len(methodes) == 1:
            self.fields["methode"].widget = forms.HiddenInput()


class ConfirmationTOTPForm(FormulaireDsfr):
    code = forms.CharField(
        label="Code affiché par l'application",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "Saisissez le code affiché par l'application."},
    )


class IdentificationForm(FormulaireDsfr):
    """NIR and birth date (and, unless ``avec_code=False``, the code of the notice)."""

    nir = forms.CharField(
        label="Numéro de sécurité sociale",
        max_length=25,
        help_text="15 caractères, inscrits sur votre carte Vitale (espaces acceptés).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Saisissez le numéro de sécurité sociale."},
    )
    date_naissance = DateBornee(
        label="Date de naissance",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Saisissez la date de naissance.",
            "invalid": "Date de naissance invalide : utilisez le format JJ/MM/AAAA.",
        },
    )
    code = forms.CharField(
        label="Code personnel",
        max_length=20,
        help_text="12 caractères, inscrits sur le courrier ou le courriel reçu (ex. : AB2C-3DEF-4GH5).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Saisissez le code de votre courrier ou courriel."},
    )

    def __init__(self, *args, avec_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not avec_code:
            del self.fields["code"]

    def clean_nir(self):
        try:
            return nir_lib.valider(self.cleaned_data["nir"])
        except ValidationError as e:
            raise ValidationError(e.messages[0]) from None
