"""Services of the catalogue, and the SMART launch as a client would run it (PKCE S256,
the consent page, the code exchanged for tokens), through Django's test client."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import factory

from catalogue.models import PorteeDemandee, Service
from catalogue.oauth import clients

REDIRECTION = "https://appli.exemple.fr/retour"
TOUTES = [
    "patient/Patient.rs",
    "patient/Observation.rs",
    "patient/Observation.c",
    "patient/DocumentReference.rs",
    "patient/DocumentReference.c",
    "patient/AllergyIntolerance.rs",
    "patient/Immunization.rs",
    "patient/Condition.rs",
    "patient/MedicationStatement.rs",
]


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    editeur = "Éditeur SAS"
    description = "Un service de suivi de santé."
    categorie = "mesures"
    site_web = "https://appli.exemple.fr/"
    redirect_uris = REDIRECTION
    url_suppression = "https://appli.exemple.fr/suppression"

    @factory.post_generation
    def portees(self, create, extracted, **kwargs):
        for portee in TOUTES if extracted is None else extracted:
            PorteeDemandee.objects.create(service=self, portee=portee, pourquoi=f"Pour {portee}.")


def service_et_client(**kwargs):
    service = ServiceFactory(**kwargs)
    client, _ = clients.client_creer(
        service=service, nom=service.nom, redirections=service.redirections
    )
    return service, client.application


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def url_autorisation(
    application,
    *,
    scope: str,
    challenge: str,
    redirect_uri=REDIRECTION,
    methode="S256",
    aud="http://testserver/fhir",
    **extra,
) -> str:
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": "etat-123",
        "code_challenge": challenge,
        "code_challenge_method": methode,
        "aud": aud,
        **extra,
    }
    return "/oauth/autoriser/?" + urlencode({k: v for k, v in params.items() if v is not None})


def consentir(client, url: str, *, cocher, profil=None) -> str:
    """The person's consent page: GET it, tick ``cocher``, post; returns the redirect."""
    page = client.get(url)
    assert page.status_code == 200, page.content[:500]
    donnees = {"portees": cocher, "autoriser": "1"}
    if profil is not None:
        donnees["profil"] = str(profil.public_id)
    else:
        donnees["profil"] = page.context["form"].fields["profil"].choices[0][0]
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302, reponse.content[:800]
    return reponse["Location"]


def code_de(location: str) -> str:
    params = parse_qs(urlparse(location).query)
    assert params.get("state") == ["etat-123"], location
    return params["code"][0]


def echanger(client, application, code: str, verifier: str, redirect_uri=REDIRECTION):
    return client.post(
        "/oauth/jeton/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": application.client_id,
            "code_verifier": verifier,
        },
    )


def lancer(client, application, *, scope: str, cocher, profil=None) -> dict:
    """The whole launch; returns the token response."""
    verifier, challenge = pkce()
    location = consentir(
        client,
        url_autorisation(application, scope=scope, challenge=challenge),
        cocher=cocher,
        profil=profil,
    )
    reponse = echanger(client, application, code_de(location), verifier)
    assert reponse.status_code == 200, reponse.content
    return reponse.json()


def fhir(client, jeton: str, chemin: str, **kwargs):
    return client.get(chemin, HTTP_AUTHORIZATION=f"Bearer {jeton}", **kwargs)


def jeton_complet(patient, profil, *, valeur: str, nom: str = "Banc d'essai") -> str:
    """A connected service's bearer token for the whole record (every read scope), made
    as the consent page makes it: the ledger, the connection, the token and its link."""
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model

    from catalogue import services as catalogue_services
    from catalogue.models import Jeton
    from consentement import acces

    service, application = service_et_client(nom=nom)
    acteur = acces.en_patient_de(acces.acteur_de_connexion(patient), profil)
    connexion = catalogue_services.connexion_autoriser(
        acteur=acteur, service=service, choisies=TOUTES
    )
    jeton = get_access_token_model().objects.create(
        user=patient,
        application=application,
        token=valeur,
        scope=" ".join(TOUTES),
        expires=timezone.now() + timedelta(hours=2),
    )
    Jeton.objects.create(access_token=jeton, connexion=connexion)
    return valeur
