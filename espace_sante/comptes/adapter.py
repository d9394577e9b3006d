from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from espace_sante.comptes import verrouillage
from espace_sante.comptes.enums import PorteeTentative
from espace_sante.comptes.models import User
from espace_sante.journal.services import journaliser_connexion_echec, journaliser_verrouillage
from espace_sante.lib.requetes import est_chemin_local


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with our rules: no public sign-up, lock-outs counted in PostgreSQL."""

    def is_open_for_signup(self, request) -> bool:
        # Health spaces are created by batches and activated with a code.
        return False

    def get_login_redirect_url(self, request) -> str:
        return reverse("comptes:accueil")

    def is_safe_url(self, url) -> bool:
        # Every ``next`` allauth follows (login, logout, re-authentication): a local path only.
        return est_chemin_local(url)

    def get_client_ip(self, request) -> str:
        return verrouillage.ip_de(request)

    def pre_authenticate(self, request, **credentials) -> None:
        if verrouillage.est_verrouille(
            portee=PorteeTentative.CONNEXION,
            compte=credentials.get("email"),
            ip=verrouillage.ip_de(request),
        ):
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request, **credentials) -> None:
        email = (credentials.get("email") or "").strip().lower()
        user = User.objects.filter(email=email).first() if email else None
        journaliser_connexion_echec(user=user, ip=verrouillage.ip_de(request))
        verrouille = verrouillage.enregistrer_echec(
            portee=PorteeTentative.CONNEXION, compte=email, ip=verrouillage.ip_de(request)
        )
        if verrouille:
            journaliser_verrouillage(
                user=user,
                portee=PorteeTentative.CONNEXION,
                motif="trop d'échecs",
                ip=verrouillage.ip_de(request),
            )
