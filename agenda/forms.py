from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from agenda import heures
from agenda.enums import DELAIS_PAR_DEFAUT, Delai
from agenda.services import Saisie
from espace_sante.comptes.models import Professionnel
from espace_sante.lib.forms import DateBornee, FormulaireDsfr
from espace_sante.lib.requetes import AGENDA

DATE = {
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "error_messages": {
        "invalid": "Date invalide : utilisez le format JJ/MM/AAAA.",
        "required": "Indiquez la date du rendez-vous.",
    },
}
HEURE_INVALIDE = "Heure invalide : utilisez le format HH:MM, par exemple 09:30."
OCCURRENCES = [
    (heures.ETE, "La première (encore à l'heure d'été, UTC+2)"),
    (heures.HIVER, "La seconde (déjà à l'heure d'hiver, UTC+1)"),
]


def _heure(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": HEURE_INVALIDE, "required": f"Indiquez l'{label.lower()}."},
    )


class RendezVousForm(FormulaireDsfr):
    """An appointment; times typed in Paris time, turned into UTC by ``agenda.heures``."""

    titre = forms.CharField(
        label="Intitulé",
        max_length=200,
        help_text="Par exemple : consultation, prise de sang, vaccin.",
        error_messages={"required": "Donnez un intitulé au rendez-vous."},
    )
    jour = DateBornee(label="Date", horizon=AGENDA, **DATE)
    heure_debut = _heure("Heure de début")
    heure_fin = _heure("Heure de fin")
    professionnel = forms.UUIDField(
        required=False, label="Professionnel trouvé dans l'annuaire", widget=forms.RadioSelect
    )
    professionnel_texte = forms.CharField(
        label="Professionnel (s'il n'est pas dans l'annuaire)", required=False, max_length=200
    )
    lieu = forms.CharField(label="Lieu", required=False, max_length=300)
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pour vous seulement : elles ne partent jamais dans un "
        "rappel ni dans un calendrier abonné.",
    )
    delais = forms.TypedMultipleChoiceField(
        label="Me le rappeler",
        choices=Delai.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[int(d) for d in DELAIS_PAR_DEFAUT],
        help_text="Par courriel ou SMS, selon vos préférences de notification. Le rappel ne "
        "dit que le jour et l'heure.",
    )
    confidentiel = forms.BooleanField(
        label="Confidentiel : à la demande du mineur, ses représentants légaux ne verront ni ce "
        "rendez-vous, ni son avis, ni ses rappels",
        required=False,
        help_text="L'avis et les rappels ne partent qu'au compte du mineur, s'il en a un.",
    )

    def __init__(self, *args, trouves=(), pro=False, confidentiel_possible=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not (pro and confidentiel_possible):  # a professional, for a minor (the policy's)
            self.fields.pop("confidentiel")
        choix = [(str(p.public_id), f"{p} — {p.commune or p.structure}") for p in trouves]
        self.fields["professionnel"].widget.choices = choix
        if not choix:
            self.fields["professionnel"].widget = forms.HiddenInput()
        if pro:  # a professional proposes: they are the professional, and set no reminder
            for nom in ("professionnel", "professionnel_texte", "delais", "notes"):
                self.fields.pop(nom)
        if self.data.get("occurrence"):
            self._ajouter_occurrence()

    def _ajouter_occurrence(self):
        self.fields["occurrence"] = forms.ChoiceField(
            label="Cette heure a lieu deux fois ce jour-là : laquelle ?",
            choices=OCCURRENCES,
            widget=forms.RadioSelect,
            required=False,
        )
        self._bound_fields_cache.clear()

    def _instant(self, champ: str):
        jour, heure = self.cleaned_data.get("jour"), self.cleaned_data.get(champ)
        if jour is None or heure is None:
            return None
        try:
            return heures.vers_utc(jour, heure, occurrence=self.cleaned_data.get("occurrence"))
        except heures.HeureAmbigue as erreur:
            if "occurrence" not in self.fields:
                self._ajouter_occurrence()
            self.add_error(None, str(erreur))
        except heures.HeureInvalide as erreur:
            self.add_error(champ, str(erreur))
        return None

    def clean_professionnel(self):
        valeur = self.cleaned_data.get("professionnel")
        if valeur is None:
            return None
        pro = (
            Professionnel.objects.filter(public_id=valeur, actif=True)
            .select_related("user")
            .first()
        )
        if pro is None:
            raise ValidationError("Ce professionnel n'est plus dans l'annuaire.")
        return pro

    def clean(self):
        donnees = super().clean()
        if "occurrence" in self.fields:
            donnees["occurrence"] = self.data.get("occurrence") or None
        debut, fin = self._instant("heure_debut"), self._instant("heure_fin")
        if debut and fin and fin <= debut:
            self.add_error("heure_fin", "L'heure de fin doit être après l'heure de début.")
        donnees["debut"], donnees["fin"] = debut, fin
        return donnees

    def saisie(self) -> Saisie:
        d = self.cleaned_data
        return Saisie(
            titre=d["titre"],
            debut=d["debut"],
            fin=d["fin"],
            lieu=d.get("lieu", ""),
            notes=d.get("notes", ""),
            professionnel=d.get("professionnel"),
            professionnel_texte=d.get("professionnel_texte", ""),
            delais=tuple(d.get("delais") or ()),
            confidentiel=bool(d.get("confidentiel")),
        )

    @classmethod
    def initial_de(cls, rdv) -> dict:
        debut, fin = heures.local(rdv.debut), heures.local(rdv.fin)
        return {
            "titre": rdv.titre,
            "jour": debut.date(),
            "heure_debut": debut.time(),
            "heure_fin": fin.time(),
            "lieu": rdv.lieu or "",
            "notes": rdv.notes or "",
            "professionnel": rdv.professionnel.public_id if rdv.professionnel else None,
            "professionnel_texte": rdv.professionnel_texte or "",
            "delais": list(rdv.delais),
        }


class MotifForm(FormulaireDsfr):
    """The reason of a refusal or a cancellation, asked only when ``lecteur`` (who reads
    it: "le patient", "Dr Jeanne Lefèvre") is someone else; otherwise the form is empty."""

    motif = forms.CharField(
        label="Motif",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lecteur: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if not lecteur:
            del self.fields["motif"]
            return
        self.fields["motif"].help_text = f"{lecteur[0].upper()}{lecteur[1:]} le lira."
        self.fields["motif"].error_messages["required"] = f"Indiquez le motif : {lecteur} le lira."


class AbonnementForm(FormulaireDsfr):
    nom = forms.CharField(
        label="Nom de l'abonnement",
        max_length=60,
        help_text="Pour le reconnaître et le révoquer plus tard, par exemple « Téléphone ».",
        error_messages={"required": "Donnez un nom à l'abonnement."},
    )
    details = forms.BooleanField(
        label="Montrer l'intitulé, le lieu et le professionnel dans mon calendrier",
        required=False,
        help_text="Sans cette case, chaque rendez-vous s'appelle « Rendez-vous médical » : "
        "utile si d'autres voient votre calendrier, ou s'il est synchronisé chez un tiers.",
    )
