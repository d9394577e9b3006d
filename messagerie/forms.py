from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from dossier.public import CategorieDocument
from espace_sante.comptes.forms import IdentificationForm
from espace_sante.lib import fichiers, televersement
from espace_sante.lib.forms import FormulaireDsfr
from messagerie.services import CORPS_MAX, PIECES_MAX, SUJET_MAX, PieceRecue

RECHOISIR = " Choisissez de nouveau les fichiers à joindre : votre texte est conservé."


class _EntreeFichiers(forms.ClearableFileInput):
    allow_multiple_selected = True


class FichiersField(forms.FileField):
    """Several files in one input; each goes through the uploads' checks in ``clean``."""

    def __init__(self, **kwargs):
        attrs = {"multiple": True, "accept": "application/pdf,image/jpeg,image/png"}
        kwargs.setdefault("widget", _EntreeFichiers(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        un = super().clean
        if isinstance(data, list | tuple):
            return [un(d, initial) for d in data if d]
        return [un(data, initial)] if data else []


def pieces_verifier(envois) -> list[PieceRecue]:
    """Every file through ``lib.fichiers.verifier``; one refused refuses the message (a
    message is sent whole or not at all), naming the file and why."""
    if len(envois) > PIECES_MAX:
        raise ValidationError(f"{PIECES_MAX} pièces jointes au plus par message." + RECHOISIR)
    recues = []
    for envoi in envois:
        try:
            recues.append(
                PieceRecue(envoi.name, fichiers.verifier(envoi, televersement.taille_max()))
            )
        except fichiers.FichierInvalide as refus:
            raise ValidationError(f"« {envoi.name} » : {refus}" + RECHOISIR) from None
    return recues


class MessageForm(FormulaireDsfr):
    corps = forms.CharField(
        label="Votre message",
        max_length=CORPS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    pieces = FichiersField(
        label="Pièces jointes",
        required=False,
        help_text=f"PDF, JPEG ou PNG, 20 Mo au maximum chacun, {PIECES_MAX} fichiers au plus.",
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_pieces(self):
        return pieces_verifier(self.cleaned_data.get("pieces") or [])

    def clean(self):
        donnees = super().clean()
        if (
            "pieces" in donnees
            and not (donnees.get("corps") or "").strip()
            and not donnees["pieces"]
        ):
            self.add_error("corps", "Le message est vide : écrivez un texte ou joignez un fichier.")
        return donnees

    def full_clean(self):
        super().full_clean()
        if self.is_bound and getattr(self.request, "televersement_trop_gros", False):
            self.errors.pop("pieces", None)
            self.add_error("pieces", televersement.message_trop_gros() + RECHOISIR)


class NouvelleConversationForm(MessageForm):
    sujet = forms.CharField(
        label="Objet",
        max_length=SUJET_MAX,
        help_text="Un objet qui commence par [FIN] envoie une information à laquelle le "
        "patient ne peut pas répondre.",
        error_messages={"required": "Donnez un objet à votre message."},
    )
    confidentiel = forms.BooleanField(
        label="Confidentiel : à la demande du mineur, ses représentants légaux ne verront ni "
        "cette conversation ni son historique",
        required=False,
    )
    field_order = ["sujet", "corps", "pieces", "confidentiel"]

    def __init__(self, *args, confidentiel_possible: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corps"].label = "Message"
        if not confidentiel_possible:
            del self.fields["confidentiel"]
        self._bound_fields_cache.clear()


class PatientMessageForm(IdentificationForm):
    """A professional writes to a patient they identify by NIR and birth date."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, avec_code=False, **kwargs)
        self.fields["nir"].label = "NIR du patient"
        self.fields["nir"].help_text = "15 caractères, inscrits sur la carte Vitale du patient."
        self.fields["date_naissance"].label = "Date de naissance du patient"
        self._bound_fields_cache.clear()


class EnregistrementForm(FormulaireDsfr):
    titre = forms.CharField(
        label="Titre dans le dossier",
        max_length=200,
        error_messages={"required": "Donnez un titre au document."},
    )
    categorie = forms.ChoiceField(
        label="Catégorie",
        choices=[("", "Choisissez une catégorie")] + CategorieDocument.choices,
        error_messages={"required": "Choisissez la catégorie du document."},
    )


class RechercheForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
