from django import forms
from django.core.exceptions import ValidationError

from consentement.enums import ModeCloture
from espace_sante.comptes.models import User
from espace_sante.lib.forms import FormulaireDsfr


class ConfirmationForm(FormulaireDsfr):
    confirme = forms.BooleanField(
        label="J'ai lu ce texte et je confirme ma décision.",
        error_messages={"required": "Cochez la case pour confirmer votre décision."},
    )


class ClotureForm(ConfirmationForm):
    mode = forms.ChoiceField(
        label="Que deviennent vos données ?",
        choices=ModeCloture.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez ce que deviennent vos données."},
    )
    field_order = ["mode", "confirme"]


class CompteForm(FormulaireDsfr):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Elle vous servira à vous connecter et à recevoir vos codes de connexion.",
        error_messages={
            "required": "Saisissez votre adresse électronique.",
            "invalid": "Adresse électronique invalide (exemple : nom@domaine.fr).",
        },
    )
    mot_de_passe = forms.CharField(
        label="Mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="12 caractères au moins ; évitez un mot de passe déjà utilisé ailleurs.",
        error_messages={"required": "Choisissez un mot de passe."},
    )
    confirmation = forms.CharField(
        label="Confirmez le mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Saisissez de nouveau le mot de passe."},
    )

    def __init__(self, *args, utilisateur_existant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.utilisateur_existant = utilisateur_existant

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        autres = User.objects.filter(email__iexact=email)
        if self.utilisateur_existant is not None:
            autres = autres.exclude(pk=self.utilisateur_existant.pk)
        if autres.exists():
            raise ValidationError(
                "Cette adresse est déjà utilisée par un autre compte : choisissez-en une autre."
            )
        return email

    def clean(self):
        donnees = super().clean()
        mdp, conf = donnees.get("mot_de_passe"), donnees.get("confirmation")
        if mdp and conf and mdp != conf:
            self.add_error("confirmation", "Les deux mots de passe ne sont pas identiques.")
        if mdp:
            from django.contrib.auth.password_validation import validate_password

            try:
                validate_password(mdp, User(email=donnees.get("email") or ""))
            except ValidationError as e:
                self.add_error("mot_de_passe", e)
        return donnees


class CoordonneesForm(FormulaireDsfr):
    email_contact = forms.EmailField(
        label="Adresse électronique de contact",
        required=False,
        max_length=254,
        error_messages={"invalid": "Adresse électronique invalide (exemple : nom@domaine.fr)."},
    )
    telephone = forms.RegexField(
        label="Téléphone",
        required=False,
        regex=r"^(?:0|\+33)[1-9](?:[ .]?\d{2}){4}$",
        error_messages={"invalid": "Numéro invalide : 10 chiffres, par exemple 06 12 34 56 78."},
    )
    adresse = forms.CharField(label="Adresse postale", required=False, max_length=250)
    code_postal = forms.RegexField(
        label="Code postal",
        required=False,
        regex=r"^\d{5}$",
        error_messages={"invalid": "Le code postal comporte 5 chiffres."},
    )
    commune = forms.CharField(label="Commune", required=False, max_length=100)
    notifier_par_email = forms.BooleanField(
        label="Recevoir les notifications par courriel", required=False
    )
    notifier_par_sms = forms.BooleanField(
        label="Recevoir les notifications par SMS", required=False
    )
    notifier_nouveau_message = forms.BooleanField(
        label="Être prévenu de chaque nouveau message de la messagerie",
        required=False,
        help_text="Par les moyens choisis ci-dessus ; le message lui-même n'est jamais envoyé.",
    )
    notifier_nouveau_document = forms.BooleanField(
        label="Être prévenu de chaque document qu'un professionnel ajoute à mon dossier",
        required=False,
        help_text="Par les moyens choisis ci-dessus ; ni le document ni son titre ne sont envoyés.",
    )

    def clean(self):
        d = super().clean()
        if d.get("notifier_par_email") and not d.get("email_contact"):
            self.add_error("email_contact", "Indiquez une adresse pour recevoir des courriels.")
        if d.get("notifier_par_sms") and not d.get("telephone"):
            self.add_error("telephone", "Indiquez un numéro pour recevoir des SMS.")
        return d


class MesCoordonneesForm(CoordonneesForm):
    """The person's own page: email notifications go to the account's address (changed on
    its own page, with a confirmation), so only the other details are here."""

    def __init__(self, *args, email_compte: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if email_compte:
            del self.fields["email_contact"]
            self.fields["notifier_par_email"].help_text = f"À l'adresse {email_compte}."
            self._bound_fields_cache.clear()
        self.email_compte = email_compte

    def clean(self):
        if self.email_compte:
            self.cleaned_data.setdefault("email_contact", self.email_compte)
        return super().clean()


class PresenceForm(FormulaireDsfr):
    code = forms.CharField(
        label="Code donné par la personne",
        max_length=20,
        help_text="Le code à 6 chiffres qu'elle vient de recevoir, ou le code de son avis.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Saisissez le code donné par la personne."},
    )
