"""Writes of the catalogue: consenting scope by scope, withdrawing a scope or a whole
connection, a service's status. Each takes the actor, checks the policy, writes the ledger
(one ``Decision`` per scope) and the journal in the same transaction; ending access
revokes the tokens at once and writes the deletion request to the service (outbox)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, revoke_access_token

from catalogue import journal, portees, selectors, suppression
from catalogue.enums import StatutService
from catalogue.models import Autorisation, Connexion, Service
from consentement import acces
from consentement.acces import ACTEUR_SYSTEME, Acteur, registre, textes
from consentement.enums import TypeDecision
from espace_sante.lib.refus import SaisieInvalide, exiger
from espace_sante.notifications.services import notifier


def api_lecture(*, acteur: Acteur, operation: str, ressources: dict[str, int]) -> None:
    """A connected service read the record (``acteur`` is its actor; what it read came
    through the policy's querysets): one history line with the types and their counts."""
    journal.api_lecture(acteur, operation=operation, ressources=ressources)


def api_refus(*, acteur: Acteur, operation: str, statut: int, motif: str) -> None:
    """A connected service's call the policy refused (403, 404): a history line too."""
    journal.api_refus(acteur, operation=operation, statut=statut, motif=motif)


def duree_autorisation() -> timedelta:
    return timedelta(days=settings.CATALOGUE_DUREE_AUTORISATION_JOURS)


def _offertes(service: Service) -> set[str]:
    return selectors.portees_declarees(service) | {portees.HORS_LIGNE}


@transaction.atomic
def connexion_autoriser(*, acteur: Acteur, service: Service, choisies) -> Connexion:
    """The person consents to ``choisies`` (canonical scopes the service declared): one
    ledger row and one Autorisation per scope not already granted, valid for a year."""
    exiger(acces.peut_connecter_service(acteur))
    if not service.reference:
        raise SaisieInvalide("Ce service n'est plus référencé : il ne peut pas être connecté.")
    choisies = set(choisies) - {portees.LANCEMENT}
    if not choisies or not choisies <= _offertes(service):
        raise SaisieInvalide("Cochez au moins une des données demandées par le service.")
    if choisies == {portees.HORS_LIGNE}:
        raise SaisieInvalide("Cochez au moins une donnée, en plus de l'accès hors ligne.")
    connexion = selectors.connexion_active(service=service, profil=acteur.profil)
    if connexion is None:
        connexion = Connexion.objects.create(
            service=service, profil=acteur.profil, user=acteur.user
        )
    connexion = Connexion.objects.select_for_update().get(pk=connexion.pk)
    deja = selectors.portees_actives(connexion)
    maintenant = timezone.now()
    expire = maintenant + duree_autorisation()
    texte = textes.texte_de(TypeDecision.SERVICE_AUTORISATION)
    pourquoi = dict(service.portees.values_list("portee", "pourquoi"))
    for portee in portees.trier(choisies - deja):
        # An expired one gives way to the new consent.
        connexion.autorisations.expirees(maintenant).filter(portee=portee).update(
            revoque_le=maintenant
        )
        decision = registre.decision_enregistrer(
            profil=acteur.profil,
            type_decision=TypeDecision.SERVICE_AUTORISATION,
            acteur=acteur,
            details={
                "service": service.nom,
                "editeur": service.editeur,
                "portee": portee,
                "donnees": portees.libelle(portee),
                "pourquoi": pourquoi.get(portee, ""),
                "expire_le": expire.isoformat(),
            },
        )
        Autorisation.objects.create(
            connexion=connexion,
            profil=acteur.profil,
            portee=portee,
            cree_le=maintenant,
            expire_le=expire,
            texte_version=texte.version,
            decision=decision,
        )
    return connexion


def _retirer(acteur: Acteur, autorisation: Autorisation, maintenant) -> None:
    connexion = autorisation.connexion
    decision = registre.decision_enregistrer(
        profil=autorisation.profil,
        type_decision=TypeDecision.SERVICE_RETRAIT,
        acteur=acteur,
        details={
            "service": connexion.service.nom,
            "portee": autorisation.portee,
            "donnees": portees.libelle(autorisation.portee),
        },
    )
    autorisation.revoque_le, autorisation.retrait = maintenant, decision
    autorisation.save(update_fields=["revoque_le", "retrait"])


def jetons_revoquer(connexion: Connexion) -> int:
    """Every access token of the connection, and the refresh token bound to each."""
    jetons = list(get_access_token_model().objects.filter(catalogue__connexion=connexion))
    for jeton in jetons:
        revoke_access_token(jeton)
    return len(jetons)


def _terminer(acteur: Acteur, connexion: Connexion, *, motif: str) -> None:
    """End the connection: no token left, the deletion request written, journaled."""
    connexion.revoquee_le = timezone.now()
    connexion.save(update_fields=["revoquee_le"])
    jetons_revoquer(connexion)
    journal.service_deconnecte(acteur, connexion, motif=motif)


@transaction.atomic
def portee_retirer(*, acteur: Acteur, connexion: Connexion, portee: str) -> None:
    """Withdraw one scope: refused from the service's very next request; the service is
    asked to delete what it copied under it. The last data scope ends the connection."""
    exiger(acces.peut_gerer_connexion(acteur, connexion))
    connexion = Connexion.objects.select_for_update().get(pk=connexion.pk)
    autorisation = selectors.autorisation_de(acteur=acteur, connexion=connexion, portee=portee)
    maintenant = timezone.now()
    _retirer(acteur, autorisation, maintenant)
    restantes = selectors.portees_actives(connexion, maintenant)
    if portee == portees.HORS_LIGNE:
        jetons_revoquer(connexion)  # its refresh tokens go with the access tokens
        return
    suppression.demande_creer(acteur=acteur, connexion=connexion, portees=[portee])
    if not restantes - {portees.HORS_LIGNE}:
        for reste in connexion.autorisations.actives(maintenant):
            _retirer(acteur, reste, maintenant)
        _terminer(acteur, connexion, motif="dernière autorisation retirée")


@transaction.atomic
def connexion_revoquer(*, acteur: Acteur, connexion: Connexion, motif: str = "") -> None:
    """Withdraw everything: a ledger row per scope, tokens revoked now, one deletion request."""
    exiger(acces.peut_revoquer_connexion(acteur, connexion))
    connexion = Connexion.objects.select_for_update().get(pk=connexion.pk)
    if connexion.revoquee_le is not None:
        return
    maintenant = timezone.now()
    retirees = []
    for autorisation in connexion.autorisations.actives(maintenant):
        _retirer(acteur, autorisation, maintenant)
        retirees.append(autorisation.portee)
    donnees = [p for p in retirees if p != portees.HORS_LIGNE]
    suppression.demande_creer(
        acteur=acteur,
        connexion=connexion,
        portees=donnees or sorted(selectors.portees_declarees(connexion.service)),
    )
    _terminer(acteur, connexion, motif=motif or "autorisation retirée par la personne")


@transaction.atomic
def service_statut_changer(*, acteur: Acteur, service: Service, statut: str, motif: str) -> int:
    """Reference, suspend or withdraw a service (admin). Suspended or withdrawn, it loses
    access at once (every token revoked) and each person connected is told; withdrawn, its
    connections end and each is asked to delete what it copied. Returns people told."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.statut == statut:
        return 0
    service.statut, service.statut_depuis, service.statut_motif = statut, timezone.now(), motif
    service.save(update_fields=["statut", "statut_depuis", "statut_motif"])
    journal.service_statut(acteur, service, statut=statut, motif=motif)
    if statut == StatutService.REFERENCE:
        return 0
    connexions = list(Connexion.objects.actives().filter(service=service).select_related("profil"))
    for connexion in connexions:
        jetons_revoquer(connexion)
        if statut == StatutService.RETIRE:
            connexion_revoquer(
                acteur=ACTEUR_SYSTEME, connexion=connexion, motif="service retiré du catalogue"
            )
        notifier(
            profil=connexion.profil,
            motif="service_" + statut,
            cle=f"service:{service.public_id}:{statut}:{service.statut_depuis:%Y%m%d%H%M%S}",
            gabarit="catalogue/notifications/service_suspendu",
            contexte={"service": service.nom, "retire": statut == StatutService.RETIRE},
            obligatoire=True,
        )
    return len(connexions)


def derniere_utilisation(connexion: Connexion) -> None:
    """The connection was used now (« Mes services connectés » shows it); at most one write
    a minute."""
    maintenant = timezone.now()
    if connexion.dernier_acces and maintenant - connexion.dernier_acces < timedelta(minutes=1):
        return
    Connexion.objects.filter(pk=connexion.pk).update(dernier_acces=maintenant)
    connexion.dernier_acces = maintenant
