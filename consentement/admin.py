"""Admin: batches (upload, progress, error report, letters), the decision ledger, notices.

Nothing here shows health content or a NIR in clear. Decisions are read-only: the
only way to add one is a form that goes through ``cycle`` (an opposition received
by post or telephone).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from consentement import avis, cycle, lots
from consentement.enums import Canal
from consentement.models import (
    AccesProfessionnel,
    Accompagnement,
    Blocage,
    Decision,
    EnvoiAvis,
    Lot,
    MatriceProfession,
    ParametresAcces,
)
from espace_sante.comptes.models import Profil
from espace_sante.lib import nir as nir_lib
from espace_sante.lib.admin import LectureSeuleAdmin


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
                lots.verifier_fichier(contenu)
            except lots.FichierRefuse as e:
                raise ValidationError(str(e)) from None
            deja = Lot.objects.filter(empreinte=Lot.calculer_empreinte(contenu)).first()
            if deja is not None:
                raise ValidationError(
                    f"Ce fichier a déjà été importé : lot n° {deja.pk}. Aucun profil ne sera "
                    "créé de nouveau."
                )
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
            "{} lignes traitées sur {} — {} profils créés, {} lignes rejetées — "
            "morceaux {} / {}{}{}",
            lot.lignes_traitees,
            lot.lignes_total,
            lot.crees,
            lot.rejetes,
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
                    '<a href="{}">Courriers à imprimer ({} pages, PDF)</a>', url, lot.lettres_nombre
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


class OppositionRecueForm(forms.Form):
    nir = forms.CharField(label="NIR de la personne", max_length=25)
    date_naissance = forms.DateField(
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
            acteur = cycle.acteur_agent(request.user, Canal(form.cleaned_data["canal"]))
            try:
                decision = cycle.opposer(form.cleaned_data["profil"], acteur)
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
            "opts": self.model._meta,
        }
        return render(request, "admin/consentement/decision/opposition.html", contexte)


@admin.register(EnvoiAvis)
class EnvoiAvisAdmin(admin.ModelAdmin):
    list_display = [
        "cree_le",
        "motif",
        "lot",
        "nb_emails",
        "emails_envoyes_le",
        "nb_courriers",
        "courriers_imprimes_le",
    ]
    list_filter = ["motif"]
    fields = list_display
    readonly_fields = list_display
    actions = ["imprimer_courriers"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Imprimer les courriers sélectionnés (PDF)")
    def imprimer_courriers(self, request, queryset):
        contenu = avis.courriers_imprimer(list(queryset.filter(lot__isnull=True)))
        reponse = HttpResponse(contenu, content_type="application/pdf")
        reponse["Content-Disposition"] = 'attachment; filename="courriers.pdf"'
        return reponse


@admin.register(Accompagnement)
class AccompagnementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "statut", "preuve", "ouvert_le", "ferme_le"]
    list_filter = ["statut"]
    fields = [
        "mediateur",
        "profil",
        "statut",
        "preuve",
        "cree_le",
        "ouvert_le",
        "expire_le",
        "ferme_le",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MatriceProfession)
class MatriceProfessionAdmin(admin.ModelAdmin):
    """The profession matrix: which category of the record each profession sees."""

    list_display = ["profession", "categorie", "autorise"]
    list_editable = ["autorise"]
    list_filter = ["profession", "categorie", "autorise"]
    list_per_page = 200

    def has_delete_permission(self, request, obj=None):
        return False  # a missing row means "no": untick instead, so the choice stays visible


@admin.register(Blocage)
class BlocageAdmin(LectureSeuleAdmin):
    list_display = ["profil", "professionnel", "debut", "revoque_le"]
    list_select_related = ["profil", "professionnel__user"]


@admin.register(AccesProfessionnel)
class AccesProfessionnelAdmin(LectureSeuleAdmin):
    list_display = ["profil", "professionnel", "type", "debut", "fin", "revoque_le"]
    list_filter = ["type"]
    list_select_related = ["profil", "professionnel__user"]
    fields = ["profil", "professionnel", "type", "debut", "fin", "revoque_le"]  # not the reason


@admin.register(ParametresAcces)
class ParametresAccesAdmin(LectureSeuleAdmin):
    list_display = ["profil", "medecin_traitant", "refus_urgence", "masques_visibles_mt"]
    list_select_related = ["profil", "medecin_traitant__user"]
