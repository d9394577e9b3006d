"""Reads of the catalogue: the public list and detail, a person's connections (scoped to
the profile they act on), and what the OAuth layer and the API need to know of a client,
a connection and its live scopes."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from catalogue import portees
from catalogue.enums import StatutService
from catalogue.models import Autorisation, Client, Connexion, DemandeSuppression, Service
from consentement import acces
from consentement.acces import Acteur
from espace_sante.lib.refus import Introuvable


def catalogue(*, recherche: str = "", categorie: str = "", donnee: str = "") -> QuerySet[Service]:
    """Labelled services only; search in the name, publisher and description; filters by
    category and by a kind of data asked (a FHIR type, read or written)."""
    services = Service.objects.references().prefetch_related("portees")
    if recherche.strip():
        mots = recherche.strip()
        services = services.filter(
            Q(nom__icontains=mots) | Q(editeur__icontains=mots) | Q(description__icontains=mots)
        )
    if categorie:
        services = services.filter(categorie=categorie)
    if donnee:
        services = services.filter(portees__portee__startswith=f"patient/{donnee}.").distinct()
    return services.order_by("nom", "pk")


def service_public(*, slug: str) -> Service:
    """A service of the catalogue: labelled, or 404."""
    service = (
        Service.objects.references()
        .filter(slug=slug)
        .prefetch_related("portees", "criteres")
        .first()
    )
    if service is None:
        raise Introuvable
    return service


def service_du_client(application) -> Service | None:
    if application is None:
        return None
    lien = Client.objects.filter(application=application).select_related("service").first()
    return lien.service if lien else None


def portees_declarees(service: Service) -> set[str]:
    return set(service.portees.values_list("portee", flat=True))


def connexion_active(*, service: Service, profil) -> Connexion | None:
    return Connexion.objects.actives().filter(service=service, profil=profil).first()


def portees_actives(connexion: Connexion, maintenant=None) -> set[str]:
    return set(connexion.autorisations.actives(maintenant).values_list("portee", flat=True))


def connexion_de_jeton(access_token) -> Connexion | None:
    lien = getattr(access_token, "catalogue", None)
    return lien.connexion if lien is not None else None


def connexions(*, acteur: Acteur) -> list[Connexion]:
    """The profile's connections, active first, each with its live and past scopes and its
    deletion requests (for « Mes services connectés »)."""
    maintenant = timezone.now()
    liste = list(
        Connexion.objects.filter(acces.q_connexions(acteur))
        .select_related("service")
        .prefetch_related(
            Prefetch("autorisations", queryset=Autorisation.objects.order_by("portee", "-cree_le")),
            Prefetch("suppressions", queryset=DemandeSuppression.objects.order_by("-cree_le")),
        )
        .order_by("revoquee_le", "-cree_le")
    )
    for connexion in liste:
        toutes = list(connexion.autorisations.all())
        connexion.en_cours = [
            a for a in toutes if a.revoque_le is None and a.expire_le > maintenant
        ]
        connexion.passees = [a for a in toutes if a not in connexion.en_cours]
        for autorisation in toutes:
            autorisation.libelle = portees.libelle(autorisation.portee)
    return liste


def connexion_de(*, acteur: Acteur, public_id) -> Connexion:
    """One of the profile's connections, or 404."""
    connexion = (
        Connexion.objects.filter(acces.q_connexions(acteur), public_id=public_id)
        .select_related("service")
        .first()
    )
    if connexion is None:
        raise Introuvable
    return connexion


def autorisation_de(*, acteur: Acteur, connexion: Connexion, portee: str) -> Autorisation:
    autorisation = connexion.autorisations.actives().filter(portee=portee).first()
    if autorisation is None or autorisation.profil_id != acteur.profil.pk:
        raise Introuvable
    return autorisation


def services_visibles_admin() -> QuerySet[Service]:
    return Service.objects.exclude(statut=StatutService.RETIRE)
