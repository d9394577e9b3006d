from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from dossier.enums import CategorieDocument, PositionDonOrganes, Rubrique, TypeMesure
from dossier.mesures import valeur_lire
from dossier.services import limites_depot
from espace_sante.comptes.annuaire import professionnel_par_rpps
from espace_sante.comptes.enums import Role
from espace_sante.comptes.forms import IdentificationForm
from espace_sante.lib import fichiers, televersement
from espace_sante.lib.forms import DateBornee, FormulaireDsfr
from espace_sante.lib.refus import SaisieInvalide

CHAMP_DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
DATE_INVALIDE = {"invalid": "Date invalide : utilisez le format JJ/MM/AAAA."}


def _pas_dans_le_futur(valeur):
    if valeur and valeur > timezone.localdate():
        raise ValidationError("La date ne peut pas être dans le futur.")
    return valeur


class OptionsProfessionnel:
    """Fields only a professional gets: hold for announcement, minor's confidentiality."""

    def retirer_options(self, acteur, *, annonce: bool):
        from consentement import acces

        if not acces.peut_reserver_annonce(acteur) or not annonce:
            self.fields.pop("annonce_requise", None)
        if not acces.peut_declarer_confidentiel(acteur):
            self.fields.pop("confidentiel", None)
        self._bound_fields_cache.clear()  # the DSFR form bound the fields before our changes


CONFIDENTIEL = forms.BooleanField(
    label="Confidentiel : à la demande du mineur, ses représentants légaux ne le verront pas",
    required=False,
)


class DocumentForm(OptionsProfessionnel, FormulaireDsfr):
    fichier = forms.FileField(
        label="Fichier",
        help_text="PDF, JPEG ou PNG, 20 Mo au maximum.",
        error_messages={"required": "Choisissez le fichier à ajouter."},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    titre = forms.CharField(
        label="Titre",
        max_length=200,
        error_messages={"required": "Donnez un titre au document."},
    )
    categorie = forms.ChoiceField(
        label="Catégorie",
        choices=[("", "Choisissez une catégorie")] + CategorieDocument.choices,
        error_messages={"required": "Choisissez la catégorie du document."},
    )
    date_acte = DateBornee(
        label="Date de l'acte", required=False, error_messages=DATE_INVALIDE, **CHAMP_DATE
    )
    annonce_requise = forms.BooleanField(
        label="Réserver ce résultat à une consultation d'annonce (le patient en est averti au "
        "bout de 2 semaines et le voit au plus tard après 1 mois)",
        required=False,
    )
    confidentiel = CONFIDENTIEL

    def __init__(self, *args, acteur, request=None, **kwargs):
        from consentement import acces

        super().__init__(*args, **kwargs)
        self.request, self.acteur = request, acteur
        self.fields["categorie"].choices = [("", "Choisissez une catégorie")] + [
            (valeur, libelle)
            for valeur, libelle in CategorieDocument.choices
            if acces.peut_ecrire(acteur, valeur)
        ]
        self.retirer_options(acteur, annonce=True)

    def clean_date_acte(self):
        return _pas_dans_le_futur(self.cleaned_data.get("date_acte"))

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        # Pace and quota first: a flood of uploads costs no content check.
        if refus := limites_depot(acteur=self.acteur, taille=fichier.size):
            raise ValidationError(refus)
        try:
            return fichiers.verifier(fichier, televersement.taille_max())
        except fichiers.FichierInvalide as refus:
            raise ValidationError(str(refus)) from None

    def full_clean(self):
        super().full_clean()
        if self.is_bound and getattr(self.request, "televersement_trop_gros", False):
            self.errors.pop("fichier", None)
            self.add_error("fichier", televersement.message_trop_gros())


class InformationForm(OptionsProfessionnel, FormulaireDsfr):
    libelle = forms.CharField(
        label="Intitulé", max_length=200, error_messages={"required": "Saisissez un intitulé."}
    )
    details = forms.CharField(
        label="Précisions",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    date = DateBornee(label="Date", required=False, error_messages=DATE_INVALIDE, **CHAMP_DATE)
    date_fin = DateBornee(
        label="Date de fin", required=False, error_messages=DATE_INVALIDE, **CHAMP_DATE
    )
    confidentiel = CONFIDENTIEL

    LIBELLES = {
        Rubrique.TRAITEMENT: ("Médicament et dosage", "Début du traitement"),
        Rubrique.ALLERGIE: ("Allergie (substance)", "Date de découverte"),
        Rubrique.VACCINATION: ("Vaccin", "Date de l'injection"),
        Rubrique.PERSONNE_A_PREVENIR: ("Nom, lien et téléphone", None),
        Rubrique.DIRECTIVES_ANTICIPEES: ("Intitulé (ex. : mes directives)", "Rédigées le"),
    }

    def __init__(self, *args, acteur, rubrique: Rubrique, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubrique = rubrique
        libelle, date = self.LIBELLES.get(rubrique, ("Intitulé", "Date"))
        self.fields["libelle"].label = libelle
        if date is None:
            del self.fields["date"]
        else:
            self.fields["date"].label = date
        if rubrique != Rubrique.TRAITEMENT:
            del self.fields["date_fin"]
        if rubrique == Rubrique.DON_ORGANES:
            self.fields["libelle"] = forms.ChoiceField(
                label="Votre position",
                choices=PositionDonOrganes.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Choisissez une position."},
            )
            del self.fields["date"]
        if rubrique == Rubrique.DIRECTIVES_ANTICIPEES:
            self.fields["details"].label = "Vos directives"
            self.fields["details"].max_length = 20000
            self.fields["details"].widget.attrs["rows"] = 8
        self.retirer_options(acteur, annonce=False)

    def clean_date(self):
        return _pas_dans_le_futur(self.cleaned_data.get("date"))


class MesureForm(OptionsProfessionnel, FormulaireDsfr):
    type_mesure = forms.ChoiceField(label="Mesure", choices=TypeMesure.choices)
    valeur = forms.CharField(
        label="Valeur",
        max_length=20,
        help_text="Poids en kg (72,5), taille en cm (172), tension en mmHg (120/80 ; "
        "« 12/8 » est lu 120/80), glycémie en g/L (0,95), température en °C, fréquence en battements/min.",
        error_messages={"required": "Saisissez la valeur mesurée."},
    )
    date = DateBornee(
        label="Date de la mesure",
        error_messages=DATE_INVALIDE,
        **CHAMP_DATE,
    )
    confidentiel = CONFIDENTIEL

    def __init__(self, *args, acteur, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.retirer_options(acteur, annonce=False)

    def clean_date(self):
        return _pas_dans_le_futur(self.cleaned_data.get("date"))

    avis = ""  # how the value was read, when not as typed ("12/8" read 120/80)

    def clean(self):
        donnees = super().clean()
        if donnees.get("type_mesure") and donnees.get("valeur"):
            try:
                donnees["valeur"], self.avis = valeur_lire(
                    donnees["type_mesure"], donnees["valeur"]
                )
            except SaisieInvalide as refus:
                self.add_error("valeur", str(refus))
        return donnees


class SignalementForm(FormulaireDsfr):
    message = forms.CharField(
        label="Ce qui est erroné",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Par exemple : « Je n'ai jamais été allergique à la pénicilline ». "
        "2 000 caractères au plus.",
        error_messages={"required": "Dites ce qui est erroné."},
    )


class RestrictionForm(FormulaireDsfr):
    rpps = forms.CharField(
        label="Numéros RPPS des seuls professionnels autorisés",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Un numéro par ligne. Laissez vide pour revenir à la règle habituelle.",
    )

    def clean_rpps(self):
        lignes = [ligne for ligne in self.cleaned_data["rpps"].splitlines() if ligne.strip()]
        return [professionnel_par_rpps(ligne) for ligne in lignes]


class HistoriqueForm(FormulaireDsfr):
    """Filters a person understands: the actions of ``dossier.historique.ACTIONS_FILTRE``."""

    role = forms.ChoiceField(label="Rôle", required=False, choices=[("", "Tous")] + Role.choices)
    action = forms.ChoiceField(label="Action", required=False)
    depuis = DateBornee(label="Du", required=False, error_messages=DATE_INVALIDE, **CHAMP_DATE)
    jusqua = DateBornee(label="Au", required=False, error_messages=DATE_INVALIDE, **CHAMP_DATE)
    moi = forms.BooleanField(label="Inclure mes propres actions", required=False)

    def __init__(self, *args, **kwargs):
        from dossier.historique import ACTIONS_FILTRE
        from espace_sante.journal import actions

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = (
            [("", "Toutes")]
            + [(a.value, a.label) for a in ACTIONS_FILTRE]
            + actions.pour_la_personne()
        )
        self._bound_fields_cache.clear()


class ProIdentificationForm(IdentificationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, avec_code=False, **kwargs)
        self.fields["nir"].label = "NIR du patient"
        self.fields["nir"].help_text = "15 caractères, inscrits sur la carte Vitale du patient."
        self.fields["date_naissance"].label = "Date de naissance du patient"
        self._bound_fields_cache.clear()  # the DSFR form bound them with the old labels


class UrgenceForm(ProIdentificationForm):
    motif = forms.CharField(
        label="Motif de l'accès en urgence",
        min_length=20,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Décrivez la situation d'urgence (20 caractères au moins). Le patient le lira.",
        error_messages={
            "required": "Le motif écrit est obligatoire.",
            "min_length": "Décrivez la situation en 20 caractères au moins.",
        },
    )
    confirme = forms.BooleanField(
        label="J'atteste que le patient ne peut pas donner son accord et que son état le justifie.",
        error_messages={"required": "Cochez la case pour attester de l'urgence."},
    )
