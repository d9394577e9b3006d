"""URL × persona authorisation matrix.

Every URL of the project (Django admin aside: its pages all go through one
permission check, tested below) must appear here with the status each persona gets
on GET. A new URL that is not added here fails test_every_url_is_in_the_matrix.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

CONNECTES = [p for p in PERSONAS if p != "anonyme"]
PATIENTS = {"patient", "parent"}


def _tous(statut, **exceptions):
    return {p: exceptions.get(p, statut) for p in PERSONAS}


def _espace_patient():
    """Pages of the patient space: the titulaire and the parent; 404 for anyone else."""
    return {p: 200 if p in PATIENTS else (302 if p == "anonyme" else 404) for p in PERSONAS}


def _role(seul):
    return {p: 200 if p in seul else (302 if p == "anonyme" else 404) for p in PERSONAS}


def _post_seulement():
    return _tous(405, anonyme=302)


AUTRE = "00000000-0000-4000-8000-000000000000"  # a public id that belongs to nobody


def _accompagnement():
    return _tous(404, anonyme=302, mediateur=302)


def _public_deconnecte():
    """allauth pages for visitors: a logged-in user is sent on."""
    return _tous(302, anonyme=200)


MATRICE = {
    "accueil_public": ({}, _tous(302, anonyme=200)),
    "pages:accessibilite": ({}, _tous(200)),
    "pages:mentions_legales": ({}, _tous(200)),
    "pages:donnees_personnelles": ({}, _tous(200)),
    "pages:aide": ({}, _tous(200)),
    # Health endpoints: public, no session; the metrics answer loopback (the test client).
    "sante:vivant": ({}, _tous(200)),
    "sante:pret": ({}, _tous(200)),
    "sante:metriques": ({}, _tous(200)),
    "account_login": ({}, _public_deconnecte()),
    "account_logout": ({}, _tous(200, anonyme=302)),
    "account_inactive": ({}, _tous(200)),
    "account_signup": ({}, _public_deconnecte()),
    "account_reauthenticate": ({}, _tous(200, anonyme=302)),
    # Email and password changes: allowed within 5 minutes of a login, then allauth
    # asks for the password again (ACCOUNT_REAUTHENTICATION_REQUIRED).
    "account_email": ({}, _tous(200, anonyme=302)),
    "account_email_verification_sent": ({}, _tous(200)),
    "account_change_password": ({}, _tous(200, anonyme=302)),
    "account_set_password": ({}, _tous(302, anonyme=302)),  # users have a password
    "account_reset_password": ({}, _tous(200)),
    "account_confirm_login_code": ({}, _tous(302)),  # login by code is off: sent away
    "account_confirm_email": ({"key": "cle-invalide"}, _tous(200)),
    "account_reset_password_from_key_done": ({}, _tous(200)),
    "account_reset_password_from_key": ({"uidb36": "0", "key": "invalide"}, _tous(200)),
    "account_reset_password_done": ({}, _tous(200)),
    "comptes:accueil": ({}, _tous(302)),
    "comptes:sans_espace": ({}, _tous(200, anonyme=302)),
    "comptes:otp": ({}, _tous(302)),  # verified users are sent on
    "comptes:otp_renvoyer": ({}, _post_seulement()),
    "comptes:securite": ({}, _tous(200, anonyme=302)),
    # Adding a second factor sits behind a fresh re-authentication (302 to the password).
    "comptes:totp_ajout": ({}, _tous(302)),
    "comptes:totp_demarrer": ({}, _post_seulement()),
    "comptes:totp_retirer": ({}, _post_seulement()),
    "comptes:codes_secours": ({}, _post_seulement()),
    "consentement:changer_profil": ({}, _post_seulement()),
    "consentement:mes_choix": ({}, _espace_patient()),
    "consentement:bienvenue": ({}, _espace_patient()),
    "consentement:coordonnees": ({}, _espace_patient()),
    "consentement:france_services": ({}, _role({"mediateur"})),
    "consentement:recu": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    # Closure and reopening sit behind a fresh re-authentication: the test login has
    # no recent password entry, so the patient is asked for it (302); others get 404.
    "consentement:cloture": ({}, _tous(404, anonyme=302, patient=302, parent=302)),
    "consentement:cloture_faite": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "consentement:recu_decision": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "consentement:reouverture": ({}, _tous(404, anonyme=302)),  # no closed profile
    # Pages without an account (the notice's code is the proof).
    "consentement:opposition": ({}, _tous(200)),
    "consentement:opposition_confirmer": ({}, _tous(302)),  # no identified profile yet
    "consentement:opposition_faite": ({"public_id": AUTRE}, _tous(404)),
    "consentement:recu_public": ({"public_id": AUTRE}, _tous(404)),
    "consentement:activation": ({}, _tous(200)),
    "consentement:activation_compte": ({}, _tous(302)),
    "consentement:activation_terminer": ({}, _tous(302)),
    "consentement:nouveau_code": ({}, _tous(200)),
    # France services: a mediator with no accompagnement in progress is sent home.
    "consentement:accompagnement_presence": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "consentement:accompagnement": ({}, _accompagnement()),
    "consentement:accompagnement_opposition": ({}, _accompagnement()),
    "consentement:accompagnement_cloture": ({}, _accompagnement()),
    "consentement:accompagnement_coordonnees": ({}, _accompagnement()),
    "consentement:accompagnement_activation": ({}, _accompagnement()),
    "consentement:accompagnement_recu": ({"public_id": AUTRE}, _accompagnement()),
    "consentement:accompagnement_avis": ({}, _post_seulement()),
    "consentement:accompagnement_fermer": ({}, _post_seulement()),
    "dossier:accueil": ({}, _espace_patient()),
    "dossier:profil_medical": ({}, _espace_patient()),
    "dossier:parametres": ({}, _espace_patient()),
    "dossier:mesures": ({"type_mesure": "poids"}, _espace_patient()),
    "dossier:blocage_ajouter": ({}, _post_seulement()),
    "dossier:blocage_lever": ({"public_id": AUTRE}, _post_seulement()),
    "dossier:medecin_traitant_declarer": ({}, _post_seulement()),
    "dossier:medecin_traitant_retirer": ({}, _post_seulement()),
    "dossier:reglages_enregistrer": ({}, _post_seulement()),
    "dossier:historique": ({}, _espace_patient()),
    "dossier:historique_csv": ({}, _espace_patient()),
    # The signed attestation: the titulaire's own chain only (personas act on their own
    # profile here; a representative on a minor's profile gets 404, tests/journal).
    "dossier:historique_attestation": ({}, _espace_patient()),
    "dossier:export_fhir": ({}, _espace_patient()),
    "dossier:export_pdf": ({}, _espace_patient()),
    # Keyed by an id: 404 for an id that is not the reader's (tests/dossier/test_vues.py
    # runs the same URLs on real documents of another patient).
    "dossier:document_ajouter": ({"profil": AUTRE}, _tous(404, anonyme=302)),
    "dossier:information_ajouter": (
        {"profil": AUTRE, "rubrique": "allergie"},
        _tous(404, anonyme=302),
    ),
    "dossier:mesure_ajouter": ({"profil": AUTRE}, _tous(404, anonyme=302)),
    "dossier:element_supprimer": (
        {"genre": "information", "public_id": AUTRE},
        _tous(404, anonyme=302),
    ),
    "dossier:element_modifier": (
        {"genre": "information", "public_id": AUTRE},
        _tous(404, anonyme=302),
    ),
    "dossier:document": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "dossier:document_fichier": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "dossier:element_masquer": ({"genre": "document", "public_id": AUTRE}, _post_seulement()),
    "dossier:element_signaler": (
        {"genre": "information", "public_id": AUTRE},
        _tous(404, anonyme=302),
    ),
    "dossier:signalement_traiter": ({"public_id": AUTRE}, _post_seulement()),
    "dossier:document_restreindre": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "dossier:document_supprimer": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "dossier:document_liberer": ({"public_id": AUTRE}, _post_seulement()),
    "dossier:pro_accueil": ({}, _role({"professionnel", "professionnel_bloque"})),
    # Emergency access sits behind a fresh re-authentication (302 for professionals).
    "dossier:pro_urgence": (
        {},
        _tous(404, anonyme=302, professionnel=302, professionnel_bloque=302),
    ),
    "dossier:pro_dossier": ({"profil": AUTRE}, _tous(404, anonyme=302)),
    "messagerie:accueil": ({}, _espace_patient()),
    # A conversation or attachment that is not the reader's: 404 (tests/messagerie/test_vues.py
    # runs every GET and POST on another patient's real conversation for every persona).
    "messagerie:conversation": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "messagerie:repondre": ({"public_id": AUTRE}, _post_seulement()),
    "messagerie:fermer": ({"public_id": AUTRE}, _post_seulement()),
    "messagerie:archiver": ({"public_id": AUTRE}, _post_seulement()),
    "messagerie:piece": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "messagerie:piece_fichier": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "messagerie:piece_enregistrer": ({"public_id": AUTRE}, _post_seulement()),
    "messagerie:pro_boite": ({}, _role({"professionnel", "professionnel_bloque"})),
    "messagerie:pro_ecrire": ({}, _role({"professionnel", "professionnel_bloque"})),
    "messagerie:pro_ecrire_patient": ({"profil": AUTRE}, _tous(404, anonyme=302)),
    "agenda:accueil": ({}, _espace_patient()),
    "agenda:mois": ({}, _espace_patient()),
    "agenda:mois_de": ({"annee": 2026, "numero": 3}, _espace_patient()),
    "agenda:ajouter": ({}, _espace_patient()),
    "agenda:prevention": ({}, _espace_patient()),
    "agenda:prevention_messages": ({}, _post_seulement()),
    "agenda:prevention_etape": ({"code": "dep-sein@50a"}, _post_seulement()),
    "agenda:abonnements": ({}, _espace_patient()),
    # Keyed by an id: 404 for an id that is not the reader's (tests/agenda/test_vues.py runs
    # every one of them on real appointments and subscriptions of someone else).
    "agenda:rdv": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "agenda:modifier": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "agenda:accepter": ({"public_id": AUTRE}, _post_seulement()),
    "agenda:refuser": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "agenda:annuler": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "agenda:rdv_ics": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    "agenda:revoquer": ({"public_id": AUTRE}, _post_seulement()),
    # The subscription feed is public (calendar applications carry no session): an unknown
    # token is 404 for everyone.
    "agenda:flux": ({"jeton": "Xq3s9v0cY2mWf8TnB4kLr7pZ1aE6uJ5hD0gC2iO8yQ"}, _tous(404)),
    "agenda:pro_rendez_vous": ({}, _role({"professionnel", "professionnel_bloque"})),
    "agenda:pro_proposer": ({"profil": AUTRE}, _tous(404, anonyme=302)),
    "agenda:pro_annuler": ({"public_id": AUTRE}, _tous(404, anonyme=302)),
    # The catalogue is public; connecting and « Mes services connectés » are the patient
    # space's. The OAuth endpoints are the library's (POST); the FHIR API answers 401
    # without a bearer token, whatever the session.
    "catalogue:accueil": ({}, _tous(200)),
    "catalogue:developpeurs": ({}, _tous(200)),
    "catalogue:openapi": ({}, _tous(200)),
    "catalogue:service": ({"slug": "inconnu"}, _tous(404)),
    "catalogue:logo": ({"public_id": AUTRE}, _tous(404)),
    "catalogue:connecter": ({"slug": "inconnu"}, _tous(404, anonyme=302)),
    "catalogue:mes_services": ({}, _espace_patient()),
    "catalogue:portee_retirer": ({"public_id": AUTRE}, _post_seulement()),
    "catalogue:deconnecter": ({"public_id": AUTRE}, _post_seulement()),
    "catalogue:smart_configuration": ({}, _tous(200)),
    "catalogue:autoriser": ({}, _tous(400, anonyme=302)),
    "catalogue:jeton": ({}, _tous(405)),
    "catalogue:revoquer": ({}, _tous(405)),
    "catalogue:enregistrement": ({}, _tous(405)),
    "catalogue:fhir_smart_configuration": ({}, _tous(200)),
    "catalogue:fhir_metadata": ({}, _tous(200)),
    "catalogue:fhir_type": ({"type_ressource": "Observation"}, _tous(401)),
    "catalogue:fhir_ressource": (
        {"type_ressource": "Observation", "identifiant": AUTRE},
        _tous(401),
    ),
    "catalogue:fhir_recherche": ({"type_ressource": "Observation"}, _tous(405)),
    "catalogue:fhir_version": (
        {"type_ressource": "Observation", "identifiant": AUTRE, "version": "1"},
        _tous(401),
    ),
    "catalogue:fhir_everything": ({"identifiant": AUTRE}, _tous(401)),
    "catalogue:fhir_binaire": ({"identifiant": AUTRE}, _tous(401)),
    "catalogue:api_inconnue": ({"reste": "Encounter"}, _tous(404)),
}


def _noms(resolver=None, namespace=""):
    for motif in (resolver or get_resolver()).url_patterns:
        if isinstance(motif, URLResolver):
            if motif.namespace == "admin":
                continue
            ns = namespace + (f"{motif.namespace}:" if motif.namespace else "")
            yield from _noms(motif, ns)
        else:
            yield namespace + (motif.name or str(motif.pattern))


def test_every_url_is_in_the_matrix():
    manquantes = set(_noms()) - set(MATRICE)
    assert not manquantes, f"URL absentes de la matrice d'autorisation : {sorted(manquantes)}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(client_de, persona):
    client = client_de(persona)
    ecarts = []
    for nom, (kwargs, attendus) in MATRICE.items():
        statut = client.get(reverse(nom, kwargs=kwargs)).status_code
        if statut != attendus[persona]:
            ecarts.append(f"{nom}: {statut} (attendu {attendus[persona]})")
    assert not ecarts, f"{persona} : " + " ; ".join(ecarts)


@pytest.mark.parametrize("persona", CONNECTES)
def test_unverified_sessions_reach_only_the_code_page(client, persona, request):
    from tests.conftest import connecter

    connecter(client, request.getfixturevalue(persona), verifie=False)
    for nom, (kwargs, attendus) in MATRICE.items():
        # 401/405 to a visitor: the OAuth and FHIR endpoints, which a session never opens.
        if attendus["anonyme"] in (200, 401, 405) or nom in {
            "account_logout",
            "comptes:otp",
            "comptes:otp_renvoyer",
            "account_confirm_login_code",
            "consentement:opposition_confirmer",  # public steps: back to their first step
            "consentement:activation_compte",
        }:
            continue  # public pages, and pages that end, finish or refuse a login
        reponse = client.get(reverse(nom, kwargs=kwargs))
        assert reponse.status_code in (302, 404), nom
        if reponse.status_code == 302:
            assert reponse.url.startswith("/compte/verification/"), nom


@pytest.mark.parametrize(
    ("persona", "statut"),
    [
        ("anonyme", 302),
        ("patient", 404),
        ("professionnel", 404),
        ("mediateur", 404),
        ("inconnu", 404),
        ("admin_user", 200),
    ],
)
def test_admin_pages(client_de, persona, statut):
    client = client_de(persona)
    for url in ["/admin/", "/admin/comptes/profil/", "/admin/journal/entree/"]:
        reponse = client.get(url, follow=statut == 404)
        assert reponse.status_code == statut, url
