"""Admin of account-creation batches: upload, progress, error report, letters."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from consentement.models import (
    Lot,
)
from consentement.services import lots
from espace_sante.lib.texte import nombre


class LotForm(forms.ModelForm):
    televersement = forms.FileField(
        label="Fichier des assurés (CSV)",
        help_text="UTF-8, séparateur virgule ou point-virgule, ligne d'en-tête avec au moins : "
        + ", ".join(lots.COLONNES)
        + ". Voir le README.",
    )

    class Meta:
        model = Lot
        fields = ["date_avis"]

    def clean(self):
        donnees = super().clean()
        fichier = donnees.get("televersement")
        if fichier is not None:
            contenu = fichier.read()
            try:
                self.examen = lots.fichier_examiner(contenu)
            except lots.FichierRefuse as e:
                raise ValidationError(str(e)) from None
            self.contenu = contenu
        return donnees


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    form = LotForm
    list_display = ["__str__", "statut", "cree_le", "lignes_traitees", "crees", "rejetes"]
    list_filter = ["statut"]
    readonly_fields = [
        "nom_fichier",
        "statut",
        "erreur",
        "progression",
        "cree_par",
        "cree_le",
        "debut",
        "fin",
        "telechargements",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["televersement", "date_avis"]
        return ["nom_fichier", "date_avis", *self.readonly_fields[1:]]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "date_avis"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        lot = lots.lot_creer(
            nom_fichier=form.cleaned_data["televersement"].name,
            contenu=form.contenu,
            user=request.user,
            date_avis=form.cleaned_data.get("date_avis"),
            examen=form.examen,
        )
        obj.pk = lot.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass

    @admin.display(description="progression")
    def progression(self, lot: Lot):
        debit = lot.debit()
        eta = lot.fin_estimee()
        morceaux = lot.morceaux.count()
        faits = lot.morceaux.filter(fait=True).count()
        return format_html(
            "{} sur {} — {}, {} — morceaux {} / {}{}{}",
            nombre(lot.lignes_traitees, "ligne traitée", "lignes traitées"),
            lot.lignes_total,
            nombre(lot.crees, "profil créé", "profils créés"),
            nombre(lot.rejetes, "ligne rejetée", "lignes rejetées"),
            faits,
            morceaux,
            f" — {debit:.0f} lignes/s" if debit else "",
            f" — fin estimée à {timezone.localtime(eta):%H:%M:%S}" if eta else "",
        )

    @admin.display(description="téléchargements")
    def telechargements(self, lot: Lot):
        liens = []
        if lot.rejets.exists():
            url = reverse("admin:consentement_lot_rejets", args=[lot.pk])
            liens.append(format_html('<a href="{}">Lignes rejetées (CSV)</a>', url))
        if lot.lettres:
            url = reverse("admin:consentement_lot_lettres", args=[lot.pk])
            liens.append(
                format_html(
                    '<a href="{}">Courriers à imprimer ({}, PDF)</a>',
                    url,
                    nombre(lot.lettres_nombre, "page"),
                )
            )
        return format_html(" · ".join(["{}"] * len(liens)), *liens) if liens else "—"

    def get_urls(self):
        return [
            path(
                "<int:pk>/rejets.csv",
                self.admin_site.admin_view(self.vue_rejets),
                name="consentement_lot_rejets",
            ),
            path(
                "<int:pk>/lettres.pdf",
                self.admin_site.admin_view(self.vue_lettres),
                name="consentement_lot_lettres",
            ),
            *super().get_urls(),
        ]

    def vue_rejets(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404
        lot = get_object_or_404(Lot, pk=pk)
        reponse = StreamingHttpResponse(
            lots.rapport_csv(lot), content_type="text/csv; charset=utf-8"
        )
        reponse["Content-Disposition"] = f'attachment; filename="lot-{lot.pk}-rejets.csv"'
        return reponse

    def vue_lettres(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404
        lot = get_object_or_404(Lot, pk=pk)
        if not lot.lettres:
            raise Http404
        return FileResponse(
            lot.lettres.open("rb"), as_attachment=True, filename=f"lot-{lot.pk}-courriers.pdf"
        )
