"""The record's pages: uploads through the real views, IDOR, masking, professionals'
access, emergency, confidentiality, history, exports and query counts."""

from __future__ import annotations

import html
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf.generic import NameObject

from consentement.acces import choix as consentement
from consentement.acces import ouverture
from consentement.enums import TypeDecision
from consentement.models import AccesProfessionnel, Decision
from dossier import fhir
from dossier.models import Document, InformationMedicale, Mesure
from espace_sante.comptes.enums import Profession
from espace_sante.journal.models import Entree
from espace_sante.notifications.models import Notification
from tests.actions import Action
from tests.comptes.factories import MOT_DE_PASSE, ProfessionnelFactory, ProfilFactory
from tests.conftest import PERSONAS, acteur_de, connecter
from tests.consentement.factories import ParametresAccesFactory
from tests.dossier.factories import DocumentFactory
from tests.lib.corpus import action_js, exif_avec_gps, image, pdf, pdf_avec_flux_d_objets, stocke

pytestmark = pytest.mark.django_db


def fichiers_stockes(profil) -> list[Path]:
    racine = Path(settings.MEDIA_ROOT) / "sante" / "dossier" / str(profil.public_id)
    return [p for p in racine.rglob("*") if p.is_file()] if racine.exists() else []


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def ouvrir_acces(pro_user, profil):
    return ouverture.acces_ouvrir(
        acteur=acteur_de(pro_user), nir=profil.nir, date_naissance=profil.date_naissance
    )


def televerser(client, profil, contenu: bytes, nom="scan.pdf", **champs):
    donnees = {
        "fichier": SimpleUploadedFile(nom, contenu, content_type="application/pdf"),
        "titre": "Compte rendu de consultation",
        "categorie": "compte_rendu",
        "date_acte": "2026-10-02",
        **champs,
    }
    return client.post(reverse("dossier:document_ajouter", args=[profil.public_id]), donnees)


# --- Uploads -----------------------------------------------------------------------------


def test_patient_uploads_a_pdf_stored_encrypted_and_downloads_it_back(client, patient):
    connecter(client, patient)
    contenu = pdf()
    reponse = televerser(client, patient.profil, contenu)
    document = Document.objects.get()
    assert reponse.status_code == 302 and reponse.url == reverse(
        "dossier:document", args=[document.public_id]
    )
    assert document.titre == "Compte rendu de consultation"
    with document.fichier.storage.open_raw(document.fichier.name) as f:
        brut = f.read()
    assert contenu not in brut and brut.startswith(b"ES")
    assert "scan" not in document.fichier.name
    telechargement = client.get(
        reverse("dossier:document_fichier", args=[document.public_id]) + "?telecharger=1"
    )
    assert b"".join(telechargement.streaming_content) == stocke(contenu)
    assert telechargement["Content-Type"] == "application/pdf"
    assert telechargement["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in telechargement["Content-Security-Policy"]
    assert telechargement["Content-Disposition"].startswith(
        'attachment; filename="compte_rendu-2026-10-02-'
    )
    actions = list(Entree.objects.filter(profil=patient.profil).values_list("action", flat=True))
    # The upload is journaled; the person's own reading of their record is not a history line.
    assert Action.DOCUMENT_AJOUTE in actions and Action.DOCUMENT_CONSULTE not in actions


def test_an_uploaded_photo_loses_its_gps_metadata(client, patient):
    connecter(client, patient)
    photo = image("JPEG", exif=exif_avec_gps())
    televerser(client, patient.profil, photo, nom="photo.jpg", categorie="imagerie")
    document = Document.objects.get()
    assert document.type_mime == "image/jpeg"
    with document.fichier.open("rb") as f:
        stocke = f.read()
    assert b"Exif" not in stocke and not Image.open(io.BytesIO(stocke)).getexif()


def _pdf_js_dans_openaction(writer, page):
    writer._root_object[NameObject("/OpenAction")] = action_js()


CORPUS = {
    "pdf_javascript": (pdf(_pdf_js_dans_openaction), "contenu actif"),
    "pdf_javascript_objstm": (
        pdf_avec_flux_d_objets({3: b"<< /S /JavaScript /JS (app.alert(1)) >>"}),
        None,
    ),
    "exe_nomme_pdf": (b"MZ\x90\x00" + b"\x00" * 200, "Ce type de fichier n'est pas accepté"),
    "html": (b"<html><script>alert(1)</script></html>", "Ce type de fichier n'est pas accepté"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "pas accepté"),
    "faux_jpeg": (b"\xff\xd8\xff\xe0" + b"nimportequoi" * 50, "L'image est illisible"),
    "pdf_tronque": (pdf()[:300], "illisible"),
    "vide": (b"", None),
}


@pytest.mark.parametrize("cas", list(CORPUS))
def test_hostile_uploads_fail_cleanly_and_store_nothing(client, patient, cas):
    connecter(client, patient)
    contenu, message = CORPUS[cas]
    avant = fichiers_stockes(patient.profil)
    reponse = televerser(client, patient.profil, contenu)
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "Erreur" in page and 'class="fr-error-text"' in page
    if message:
        assert message in page
    assert Document.objects.count() == 0
    assert fichiers_stockes(patient.profil) == avant
    assert Entree.objects.filter(profil=patient.profil, action=Action.DOCUMENT_REFUSE).exists()


def test_a_polyglot_png_is_stored_re_encoded_without_its_payload(client, patient):
    connecter(client, patient)
    polyglotte = image("PNG") + pdf(_pdf_js_dans_openaction)
    televerser(client, patient.profil, polyglotte, nom="x.pdf")
    with Document.objects.get().fichier.open("rb") as f:
        stocke = f.read()
    assert b"%PDF" not in stocke and b"JavaScript" not in stocke


def test_an_oversized_body_is_refused_before_it_is_read(client, patient, settings):
    settings.TELEVERSEMENT_TAILLE_MAX = 1000
    connecter(client, patient)
    reponse = televerser(client, patient.profil, b"%PDF-1.4\n" + b"0" * 200_000)
    assert reponse.status_code == 413
    assert "dépasse la taille maximale" in texte(reponse)
    assert Document.objects.count() == 0 and fichiers_stockes(patient.profil) == []


def test_a_file_over_the_cap_inside_an_acceptable_body_is_refused(client, patient, settings):
    settings.TELEVERSEMENT_TAILLE_MAX = 80_000  # the body's margin lets 140 kB through
    connecter(client, patient)
    reponse = televerser(client, patient.profil, b"%PDF-1.4\n" + b"0" * 100_000)
    assert reponse.status_code == 400
    assert "dépasse la taille maximale" in texte(reponse)
    assert Document.objects.count() == 0


# --- IDOR: another patient's ids answer 404 to everyone but the owner -------------------

URLS_DOCUMENT = [
    "dossier:document",
    "dossier:document_fichier",
    "dossier:document_restreindre",
    "dossier:document_supprimer",
]
POSTS_DOCUMENT = ["dossier:document_liberer"]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonyme"])
def test_another_patients_document_is_404_for_every_other_persona(client_de, persona, request):
    autre = ProfilFactory(active=True)
    document = DocumentFactory(profil=autre, auteur=autre.titulaire)
    info = InformationMedicale.objects.create(
        profil=autre,
        rubrique="allergie",
        libelle="Arachide",
        auteur=autre.titulaire,
        auteur_role="titulaire",
        auteur_libelle="x",
    )
    client = client_de(persona)
    for nom in URLS_DOCUMENT:
        assert client.get(reverse(nom, args=[document.public_id])).status_code == 404, nom
    for nom in POSTS_DOCUMENT:
        assert client.post(reverse(nom, args=[document.public_id])).status_code == 404, nom
    for nom in ["dossier:element_supprimer", "dossier:element_modifier"]:
        url = reverse(nom, args=["information", info.public_id])
        assert client.get(url).status_code == 404, nom
        assert client.post(url, {"libelle": "x"}).status_code == 404, nom
    for genre, element in [("document", document), ("information", info)]:
        for nom in ["dossier:element_masquer", "dossier:element_signaler"]:
            url = reverse(nom, args=[genre, element.public_id])
            assert client.post(url, {"masque": "1", "message": "x"}).status_code == 404, nom
    for nom, kwargs in [
        ("dossier:document_ajouter", {}),
        ("dossier:mesure_ajouter", {}),
        ("dossier:information_ajouter", {"rubrique": "allergie"}),
    ]:
        url = reverse(nom, kwargs={"profil": autre.public_id, **kwargs})
        assert client.get(url).status_code == 404, nom
        assert client.post(url, {}).status_code == 404, nom
    assert client.get(reverse("dossier:pro_dossier", args=[autre.public_id])).status_code == 404
    assert Document.objects.filter(pk=document.pk, masque=False).exists()
    assert InformationMedicale.objects.filter(pk=info.pk).exists()


# --- Masking, allow-list, blocking ------------------------------------------------------


def test_patient_masks_a_document_and_the_professional_no_longer_sees_it(
    client, patient, professionnel
):
    profil = patient.profil
    document = DocumentFactory(profil=profil, auteur=patient)
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel)
    fiche = reverse("dossier:document", args=[document.public_id])
    assert client.get(fiche).status_code == 200
    lecture = Entree.objects.get(action=Action.DOCUMENT_CONSULTE, acteur=professionnel)
    assert lecture.objet_id == str(document.public_id) and lecture.profil == profil
    connecter(client, patient)
    client.post(
        reverse("dossier:element_masquer", args=["document", document.public_id]), {"masque": "1"}
    )
    assert Decision.objects.filter(profil=profil, type=TypeDecision.MASQUAGE).count() == 1
    connecter(client, professionnel)
    assert client.get(fiche).status_code == 404
    page = client.get(reverse("dossier:pro_dossier", args=[profil.public_id])).content.decode()
    assert document.titre not in page


def test_allow_list_shows_a_document_to_the_listed_doctor_only(client, patient):
    profil = patient.profil
    dr_x, dr_y = ProfessionnelFactory(), ProfessionnelFactory()
    document = DocumentFactory(profil=profil, auteur=patient)
    for pro in (dr_x, dr_y):
        ouvrir_acces(pro.user, profil)
    connecter(client, patient)
    reponse = client.post(
        reverse("dossier:document_restreindre", args=[document.public_id]), {"rpps": dr_x.rpps}
    )
    assert reponse.status_code == 302
    assert Decision.objects.get(type=TypeDecision.RESTRICTION).details["professionnels"]
    fiche = reverse("dossier:document", args=[document.public_id])
    assert connecter(client, dr_x.user).get(fiche).status_code == 200
    assert connecter(client, dr_y.user).get(fiche).status_code == 404
    erreur = connecter(client, patient).post(
        reverse("dossier:document_restreindre", args=[document.public_id]), {"rpps": "12345"}
    )
    assert "Le numéro RPPS comporte exactement 11 chiffres." in texte(erreur)


def test_a_blocked_professional_cannot_open_the_record_and_the_patient_sees_the_attempt(
    client, patient, professionnel_bloque
):
    profil = patient.profil
    ouvrir_acces(professionnel_bloque, profil)
    connecter(client, patient)
    client.post(
        reverse("dossier:blocage_ajouter"),
        {"blocage-rpps": professionnel_bloque.professionnel.rpps},
    )
    assert Decision.objects.filter(type=TypeDecision.BLOCAGE).exists()
    assert not AccesProfessionnel.objects.actifs().filter(profil=profil).exists()
    connecter(client, professionnel_bloque)
    fiche = reverse("dossier:pro_dossier", args=[profil.public_id])
    assert client.get(fiche).status_code == 404
    reponse = client.post(
        reverse("dossier:pro_accueil"),
        {"nir": profil.nir, "date_naissance": profil.date_naissance.isoformat()},
    )
    assert "Aucun dossier accessible ne correspond" in texte(reponse)
    assert Entree.objects.filter(profil=profil, action=Action.ACCES_REFUSE).exists()


def test_professional_opens_a_record_by_nir_and_birth_date_only(client, patient, professionnel):
    profil = patient.profil
    connecter(client, professionnel)
    mauvais = client.post(
        reverse("dossier:pro_accueil"), {"nir": profil.nir, "date_naissance": "1990-01-01"}
    )
    assert "Aucun dossier accessible ne correspond" in texte(mauvais)
    bon = client.post(
        reverse("dossier:pro_accueil"),
        {"nir": profil.nir, "date_naissance": profil.date_naissance.isoformat()},
    )
    assert bon.url == reverse("dossier:pro_dossier", args=[profil.public_id])
    acces_ouvert = AccesProfessionnel.objects.get(profil=profil)
    assert acces_ouvert.fin - acces_ouvert.debut == timedelta(hours=24)
    page = client.get(bon.url)
    assert page.status_code == 200
    entree = Entree.objects.filter(profil=profil, action=Action.DOSSIER_CONSULTE).first()
    assert entree.acteur_libelle == str(professionnel.professionnel)


def test_repeated_failed_searches_lock_the_professional_out(client, professionnel, settings):
    connecter(client, professionnel)
    profil = ProfilFactory(active=True)
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        client.post(
            reverse("dossier:pro_accueil"), {"nir": profil.nir, "date_naissance": "1990-01-01"}
        )
    bloque = client.post(
        reverse("dossier:pro_accueil"),
        {"nir": profil.nir, "date_naissance": profil.date_naissance.isoformat()},
    )
    assert "Trop de recherches infructueuses" in texte(bloque)
    assert not AccesProfessionnel.objects.exists()


# --- Emergency ------------------------------------------------------------------------------


def _urgence(client, pro_user, profil):
    connecter(client, pro_user)
    url = reverse("dossier:pro_urgence")
    assert client.get(url).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": MOT_DE_PASSE})
    return client.post(
        url,
        {
            "nir": profil.nir,
            "date_naissance": profil.date_naissance.isoformat(),
            "motif": "Patient inconscient amené par le SAMU, recherche d'allergies",
            "confirme": "on",
        },
    )


def test_emergency_access_opens_two_hours_and_notifies_patient_and_doctor(
    client, patient, professionnel
):
    profil = patient.profil
    mt = ProfessionnelFactory()
    ParametresAccesFactory(profil=profil, medecin_traitant=mt)
    urgentiste = ProfessionnelFactory(profession=Profession.INFIRMIER).user
    reponse = _urgence(client, urgentiste, profil)
    assert reponse.url == reverse("dossier:pro_dossier", args=[profil.public_id])
    acces_ouvert = AccesProfessionnel.objects.get(type="urgence")
    assert acces_ouvert.fin - acces_ouvert.debut == timedelta(hours=2)
    assert acces_ouvert.motif.startswith("Patient inconscient")
    destinataires = set(Notification.objects.values_list("destinataire", flat=True))
    assert destinataires == {patient.email, mt.user.email}
    assert all("allergie" not in n.corps for n in Notification.objects.all())
    connecter(client, patient)
    historique = client.get(reverse("dossier:historique")).content.decode()
    assert "Accès en urgence (bris de glace)" in historique and "Urgence" in historique


def test_emergency_access_is_refused_when_the_patient_refused_it(client, patient):
    profil = patient.profil
    connecter(client, patient)
    client.post(
        reverse("dossier:reglages_enregistrer"), {"refus_urgence": "1", "masques_visibles_mt": "1"}
    )
    assert Decision.objects.filter(type=TypeDecision.URGENCE_REFUS).exists()
    reponse = _urgence(client, ProfessionnelFactory().user, profil)
    assert "a refusé l'accès à son dossier en urgence" in texte(reponse)
    assert not AccesProfessionnel.objects.exists()


# --- Announcement, confidentiality -----------------------------------------------------------


def test_a_result_held_for_announcement_shows_a_notice_at_two_weeks_then_itself(
    client, patient, professionnel
):
    profil = patient.profil
    pro = professionnel.professionnel
    document = DocumentFactory.par(pro, profil=profil, annonce_requise=True, categorie="biologie")
    connecter(client, patient)
    page = client.get(reverse("dossier:accueil")).content.decode()
    assert document.titre not in page and "Un document vous attend" not in page
    Document.objects.filter(pk=document.pk).update(ajoute_le=timezone.now() - timedelta(days=15))
    page = client.get(reverse("dossier:accueil")).content.decode()
    assert "Un document vous attend" in page and document.titre not in page
    fiche = reverse("dossier:document", args=[document.public_id])
    assert client.get(fiche).status_code == 404
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel).post(
        reverse("dossier:document_liberer", args=[document.public_id])
    )
    connecter(client, patient)
    assert client.get(fiche).status_code == 200


def test_parent_does_not_see_a_minors_confidential_document_nor_its_history(
    client, parent, mineur, professionnel
):
    ouvrir_acces(professionnel, mineur)
    connecter(client, professionnel)
    reponse = televerser(
        client, mineur, pdf(), titre="Consultation confidentielle", confidentiel="on"
    )
    assert reponse.status_code == 302
    document = Document.objects.get()
    assert document.confidentiel
    assert Decision.objects.filter(profil=mineur, type=TypeDecision.CONFIDENTIALITE).exists()
    connecter(client, parent)
    client.post(reverse("consentement:changer_profil"), {"profil": str(mineur.public_id)})
    page = client.get(reverse("dossier:accueil")).content.decode()
    assert "Yanis" in page and "Consultation confidentielle" not in page
    assert client.get(reverse("dossier:document", args=[document.public_id])).status_code == 404
    historique = client.get(reverse("dossier:historique"))
    entrees = historique.context["page"].object_list
    assert str(document.public_id) not in {e.objet_id for e in entrees}
    assert not [e for e in entrees if e.details.get("type") == "confidentialite"]
    assert "Confidentialité" not in texte(historique)


# --- Medical profile, history, exports --------------------------------------------------------


def test_patient_fills_the_medical_profile_with_measures_bmi_and_chart(client, patient):
    connecter(client, patient)
    profil = patient.profil
    ajouter = reverse("dossier:information_ajouter", args=[profil.public_id, "allergie"])
    assert (
        client.post(ajouter, {"libelle": "Pénicilline", "details": "Urticaire"}).status_code == 302
    )
    mesure = reverse("dossier:mesure_ajouter", args=[profil.public_id])
    for type_mesure, valeur, jour in [
        ("poids", "72,5", "2026-10-01"),
        ("poids", "71", "2026-11-01"),
        ("taille", "170", "2026-10-01"),
        ("tension", "120/80", "2026-11-02"),
    ]:
        assert (
            client.post(
                mesure, {"type_mesure": type_mesure, "valeur": valeur, "date": jour}
            ).status_code
            == 302
        )
    erreur = client.post(mesure, {"type_mesure": "poids", "valeur": "725", "date": "2026-11-01"})
    assert erreur.status_code == 400 and "Valeur improbable" in texte(erreur)
    page = client.get(reverse("dossier:profil_medical")).content.decode()
    assert "Pénicilline" in page and "Urticaire" in page
    assert "24,6" in page  # BMI: 71 / 1.70²
    assert page.count("<svg") >= 3 and "Dernière valeur : 71 kg" in page
    assert "120/80 mmHg" in page
    assert InformationMedicale.objects.get().libelle == "Pénicilline"
    assert Mesure.objects.count() == 4


def test_history_filters_paginates_exports_csv_and_verifies_the_chain(
    client, patient, professionnel
):
    profil = patient.profil
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel)
    for _ in range(60):
        client.get(reverse("dossier:pro_dossier", args=[profil.public_id]))
    connecter(client, patient)
    page = client.get(reverse("dossier:historique"))
    assert page.context["total"] == 61 and len(page.context["page"].object_list) == 25
    assert page.content.decode().count('name="role"') == 1  # the filter form, once
    derniere = client.get(reverse("dossier:historique"), {"page": 3})
    assert len(derniere.context["page"].object_list) == 11
    filtre = client.get(reverse("dossier:historique"), {"action": Action.ACCES_OUVERT})
    assert filtre.context["total"] == 1
    csv = b"".join(client.get(reverse("dossier:historique_csv")).streaming_content).decode()
    assert csv.count("Dossier consulté") == 60 and "Dr Jeanne Lefèvre" in csv
    verifie = client.get(reverse("dossier:historique"), {"verifier": "1"}).content.decode()
    assert "Personne n'a modifié, supprimé ou réordonné les lignes de cet historique" in verifie
    with connection.cursor() as c:  # tampering as a database superuser would
        c.execute("SET session_replication_role = replica")
        c.execute(
            "UPDATE journal_entree SET details = '{}'::jsonb WHERE id = "
            "(SELECT min(id) FROM journal_entree WHERE profil_id = %s)",
            [profil.pk],
        )
        c.execute("SET session_replication_role = DEFAULT")
    altere = client.get(reverse("dossier:historique"), {"verifier": "1"}).content.decode()
    assert "a été modifié après coup" in altere


def test_fhir_export_validates_and_holds_every_item(client, patient):
    connecter(client, patient)
    profil = patient.profil
    televerser(client, profil, pdf())
    client.post(
        reverse("dossier:information_ajouter", args=[profil.public_id, "vaccination"]),
        {"libelle": "DTP", "date": "2020-01-01"},
    )
    client.post(
        reverse("dossier:mesure_ajouter", args=[profil.public_id]),
        {"type_mesure": "poids", "valeur": "70", "date": "2026-11-01"},
    )
    reponse = client.get(reverse("dossier:export_fhir"))
    bundle = json.loads(b"".join(reponse.streaming_content))
    fhir.valider(bundle)
    types = sorted(e["resource"]["resourceType"] for e in bundle["entry"])
    assert types == ["DocumentReference", "Immunization", "Observation", "Patient"]
    assert Entree.objects.filter(profil=profil, action=Action.EXPORT).exists()
    pdf_resume = client.get(reverse("dossier:export_pdf"))
    assert pdf_resume.content.startswith(b"%PDF-")


@pytest.mark.parametrize("persona", ["patient", "professionnel"])
def test_record_page_query_count_is_constant_from_10_to_500_documents(
    client, patient, professionnel, persona, django_assert_num_queries
):
    from django.test.utils import CaptureQueriesContext

    profil = patient.profil
    ouvrir_acces(professionnel, profil)
    connecter(client, patient if persona == "patient" else professionnel)
    url = (
        reverse("dossier:accueil")
        if persona == "patient"
        else reverse("dossier:pro_dossier", args=[profil.public_id])
    )
    pro = professionnel.professionnel

    def remplir(n):
        Document.objects.bulk_create(
            DocumentFactory.build(profil=profil, auteur=patient)
            if i % 2
            else DocumentFactory.build(
                profil=profil,
                auteur=pro.user,
                auteur_professionnel=pro,
                auteur_role="professionnel",
                masque=i % 3 == 0,
            )
            for i in range(n)
        )

    client.get(url)  # the session's first save is not the page's cost
    remplir(10)
    with CaptureQueriesContext(connection) as dix:
        assert client.get(url).status_code == 200
    remplir(490)
    with CaptureQueriesContext(connection) as cinq_cents:
        reponse = client.get(url)
    assert reponse.context["page"].paginator.count == 500
    assert len(cinq_cents) == len(dix), [q["sql"] for q in cinq_cents.captured_queries]


def test_notification_email_on_each_professional_access_when_asked(client, patient, professionnel):
    connecter(client, patient)
    client.post(
        reverse("dossier:reglages_enregistrer"),
        {"notifier_acces_pro": "1", "masques_visibles_mt": "1"},
    )
    ouvrir_acces(professionnel, patient.profil)
    notification = Notification.objects.get()
    assert notification.destinataire == patient.email
    assert "a ouvert" in notification.corps
    from espace_sante.notifications import services as notifications

    assert notifications.notification_envoyer(notification.pk)
    assert mail.outbox[-1].to == [patient.email]
    assert not notifications.notification_envoyer(notification.pk)  # sent once


def test_admin_edits_the_profession_matrix_and_never_reads_a_documents_title(client, admin_user):
    from consentement.models import MatriceProfession

    document = DocumentFactory(titre="Sérologie confidentielle")
    connecter(client, admin_user)
    liste = client.get("/admin/consentement/matriceprofession/")
    assert liste.status_code == 200 and "Chirurgien-dentiste" in texte(liste)
    ligne = MatriceProfession.objects.get(profession="chirurgien_dentiste", categorie="directives")
    assert not ligne.autorise
    fiche = client.get(f"/admin/dossier/document/{document.pk}/change/")
    assert fiche.status_code == 200 and "Sérologie" not in texte(fiche)
    assert "Sérologie" not in texte(client.get("/admin/dossier/document/"))


def test_a_malformed_or_foreign_block_id_is_404_not_a_server_error(client, patient):
    connecter(client, patient)
    for valeur in ["pas-un-uuid", "00000000-0000-4000-8000-000000000000", ""]:
        reponse = client.post(f"/dossier/confidentialite/debloquer/{valeur}/")
        assert reponse.status_code == 404, valeur
    autre = ProfilFactory(active=True)
    blocage = consentement.professionnel_bloquer(
        acteur=acteur_de(autre.titulaire, autre), professionnel=ProfessionnelFactory()
    )
    etranger = reverse("dossier:blocage_lever", args=[autre.blocages.get().public_id])
    assert blocage and client.post(etranger).status_code == 404
    # A POST to the page itself is the directory search of its one form: it writes nothing.
    decisions = Decision.objects.count()
    assert client.post(reverse("dossier:parametres"), {"chercher": "1"}).status_code == 200
    assert Decision.objects.count() == decisions


def test_searching_the_directory_keeps_the_rpps_numbers_typed_below(client, patient):
    """Issue 21, point 6: the search and both choices are one form; "Chercher" shows the page
    again with what was typed, and the results' buttons still pick a professional."""
    lefevre = ProfessionnelFactory()
    connecter(client, patient)
    page = client.post(
        reverse("dossier:parametres"),
        {"nom": "Lefèvre", "chercher": "1", "mt-rpps": "", "blocage-rpps": "10101010101"},
    )
    assert page.status_code == 200
    contenu = texte(page)
    assert 'name="blocage-rpps" value="10101010101"' in contenu
    assert f"RPPS {lefevre.rpps}" in contenu and "ne correspond à cette recherche" not in contenu
    assert not Decision.objects.filter(type=TypeDecision.BLOCAGE).exists()
    # A result's "Bloquer" button sends its pick along with the form's empty hidden field.
    client.post(
        reverse("dossier:blocage_ajouter"),
        {"blocage-professionnel": [str(lefevre.public_id), ""], "blocage-rpps": ""},
    )
    assert Decision.objects.filter(type=TypeDecision.BLOCAGE).count() == 1
    assert patient.profil.blocages.get().professionnel == lefevre


def test_an_error_in_one_choice_keeps_the_number_typed_in_the_other(client, patient):
    connecter(client, patient)
    reponse = client.post(
        reverse("dossier:medecin_traitant_declarer"),
        {"mt-rpps": "123", "blocage-rpps": "10101010101", "nom": ""},
    )
    assert reponse.status_code == 400
    contenu = texte(reponse)
    assert (
        "comporte exactement 11 chiffres" in contenu
        and 'name="blocage-rpps" value="10101010101"' in contenu
    )


def test_documents_are_sorted_by_act_date_newest_first_with_the_upload_date(client, patient):
    profil = patient.profil
    connecter(client, patient)
    for titre, acte in [
        ("Ancien", "2020-01-05"),
        ("Récent", "2026-09-01"),
        ("Moyen", "2024-03-02"),
    ]:
        televerser(client, profil, pdf(), titre=titre, date_acte=acte)
    documents = client.get(reverse("dossier:accueil")).context["documents"]
    assert [d.titre for d in documents] == ["Récent", "Moyen", "Ancien"]
    page = texte(client.get(reverse("dossier:accueil")))
    assert f"ajouté le {timezone.localdate():%d/%m/%Y}" in page
