"""The activity history: the page, its CSV export, its verification and signed attestation."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from consentement import acces
from consentement.acces.decorateurs import espace_patient
from dossier import forms, selectors, services
from dossier import historique as presentation
from espace_sante.journal.attestation import JournalAltere
from espace_sante.journal.selectors import verifier_profil


def _entrees(request):
    form = forms.HistoriqueForm(request.GET or None)
    filtres = form.cleaned_data if form.is_valid() else {}
    return form, selectors.historique(acteur=request.acteur, filtres=filtres)


@require_GET
@espace_patient
def historique(request):
    acteur = request.acteur
    form, entrees = _entrees(request)
    page = Paginator(entrees, 25).get_page(request.GET.get("page"))
    lignes = presentation.annoter(acteur, list(page.object_list))
    verification = None
    if request.GET.get("verifier") == "1":
        rupture = verifier_profil(acteur.profil)
        verification = {"intacte": rupture is None, "rupture": rupture}
    requete = request.GET.copy()
    requete.pop("page", None)
    requete.pop("verifier", None)
    return render(
        request,
        "dossier/historique.html",
        {
            "form": form,
            "page": page,
            "lignes": lignes,
            "verification": verification,
            "peut_attester": acces.peut_attester_historique(acteur),
            "requete": requete.urlencode(),
            "total": page.paginator.count,
        },
    )


class _Echo:
    def write(self, valeur):
        return valeur


ENTETE_CSV = [
    "date",
    "qui",
    "rôle",
    "pour le compte de",
    "quoi",
    "motif d'urgence",
    "objet",
    "détails",
]


@require_GET
@espace_patient
def historique_csv(request):
    acteur = request.acteur
    _, entrees = _entrees(request)
    services.historique_exporter(acteur=acteur, format="CSV")
    ecrivain = csv.writer(_Echo(), delimiter=";")

    def lignes():
        yield "\ufeff"
        yield ecrivain.writerow(ENTETE_CSV)
        paquet = []
        for e in entrees.iterator(chunk_size=500):
            paquet.append(e)
            if len(paquet) == 500:
                yield from _lignes_csv(ecrivain, acteur, paquet)
                paquet = []
        yield from _lignes_csv(ecrivain, acteur, paquet)

    reponse = StreamingHttpResponse(lignes(), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="historique-activite.csv"'
    return reponse


def _lignes_csv(ecrivain, acteur, entrees):
    for e in presentation.annoter(acteur, entrees, par_acte=False):
        yield ecrivain.writerow(
            [
                e.horodatage.isoformat(),
                e.qui,
                e.qui_role,
                e.pour_le_compte_de.nom_affiche if e.pour_le_compte_de_id else "",
                e.quoi,
                e.motif,
                e.objet_id,
                "; ".join(f"{k}={v}" for k, v in sorted(e.details.items()) if k != "ip"),
            ]
        )


@require_GET
@espace_patient
def historique_attestation(request):
    """The head of the patient's chain, signed, to keep outside espace-santé."""
    try:
        attestation = services.historique_attester(acteur=request.acteur)
    except JournalAltere as erreur:
        messages.error(
            request,
            f"Le journal de ce profil a été altéré ({erreur.rupture}) : aucune attestation ne "
            "peut être délivrée. Signalez-le au délégué à la protection des données.",
        )
        return redirect(reverse("dossier:historique") + "?verifier=1")
    contenu = json.dumps(attestation, ensure_ascii=False, indent=2) + "\n"
    reponse = HttpResponse(contenu, content_type="application/json; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="attestation-historique.json"'
    return reponse
