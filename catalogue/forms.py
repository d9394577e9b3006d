from __future__ import annotations

from django import forms

from catalogue import portees
from catalogue.enums import CategorieService, StatutService
from espace_sante.lib import fichiers


class RechercheForm(forms.Form):
    q = forms.CharField(label="Rechercher un service", required=False, max_length=100)
    categorie = forms.ChoiceField(
        label="Catégorie",
        required=False,
        choices=[("", "Toutes les catégories"), *CategorieService.choices],
    )
    donnee = forms.ChoiceField(
        label="Données demandées",
        required=False,
        choices=[("", "Toutes les données"), *portees.FAMILLES.items()],
    )


class ConsentementForm(forms.Form):
    """Scope by scope: nothing is ticked for the person; the profile when they act on
    several (a parent and each child)."""

    portees = forms.MultipleChoiceField(
        label="Ce que vous autorisez", required=False, widget=forms.CheckboxSelectMultiple
    )
    profil = forms.ChoiceField(label="Pour quel profil ?", widget=forms.RadioSelect)

    def __init__(self, *args, offertes: list[str], profils, deja: set[str] = frozenset(), **kw):
        super().__init__(*args, **kw)
        self.fields["portees"].choices = [(p, portees.libelle(p)) for p in offertes]
        self.fields["profil"].choices = [(str(p.public_id), p.nom_affiche) for p in profils]
        self.initial.setdefault("portees", sorted(deja & set(offertes)))
        if len(profils) == 1:
            self.initial.setdefault("profil", str(profils[0].public_id))

    def clean_portees(self):
        choisies = self.cleaned_data["portees"]
        if not set(choisies) - {portees.HORS_LIGNE}:
            raise forms.ValidationError(
                "Cochez au moins une des données demandées, ou refusez la connexion."
            )
        return choisies


class MotifForm(forms.Form):
    """The reason of a status change (admin action)."""

    statut = forms.ChoiceField(choices=StatutService.choices, widget=forms.HiddenInput)
    motif = forms.CharField(
        label="Motif (affiché aux personnes connectées)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LogoField(forms.FileField):
    """A logo, checked like any upload (type from the bytes, re-encoded without metadata)."""

    def clean(self, data, initial=None):
        fichier = super().clean(data, initial)
        if not fichier or fichier is initial:
            return fichier
        try:
            verifie = fichiers.verifier(fichier)
        except fichiers.FichierInvalide as erreur:
            raise forms.ValidationError(str(erreur)) from erreur
        if not verifie.type_mime.startswith("image/"):
            raise forms.ValidationError("Le logo doit être une image PNG ou JPEG.")
        if len(verifie.contenu) > 512 * 1024:
            raise forms.ValidationError("Le logo ne doit pas dépasser 512 Ko.")
        return verifie
