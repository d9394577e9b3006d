"""The directory of health professionals (``Professionnel``), for every app that lets a
person pick one: a search by name, profession and town, a professional typed by RPPS
number or picked from the results. Only active professionals are found."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from espace_sante.comptes.enums import Profession
from espace_sante.comptes.models import Professionnel, valider_rpps
from espace_sante.lib.forms import FormulaireDsfr

ANNUAIRE_MAX = 20


def chercher(*, nom: str, profession: str = "", commune: str = "") -> list[Professionnel]:
    """The directory: active professionals by name (first or last), profession and town,
    to pick one without typing an RPPS number (at most 20, alphabetical)."""
    trouves = Professionnel.objects.filter(actif=True).filter(
        Q(user__nom__icontains=nom.strip()) | Q(user__prenom__icontains=nom.strip())
    )
    if profession:
        trouves = trouves.filter(profession=profession)
    if commune.strip():
        trouves = trouves.filter(commune__icontains=commune.strip())
    return list(trouves.select_related("user").order_by("user__nom", "user__prenom")[:ANNUAIRE_MAX])


def professionnel_par_rpps(valeur: str) -> Professionnel:
    """The active professional with this RPPS; the format is checked first, so "12345" is
    told it is not an RPPS number rather than that nobody has it."""
    rpps = "".join(valeur.split())
    valider_rpps(rpps)
    pro = Professionnel.objects.filter(rpps=rpps, actif=True).select_related("user").first()
    if pro is None:
        raise ValidationError(f"Aucun professionnel de santé n'a le numéro RPPS « {rpps} ».")
    return pro


class ChoixDansLesResultats(forms.HiddenInput):
    """The professional picked by a result's button: when the search and the form are one
    form (no JavaScript), the button's value comes with the form's own empty hidden field,
    and the pick wins."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return next((v for v in data.getlist(name) if v), None)
        return data.get(name)


class ChoixProfessionnelForm(FormulaireDsfr):
    """A professional picked in the directory (a hidden id), or typed by RPPS number."""

    professionnel = forms.UUIDField(required=False, widget=ChoixDansLesResultats)
    rpps = forms.CharField(
        label="Numéro RPPS du professionnel",
        required=False,
        max_length=20,
        help_text="11 chiffres, inscrits sur ses ordonnances. Ou cherchez-le par son nom.",
    )

    def clean(self):
        donnees = super().clean()
        if self.errors:
            return donnees
        if donnees.get("professionnel"):
            pro = (
                Professionnel.objects.filter(public_id=donnees["professionnel"], actif=True)
                .select_related("user")
                .first()
            )
            if pro is None:
                raise ValidationError("Ce professionnel n'est plus dans l'annuaire.")
        elif donnees.get("rpps"):
            try:
                pro = professionnel_par_rpps(donnees["rpps"])
            except ValidationError as erreur:
                self.add_error("rpps", erreur)
                return donnees
        else:
            self.add_error("rpps", "Saisissez le numéro RPPS, ou cherchez le professionnel.")
            return donnees
        donnees["professionnel"] = pro
        return donnees


class AnnuaireForm(FormulaireDsfr):
    nom = forms.CharField(
        label="Nom du professionnel",
        max_length=100,
        error_messages={"required": "Saisissez au moins son nom."},
    )
    profession = forms.ChoiceField(
        label="Profession", required=False, choices=[("", "Toutes")] + Profession.choices
    )
    commune = forms.CharField(label="Commune d'exercice", required=False, max_length=100)
