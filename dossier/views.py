"""Pages of the record. Patient pages act on the active profile; pages keyed by an id
resolve the reader from the item's own profile (a patient, a parent or a professional),
and answer 404 for whatever the policy does not grant."""

from __future__ import annotations

import csv
from datetime import datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consentement import acces
from consentement import services as consentement
from consentement.cycle import ActionImpossible
from consentement.decorators import espace_patient
from consentement.enums import Categorie
from consentement.selectors import blocage_actif, blocages_actifs
from dossier import forms, selectors, services
from dossier.enums import CATEGORIE_DE_RUBRIQUE, Rubrique, TypeMesure
from dossier.graphique import courbe_svg
from dossier.models import Document, InformationMedicale, Mesure
from espace_sante.comptes.enums import Role
from espace_sante.journal.enums import Action
from espace_sante.journal.selectors import verifier_profil


def _lecteur(request):
    return selectors.lecteur_ou_404(request.user, request.profil)


def _retour(lecteur) -> str:
    if lecteur.cote_patient:
        return reverse("dossier:accueil")
    return reverse("dossier:pro_dossier", args=[lecteur.profil.public_id])


# --- The record ------------------------------------------------------------------------


@require_GET
@espace_patient
def accueil(request):
    lecteur = _lecteur(request)
    services.dossier_consulter(lecteur=lecteur, page="documents")
    return render(
        request,
        "dossier/accueil.html",
        {
            "lecteur": lecteur,
            "documents": list(selectors.documents_visibles(lecteur=lecteur)),
            "en_attente": list(selectors.documents_en_attente_annonce(lecteur=lecteur)),
        },
    )


def contexte_profil_medical(lecteur) -> dict:
    contenu = selectors.profil_medical(lecteur=lecteur)
    for elements in [*contenu["rubriques"].values(), *contenu["mesures"].values()]:
        for element in elements:
            element.supprimable = acces.peut_supprimer(lecteur, element)
            element.signalable = acces.peut_signaler_erreur(lecteur, element)
    courbes = []
    for type_mesure, mesures in contenu["mesures"].items():
        if not mesures:
            continue
        unite = mesures[0].unite
        points = [(m.date.date(), float(m.nombres[0])) for m in mesures]
        seconds = None
        if type_mesure == TypeMesure.TENSION:
            seconds = [(m.date.date(), float(m.nombres[1] or 0)) for m in mesures]
        svg = courbe_svg(
            points,
            titre=f"Évolution : {type_mesure.label.lower()}",
            unite=unite,
            points2=seconds,
            libelle1="Systolique" if seconds else "",
            libelle2="Diastolique" if seconds else "",
        )
        courbes.append({"type": type_mesure, "mesures": mesures, "svg": svg})
    return {
        "rubriques": [
            (
                r,
                infos,
                lecteur.cote_patient or CATEGORIE_DE_RUBRIQUE[r] in lecteur.categories,
                acces.peut_ecrire(lecteur, CATEGORIE_DE_RUBRIQUE[r]),
            )
            for r, infos in contenu["rubriques"].items()
        ],
        "mesures_accessibles": lecteur.cote_patient or Categorie.MESURES in lecteur.categories,
        "mesures_ecrire": acces.peut_ecrire(lecteur, Categorie.MESURES),
        "peut_gerer": acces.peut_gerer_visibilite(lecteur),
        "courbes": courbes,
        "imc": services.imc(contenu["mesures"]),
        "parametres": acces.parametres_de(lecteur.profil),
    }


@require_GET
@espace_patient
def profil_medical(request):
    lecteur = _lecteur(request)
    services.dossier_consulter(lecteur=lecteur, page="profil médical")
    return render(
        request,
        "dossier/profil_medical.html",
        {"lecteur": lecteur, **contexte_profil_medical(lecteur)},
    )


# --- Documents --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def document_ajouter(request, profil):
    lecteur = selectors.lecteur_par_profil(request.user, profil)
    form = forms.DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        lecteur=lecteur,
        request=request,
    )
    if form.is_valid():
        donnees = form.cleaned_data
        try:
            document = services.document_ajouter(
                lecteur=lecteur,
                fichier=donnees["fichier"],
                titre=donnees["titre"],
                categorie=donnees["categorie"],
                date_acte=donnees["date_acte"],
                annonce_requise=donnees.get("annonce_requise", False),
                confidentiel=donnees.get("confidentiel", False),
            )
        except services.SaisieRefusee as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(request, "Le document a été ajouté au dossier.")
            return redirect("dossier:document", document.public_id)
    if form.is_bound:
        consentement.journaliser(
            lecteur,
            Action.DOCUMENT_REFUSE,
            details={"motif": "; ".join(form.errors.get("fichier", []))},
        )
    return render(
        request,
        "dossier/document_ajouter.html",
        {"form": form, "lecteur": lecteur, "retour": _retour(lecteur)},
        status=400 if form.is_bound else 200,
    )


@require_GET
def document(request, public_id):
    lecteur, doc = selectors.document_visible(user=request.user, public_id=public_id)
    consentement.journaliser(
        lecteur,
        Action.DOCUMENT_CONSULTE,
        objet=doc,
        details={"categorie": doc.categorie, "page": "fiche"},
    )
    return render(
        request,
        "dossier/document.html",
        {
            "lecteur": lecteur,
            "document": doc,
            "retour": _retour(lecteur),
            "peut_gerer": acces.peut_gerer_visibilite(lecteur),
            "peut_supprimer": acces.peut_supprimer(lecteur, doc),
            "peut_liberer": acces.peut_liberer(lecteur, doc),
            "peut_signaler": acces.peut_signaler_erreur(lecteur, doc),
            "est_auteur": lecteur.professionnel is not None
            and doc.auteur_professionnel_id == lecteur.professionnel.pk,
            "reserve": selectors.professionnels(doc.reserve_a),
        },
    )


@require_GET
def document_fichier(request, public_id):
    """Streams the decrypted file; inline for the preview, attachment on request.

    Our own name and type, never the uploaded ones; nosniff and a sandbox CSP so a
    file can never run as a page of this site.
    """
    lecteur, doc = selectors.document_visible(user=request.user, public_id=public_id)
    telechargement = request.GET.get("telecharger") == "1"
    flux = services.document_ouvrir(lecteur=lecteur, document=doc, telechargement=telechargement)
    reponse = FileResponse(
        flux,
        content_type=doc.type_mime,
        as_attachment=telechargement,
        filename=doc.nom_telechargement,
    )
    reponse["Content-Length"] = str(doc.taille)
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    reponse["Cache-Control"] = "no-store, private"
    reponse["Cross-Origin-Resource-Policy"] = "same-origin"
    reponse["X-Frame-Options"] = "SAMEORIGIN"
    return reponse


@require_http_methods(["GET", "POST"])
def document_restreindre(request, public_id):
    lecteur, doc = selectors.document_visible(user=request.user, public_id=public_id)
    if not acces.peut_gerer_visibilite(lecteur):
        raise Http404
    actuels = selectors.professionnels(doc.reserve_a)
    form = forms.RestrictionForm(
        request.POST if request.method == "POST" else None,
        initial={"rpps": "\n".join(p.rpps for p in actuels)},
    )
    if form.is_valid():
        consentement.document_restreindre(
            lecteur=lecteur, document=doc, professionnels=form.cleaned_data["rpps"]
        )
        messages.success(request, "La liste des professionnels autorisés est enregistrée.")
        return redirect("dossier:document", doc.public_id)
    return render(
        request,
        "dossier/document_restreindre.html",
        {"form": form, "document": doc, "actuels": actuels},
    )


@require_http_methods(["GET", "POST"])
def document_supprimer(request, public_id):
    lecteur, doc = selectors.document_visible(user=request.user, public_id=public_id)
    if not acces.peut_supprimer(lecteur, doc):
        raise Http404
    if request.method == "POST":
        services.document_supprimer(lecteur=lecteur, document=doc)
        messages.success(request, "Le document a été supprimé.")
        return redirect(_retour(lecteur))
    return render(request, "dossier/document_supprimer.html", {"document": doc})


@require_POST
def document_liberer(request, public_id):
    lecteur, doc = selectors.document_visible(user=request.user, public_id=public_id)
    services.document_liberer(lecteur=lecteur, document=doc)
    messages.success(request, "Le patient voit maintenant ce résultat.")
    return redirect("dossier:document", doc.public_id)


# --- Medical profile entries ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def information_ajouter(request, profil, rubrique):
    lecteur = selectors.lecteur_par_profil(request.user, profil)
    try:
        rubrique = Rubrique(rubrique)
    except ValueError:
        raise Http404 from None
    if not acces.peut_ecrire(lecteur, CATEGORIE_DE_RUBRIQUE[rubrique]):
        raise Http404
    form = forms.InformationForm(
        request.POST if request.method == "POST" else None, lecteur=lecteur, rubrique=rubrique
    )
    if form.is_valid():
        try:
            services.information_ajouter(lecteur=lecteur, rubrique=rubrique, **form.cleaned_data)
        except services.SaisieRefusee as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(request, f"« {rubrique.label} » : information ajoutée.")
            return redirect(_retour_profil(lecteur))
    return render(
        request,
        "dossier/element_ajouter.html",
        {"form": form, "titre": rubrique.label, "retour": _retour_profil(lecteur)},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def mesure_ajouter(request, profil):
    lecteur = selectors.lecteur_par_profil(request.user, profil)
    if not acces.peut_ecrire(lecteur, Categorie.MESURES):
        raise Http404
    form = forms.MesureForm(request.POST if request.method == "POST" else None, lecteur=lecteur)
    if form.is_valid():
        donnees = form.cleaned_data
        quand = timezone.make_aware(datetime.combine(donnees["date"], time(12)))
        services.mesure_ajouter(
            lecteur=lecteur,
            type_mesure=donnees["type_mesure"],
            valeur=donnees["valeur"],
            quand=quand,
            confidentiel=donnees.get("confidentiel", False),
        )
        messages.success(request, "La mesure a été ajoutée.")
        return redirect(_retour_profil(lecteur))
    return render(
        request,
        "dossier/element_ajouter.html",
        {"form": form, "titre": "Mesure", "retour": _retour_profil(lecteur)},
        status=400 if form.is_bound else 200,
    )


def _retour_profil(lecteur) -> str:
    if lecteur.cote_patient:
        return reverse("dossier:profil_medical")
    return reverse("dossier:pro_dossier", args=[lecteur.profil.public_id])


MODELES = {m.GENRE: m for m in (Document, InformationMedicale, Mesure)}


def _element(request, genre, public_id):
    modele = MODELES.get(genre)
    if modele is None:
        raise Http404
    return selectors.element_visible(user=request.user, modele=modele, public_id=public_id)


def _retour_element(lecteur, element) -> str:
    if isinstance(element, Document):
        return reverse("dossier:document", args=[element.public_id])
    return _retour_profil(lecteur)


@require_POST
def element_supprimer(request, genre, public_id):
    if genre == Document.GENRE:
        raise Http404  # a document has its own confirmation page
    lecteur, element = _element(request, genre, public_id)
    services.information_supprimer(lecteur=lecteur, element=element)
    messages.success(request, "L'information a été supprimée.")
    return redirect(_retour_profil(lecteur))


@require_POST
def element_masquer(request, genre, public_id):
    lecteur, element = _element(request, genre, public_id)
    masque = request.POST.get("masque") == "1"
    consentement.element_masquer(lecteur=lecteur, element=element, masque=masque)
    messages.success(
        request,
        "L'élément est masqué aux professionnels."
        if masque
        else "L'élément est de nouveau visible des professionnels.",
    )
    return redirect(_retour_element(lecteur, element))


@require_http_methods(["GET", "POST"])
def element_signaler(request, genre, public_id):
    lecteur, element = _element(request, genre, public_id)
    if not acces.peut_signaler_erreur(lecteur, element):
        raise Http404
    form = forms.SignalementForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.erreur_signaler(
            lecteur=lecteur, element=element, message=form.cleaned_data["message"]
        )
        messages.success(
            request, f"Votre signalement est transmis à {element.auteur_professionnel}."
        )
        return redirect(_retour_element(lecteur, element))
    return render(
        request,
        "dossier/element_signaler.html",
        {"form": form, "element": element, "retour": _retour_element(lecteur, element)},
        status=400 if form.is_bound else 200,
    )


# --- Confidentiality and access settings -------------------------------------------------


@require_http_methods(["GET", "POST"])
@espace_patient
def parametres(request):
    lecteur = _lecteur(request)
    if not acces.peut_gerer_visibilite(lecteur):
        raise Http404
    form_blocage = forms.RppsForm(prefix="blocage")
    form_mt = forms.RppsForm(prefix="mt")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "bloquer":
                form_blocage = forms.RppsForm(request.POST, prefix="blocage")
                if form_blocage.is_valid():
                    pro = form_blocage.cleaned_data["rpps"]
                    consentement.professionnel_bloquer(lecteur=lecteur, professionnel=pro)
                    messages.success(request, f"{pro} est bloqué.")
                    return redirect("dossier:parametres")
            elif action == "debloquer":
                blocage = blocage_actif(lecteur.profil, request.POST.get("blocage"))
                if blocage is None:
                    raise Http404
                consentement.professionnel_debloquer(lecteur=lecteur, blocage=blocage)
                messages.success(request, f"{blocage.professionnel} est débloqué.")
                return redirect("dossier:parametres")
            elif action == "medecin_traitant":
                form_mt = forms.RppsForm(request.POST, prefix="mt")
                if form_mt.is_valid():
                    consentement.medecin_traitant_declarer(
                        lecteur=lecteur, professionnel=form_mt.cleaned_data["rpps"]
                    )
                    messages.success(request, "Votre médecin traitant est enregistré.")
                    return redirect("dossier:parametres")
            elif action == "medecin_traitant_retirer":
                consentement.medecin_traitant_declarer(lecteur=lecteur, professionnel=None)
                messages.success(request, "Aucun médecin traitant n'est plus déclaré.")
                return redirect("dossier:parametres")
            elif action == "reglages":
                consentement.urgence_regler(
                    lecteur=lecteur, refus=request.POST.get("refus_urgence") == "1"
                )
                consentement.masques_medecin_traitant(
                    lecteur=lecteur, visibles=request.POST.get("masques_visibles_mt") == "1"
                )
                consentement.notifications_acces_regler(
                    lecteur=lecteur, actives=request.POST.get("notifier_acces_pro") == "1"
                )
                messages.success(request, "Vos choix sont enregistrés.")
                return redirect("dossier:parametres")
            else:
                raise Http404
        except ActionImpossible as refus:
            messages.error(request, str(refus))
            return redirect("dossier:parametres")
    return render(
        request,
        "dossier/parametres.html",
        {
            "parametres": acces.parametres_de(lecteur.profil),
            "blocages": blocages_actifs(lecteur.profil),
            "form_blocage": form_blocage,
            "form_mt": form_mt,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Activity history ---------------------------------------------------------------------


def _historique(request):
    lecteur = _lecteur(request)
    form = forms.HistoriqueForm(request.GET or None)
    filtres = form.cleaned_data if form.is_valid() else {}
    return lecteur, form, selectors.historique(lecteur=lecteur, filtres=filtres)


@require_GET
@espace_patient
def historique(request):
    lecteur, form, entrees = _historique(request)
    page = Paginator(entrees, 50).get_page(request.GET.get("page"))
    verification = None
    if request.GET.get("verifier") == "1":
        rupture = verifier_profil(lecteur.profil)
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
            "verification": verification,
            "peut_attester": acces.peut_attester_historique(lecteur),
            "requete": requete.urlencode(),
            "total": page.paginator.count,
        },
    )


class _Echo:
    def write(self, valeur):
        return valeur


@require_GET
@espace_patient
def historique_csv(request):
    lecteur, _, entrees = _historique(request)
    consentement.journaliser(lecteur, Action.HISTORIQUE_EXPORTE, details={"format": "CSV"})
    ecrivain = csv.writer(_Echo(), delimiter=";")

    def lignes():
        yield "\ufeff"
        yield ecrivain.writerow(
            ["date", "acteur", "rôle", "pour le compte de", "action", "objet", "détails"]
        )
        for e in entrees.iterator(chunk_size=500):
            yield ecrivain.writerow(
                [
                    e.horodatage.isoformat(),
                    e.acteur_libelle or "Système",
                    Role(e.role).label,
                    e.pour_le_compte_de.nom_affiche if e.pour_le_compte_de_id else "",
                    e.get_action_display(),
                    e.objet_id,
                    "; ".join(f"{k}={v}" for k, v in sorted(e.details.items()) if k != "ip"),
                ]
            )

    reponse = StreamingHttpResponse(lignes(), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="historique-activite.csv"'
    return reponse


# --- Exports --------------------------------------------------------------------------------


@require_GET
@espace_patient
def export_fhir(request):
    flux = services.export_fhir(lecteur=_lecteur(request))
    reponse = StreamingHttpResponse(flux, content_type="application/fhir+json; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="dossier-fhir.json"'
    return reponse


@require_GET
@espace_patient
def export_pdf(request):
    contenu = services.export_pdf(lecteur=_lecteur(request))
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = 'attachment; filename="synthese-dossier.pdf"'
    return reponse
