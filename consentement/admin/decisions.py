"""Admin of the decision ledger (read-only) and of oppositions received by post or phone."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from consentement import acces
from consentement.enums import Canal
from consentement.models import (
    Decision,
)
from consentement.services import cycle
from espace_sante.comptes.models import Profil
from espace_sante.lib import nir as nir_lib
from espace_sante.lib.admin import LectureSeuleAdmin
from espace_sante.lib.forms import DateBornee


class OppositionRecueForm(forms.Form):
    nir = forms.CharField(label="NIR de la personne", max_length=25)
    date_naissance = DateBornee(
        label="Date de naissance", widget=forms.DateInput(attrs={"type": "date"})
    )
    canal = forms.ChoiceField(
        label="Reçue par",
        choices=[(Canal.COURRIER, "Courrier postal"), (Canal.TELEPHONE, "Téléphone")],
    )

    def clean(self):
        donnees = super().clean()
        if self.errors:
            return donnees
        try:
            nir = nir_lib.valider(donnees["nir"])
        except ValidationError as e:
            raise ValidationError(e.messages[0]) from None
        profil = (
            Profil.objects.par_nir(nir).filter(date_naissance=donnees["date_naissance"]).first()
        )
        if profil is None:
            raise ValidationError(
                "Aucun profil ne correspond à ce NIR et à cette date de naissance."
            )
        donnees["profil"] = profil
        return donnees


@admin.register(Decision)
class DecisionAdmin(LectureSeuleAdmin):
    list_display = ["reference", "type", "canal", "acteur_libelle", "horodatage"]
    list_filter = ["type", "canal"]
    readonly_fields = [f.name for f in Decision._meta.fields]
    change_list_template = "admin/consentement/decision/change_list.html"

    def get_urls(self):
        return [
            path(
                "opposition-recue/",
                self.admin_site.admin_view(self.vue_opposition),
                name="consentement_decision_opposition",
            ),
            *super().get_urls(),
        ]

    def vue_opposition(self, request):
        if not self.has_view_permission(request):
            raise Http404
        form = OppositionRecueForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            profil = form.cleaned_data["profil"]
            acteur = acces.acteur_agent(request.user, Canal(form.cleaned_data["canal"]), profil)
            try:
                decision = cycle.profil_opposer(profil=profil, acteur=acteur)
            except cycle.ActionImpossible as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request, f"Opposition enregistrée (référence {decision.reference})."
                )
                return redirect("admin:consentement_decision_changelist")
        contexte = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Enregistrer une opposition reçue par courrier ou téléphone",
            "subtitle": None,
            "opts": self.model._meta,
        }
        return render(request, "admin/consentement/decision/opposition.html", contexte)
