"""List-content matrix (issue 10): which persona sees which seeded item on every list page
and export, and no list shows what the item's own page refuses (nor hides what it grants).

Seeded: the patient's ordinary document, a document they masked, a result held for an
announcement; a minor's ordinary and confidential documents with the confidentiality
decision; another person's document. Messaging: a conversation with the patient, one the
blocked professional wrote before being blocked, one with the minor and a confidential one,
another person's conversation (their subject is the marker). The professional has an open
access to the patient and the minor; the blocked professional is blocked by the patient.
At the end, a confidential item of every kind (issue 18): the parent sees none of them.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from consentement import acces
from consentement.acces import choix as services
from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from consentement.enums import TypeDecision
from consentement.models import Decision
from dossier.models import Document
from tests.comptes.factories import ProfessionnelFactory, ProfilFactory
from tests.conftest import PERSONAS, acteur_de, connecter
from tests.dossier.factories import DocumentFactory
from tests.dossier.test_vues import ouvrir_acces
from tests.lib.corpus import pdf
from tests.messagerie.outils import ecrire

pytestmark = pytest.mark.django_db

LISTES = [
    ("dossier:accueil", {}),
    ("dossier:historique", {}),
    ("dossier:historique_csv", {}),
    ("dossier:export_fhir", {}),
    ("dossier:export_pdf", {}),
    ("consentement:mes_choix", {}),
    ("messagerie:accueil", {}),
    ("messagerie:accueil", {}, {"archives": "1"}),
    ("catalogue:mes_services", {}),
    ("catalogue:accueil", {}),
]
LISTES_PRO = [("messagerie:pro_boite", {}), ("messagerie:pro_boite", {}, {"archives": "1"})]
VOIT = {  # marker → the personas who see it somewhere in the lists
    "ORDINAIRE-P": {"patient", "professionnel"},
    "MASQUE-P": {"patient"},
    "ANNONCE-P": {"professionnel"},
    "ORDINAIRE-M": {"parent", "professionnel"},
    "CONFIDENTIEL-M": {"professionnel"},
    "AUTRE-O": set(),
    "DECISION-MASQUAGE-P": {"patient"},
    "DECISION-CONFIDENTIALITE-M": set(),
    "MSG-P": {"patient", "professionnel"},
    "MSG-BLOQUE-P": {"patient"},
    "MSG-M": {"parent", "professionnel"},
    "MSG-CONF-M": {"professionnel"},
    "MSG-O": set(),
}


def _doc(profil, titre, pro, **champs):
    """A document whose file exists (the exports read it), encrypted like any upload."""
    document = DocumentFactory.par(pro, profil=profil, titre=titre, **champs)
    stockage = document.fichier.storage
    document.fichier.name = stockage.save(f"dossier/test/{titre}.pdf", ContentFile(pdf()))
    document.save(update_fields=["fichier"])
    return document


@pytest.fixture
def monde(patient, parent, mineur, professionnel, professionnel_bloque):
    profil, pro = patient.profil, professionnel.professionnel
    autre_pro = ProfessionnelFactory()
    ouvrir_acces(professionnel, profil)
    ouvrir_acces(professionnel, mineur)
    docs = {
        "ORDINAIRE-P": _doc(profil, "ORDINAIRE-P", pro),
        "MASQUE-P": _doc(profil, "MASQUE-P", autre_pro),
        "ANNONCE-P": _doc(profil, "ANNONCE-P", pro, annonce_requise=True, categorie="biologie"),
        "ORDINAIRE-M": _doc(mineur, "ORDINAIRE-M", pro),
        "AUTRE-O": _doc(ProfilFactory(active=True), "AUTRE-O", autre_pro),
    }
    services.element_masquer(
        acteur=acteur_de(patient, profil), element=docs["MASQUE-P"], masque=True
    )
    conversations = {"MSG-BLOQUE-P": ecrire(professionnel_bloque, profil, sujet="MSG-BLOQUE-P")}
    services.professionnel_bloquer(
        acteur=acteur_de(patient, profil), professionnel=professionnel_bloque.professionnel
    )
    docs["CONFIDENTIEL-M"] = _doc(mineur, "CONFIDENTIEL-M", pro, confidentiel=True)
    services.confidentialite_enregistrer(
        acteur=acces.sur_dossier(acces.acteur_de_connexion(professionnel), mineur),
        element=docs["CONFIDENTIEL-M"],
    )
    Document.objects.update(ajoute_le=timezone.now() - timedelta(days=1))
    decisions = {
        "DECISION-MASQUAGE-P": Decision.objects.get(type=TypeDecision.MASQUAGE),
        "DECISION-CONFIDENTIALITE-M": Decision.objects.get(type=TypeDecision.CONFIDENTIALITE),
    }
    conversations.update(
        {
            "MSG-P": ecrire(professionnel, profil, sujet="MSG-P"),
            "MSG-M": ecrire(professionnel, mineur, sujet="MSG-M"),
            "MSG-CONF-M": ecrire(professionnel, mineur, sujet="MSG-CONF-M", confidentiel=True),
            "MSG-O": ecrire(autre_pro.user, ProfilFactory(active=True), sujet="MSG-O"),
        }
    )
    return docs, decisions, conversations


def _texte(reponse) -> str:
    if reponse.streaming:
        contenu = b"".join(reponse.streaming_content)
    else:
        contenu = reponse.content
    if contenu.startswith(b"%PDF"):
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages)
    texte = contenu.decode()
    if reponse["Content-Type"].startswith("application/fhir+json"):
        return json.dumps(json.loads(texte), ensure_ascii=False)
    return texte


def _vus(client, persona, monde) -> set[str]:
    docs, decisions, conversations = monde
    pages = list(LISTES)
    if persona.startswith("professionnel"):
        pages = [("dossier:pro_dossier", {"profil": d.profil.public_id}) for d in docs.values()]
        pages += LISTES_PRO
    vus = set()
    for nom, kwargs, *requete in pages:  # a third item: the query string
        reponse = client.get(reverse(nom, kwargs=kwargs), *requete)
        if reponse.status_code != 200:
            continue
        texte = _texte(reponse)
        vus |= {marque for marque in docs if marque in texte}
        vus |= {marque for marque, d in decisions.items() if d.reference in texte}
        vus |= {marque for marque in conversations if marque in texte}
    return vus


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonyme"])
def test_each_list_shows_each_persona_exactly_what_the_policy_grants(
    client, persona, request, monde, mineur
):
    connecter(client, request.getfixturevalue(persona))
    if persona == "parent":  # acting for the child (the switcher)
        session = client.session
        session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
        session.save()
    vus = _vus(client, persona, monde)
    attendus = {marque for marque, qui in VOIT.items() if persona in qui}
    assert vus == attendus, f"{persona} : en trop {vus - attendus}, manquants {attendus - vus}"


@pytest.mark.parametrize("persona", ["patient", "parent", "professionnel", "professionnel_bloque"])
def test_no_list_shows_what_the_detail_refuses_nor_the_reverse(
    client, persona, request, monde, mineur
):
    docs, decisions, conversations = monde
    connecter(client, request.getfixturevalue(persona))
    if persona == "parent":
        session = client.session
        session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
        session.save()
    vus = _vus(client, persona, monde)
    for marque, document in docs.items():
        statut = client.get(reverse("dossier:document", args=[document.public_id])).status_code
        assert statut == (200 if marque in vus else 404), (persona, marque, statut)
    for marque, conversation in conversations.items():
        url = reverse("messagerie:conversation", args=[conversation.public_id])
        assert client.get(url).status_code == (200 if marque in vus else 404), (persona, marque)
    for marque, decision in decisions.items():
        statut = client.get(reverse("consentement:recu", args=[decision.public_id])).status_code
        assert statut == (200 if marque in vus else 404), (persona, marque, statut)


# --- Agenda (issue 13) -------------------------------------------------------------------
# Seeded: the patient's own appointment, a proposal of the professional to the patient, one
# to the minor, the minor's appointment added by the parent, another person's appointment,
# and a proposal of the blocked professional made before the patient blocked them.

VOIT_AGENDA = {
    "RDV-P": {"patient"},
    "PROPOSE-P": {"patient", "professionnel"},
    "RDV-M": {"parent"},
    "PROPOSE-M": {"parent", "professionnel"},
    "RDV-O": set(),
    "BLOQUE-P": {"patient"},
}


@pytest.fixture
def agenda(patient, parent, mineur, professionnel, professionnel_bloque):
    from agenda import services as agenda_services
    from tests.agenda.outils import acteur_patient, proposer, rdv_de, saisie

    rdvs = {
        "RDV-P": rdv_de(patient, titre="RDV-P"),
        "PROPOSE-P": proposer(professionnel, patient.profil, titre="PROPOSE-P"),
        "PROPOSE-M": proposer(professionnel, mineur, titre="PROPOSE-M"),
        "RDV-M": agenda_services.rdv_ajouter(
            acteur=acteur_patient(parent, mineur),
            saisie=saisie(titre="RDV-M"),
        ),
        "RDV-O": rdv_de(ProfilFactory(active=True).titulaire, titre="RDV-O"),
        "BLOQUE-P": proposer(professionnel_bloque, patient.profil, titre="BLOQUE-P"),
    }
    services.professionnel_bloquer(
        acteur=acteur_de(patient, patient.profil), professionnel=professionnel_bloque.professionnel
    )
    return rdvs


def _vus_agenda(client, persona, rdvs) -> set[str]:
    if persona.startswith("professionnel"):
        pages = [("agenda:pro_rendez_vous", {})]
    else:
        mois = {(r.debut.year, r.debut.month) for r in rdvs.values()}
        pages = [("agenda:accueil", {})] + [
            ("agenda:mois_de", {"annee": a, "numero": m}) for a, m in sorted(mois)
        ]
    vus = set()
    for nom, kwargs in pages:
        reponse = client.get(reverse(nom, kwargs=kwargs))
        if reponse.status_code == 200:
            vus |= {marque for marque in rdvs if marque in reponse.content.decode()}
    return vus


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonyme"])
def test_agenda_lists_show_each_persona_exactly_what_the_policy_grants(
    client, persona, request, agenda, mineur
):
    connecter(client, request.getfixturevalue(persona))
    if persona == "parent":
        session = client.session
        session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
        session.save()
    vus = _vus_agenda(client, persona, agenda)
    attendus = {marque for marque, qui in VOIT_AGENDA.items() if persona in qui}
    assert vus == attendus, f"{persona} : en trop {vus - attendus}, manquants {attendus - vus}"
    # The detail agrees with the lists: the person's page, or the professional's cancel page.
    detail = "agenda:pro_annuler" if persona.startswith("professionnel") else "agenda:rdv"
    for marque, rdv in agenda.items():
        statut = client.get(reverse(detail, args=[rdv.public_id])).status_code
        assert statut == (200 if marque in vus else 404), (persona, marque, statut)


# A service connected through the API (issue 14): the patient's service, and the one the
# parent connected for the minor, list through search and $everything exactly what the
# policy lets an application read: never a masked document, a result held for an
# announcement, a minor's confidential act, nor another person's item.
VOIT_SERVICE = {"patient": {"ORDINAIRE-P"}, "parent": {"ORDINAIRE-M"}}


@pytest.mark.parametrize("persona", ["patient", "parent"])
def test_a_connected_service_lists_what_the_policy_grants_an_application(
    client, persona, request, monde, mineur
):
    from tests.catalogue.factories import fhir, lancer, service_et_client

    docs = monde[0]
    user = request.getfixturevalue(persona)
    profil = mineur if persona == "parent" else user.profil
    _, application = service_et_client()
    connecter(client, user)
    jeton = lancer(
        client,
        application,
        scope="launch/patient patient/*.read",
        cocher=["patient/DocumentReference.rs"],
        profil=profil,
    )["access_token"]
    client.logout()
    vus = set()
    for url in ("/fhir/DocumentReference", f"/fhir/Patient/{profil.public_id}/$everything"):
        reponse = fhir(client, jeton, url)
        assert reponse.status_code == 200, url
        vus |= {marque for marque in docs if marque in _texte(reponse)}
    assert vus == VOIT_SERVICE[persona]
    for marque, document in docs.items():
        statut = fhir(client, jeton, f"/fhir/DocumentReference/{document.public_id}").status_code
        assert statut == (200 if marque in vus else 404), (persona, marque, statut)


# --- A minor's confidentiality, every kind of item (issue 18, point 6) ----------------------
# Yanis has his own account. On top of the seeded world (a confidential document, its
# decision, a confidential conversation), the professional proposes a confidential
# appointment; Yanis accepts it, so it has reminders, which the sweep sends; his mother had
# subscribed a calendar feed to his agenda before. The parent sees none of these on any
# list, detail, feed, export or history line, and is told of none; Yanis and the
# professional see them. (The API exposes no appointment: its reads of documents are
# covered above, and an application never reads a confidential item.)

CONFIDENTIELS = {"CONFIDENTIEL-M", "DECISION-CONFIDENTIALITE-M", "MSG-CONF-M", "RDV-CONF-M"}
VOIT_CONFIDENTIELS = {
    "mineur": CONFIDENTIELS,
    "professionnel": CONFIDENTIELS - {"DECISION-CONFIDENTIALITE-M"},
    "parent": set(),
}


@pytest.fixture
def tout_confidentiel(compte_du_mineur, parent, mineur, professionnel, monde):
    from agenda import services as agenda_services
    from tests.agenda.outils import acteur_patient, proposer

    flux = {
        qui: agenda_services.abonnement_creer(
            acteur=acteur_patient(user, mineur), nom=qui, details=True
        )[1]
        for qui, user in (("parent", parent), ("mineur", compte_du_mineur))
    }
    rdv = proposer(professionnel, mineur, titre="RDV-CONF-M", confidentiel=True)
    agenda_services.rdv_repondre(
        acteur=acteur_patient(compte_du_mineur, mineur), rdv=rdv, accepte=True
    )
    agenda_services.rappels_balayer(maintenant=rdv.debut - timedelta(minutes=30))
    return rdv, flux


def _cles_confidentielles(monde, rdv) -> list[str]:
    """The ids a notice's key carries for each confidential item."""
    docs, _, conversations = monde
    messages = conversations["MSG-CONF-M"].messages.values_list("public_id", flat=True)
    return [str(rdv.public_id), str(docs["CONFIDENTIEL-M"].public_id), *map(str, messages)]


@pytest.mark.parametrize("qui", ["parent", "mineur", "professionnel"])
def test_the_parent_sees_no_confidential_item_of_any_kind_the_minor_and_professional_do(
    client, qui, request, tout_confidentiel, monde, mineur, parent, compte_du_mineur
):
    from espace_sante.notifications.models import Notification

    rdv, flux = tout_confidentiel
    user = {"mineur": compte_du_mineur, "parent": parent}.get(qui) or request.getfixturevalue(qui)
    connecter(client, user)
    if qui == "parent":
        session = client.session
        session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
        session.save()
    persona = "professionnel" if qui == "professionnel" else "patient"
    vus = _vus(client, persona, monde) | _vus_agenda(client, persona, {"RDV-CONF-M": rdv})
    attendus = VOIT_CONFIDENTIELS[qui]
    assert vus & CONFIDENTIELS == attendus, f"{qui} : {vus & CONFIDENTIELS} au lieu de {attendus}"

    # Each detail agrees: the document, conversation, receipt, appointment and its .ics.
    docs, decisions, conversations = monde
    details = {
        "CONFIDENTIEL-M": reverse("dossier:document", args=[docs["CONFIDENTIEL-M"].public_id]),
        "MSG-CONF-M": reverse(
            "messagerie:conversation", args=[conversations["MSG-CONF-M"].public_id]
        ),
        "DECISION-CONFIDENTIALITE-M": reverse(
            "consentement:recu", args=[decisions["DECISION-CONFIDENTIALITE-M"].public_id]
        ),
    }
    if qui != "professionnel":
        details["RDV-CONF-M"] = reverse("agenda:rdv", args=[rdv.public_id])
        details["RDV-CONF-M-ics"] = reverse("agenda:rdv_ics", args=[rdv.public_id])
    for marque, url in details.items():
        attendu = 200 if marque.removesuffix("-ics") in attendus else 404
        assert client.get(url).status_code == attendu, (qui, marque)

    if qui == "professionnel":
        return
    # The person's side: their calendar feed, history lines and notices.
    contenu = client.get(reverse("agenda:flux", args=[flux[qui]])).content.decode()
    assert ("RDV-CONF-M" in contenu) == (qui == "mineur")
    lignes = client.get(reverse("dossier:historique")).context["page"].object_list
    ids = _cles_confidentielles(monde, rdv)
    sur_confidentiels = [e for e in lignes if e.objet_id in ids or e.details.get("confidentiel")]
    assert bool(sur_confidentiels) == (qui == "mineur"), qui
    adresses = {user.email} | ({user.profil.telephone} if qui == "parent" else set())
    avis = Notification.objects.filter(destinataire__in=adresses)
    sur_confidentiels = {n.motif for n in avis if any(i in n.cle for i in ids)}
    if qui == "parent":
        assert sur_confidentiels == set(), "un avis sur un élément confidentiel au parent"
    else:
        assert {"rdv_propose", "rappel", "nouveau_message"} <= sur_confidentiels
