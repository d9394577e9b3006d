from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from espace_sante.comptes import verrouillage
from espace_sante.comptes.enums import PorteeTentative
from espace_sante.comptes.models import User
from espace_sante.journal.services import journaliser_connexion_echec, journaliser_verrouillage
from espace_sante.lib.requetes import est_chemin_local


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with our rules: no public sign-up, lock-outs counted in PostgreSQL.

    An address is not secret, so failed passwords never lock an account by themselves (a
    stranger could lock anyone out): they lock the (address, client) pair and the client's
    address, and on the account only add a growing wait (2, 4, 8… seconds, at most
    LOCKOUT_MAX_DELAY_SECONDS) during which every attempt is refused unchecked — the same
    scheme as identification by NIR (verrouillage.frein_identification).
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Trop de tentatives de connexion depuis votre connexion : par sécurité, elles sont "
            "suspendues pendant 15 minutes. Vous pouvez réinitialiser votre mot de passe."
        ),
        "attente": (
            "Plusieurs mots de passe erronés ont été saisis récemment pour ce compte : "
            "patientez %s avant de réessayer."
        ),
    }

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        # allauth says "Connexion avec <name> réussie" after the password alone: it would name
        # the person to whoever has only the password, before the second factor. The code
        # page says it once the code is right (comptes.views.verification).
        if message_template == "account/messages/logged_in.txt":
            return
        super().add_message(request, level, message_template, *args, **kwargs)

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
        frein = verrouillage.frein_identification(
            portee=PorteeTentative.CONNEXION,
            identifiant=(credentials.get("email") or "").strip().lower(),
            source=verrouillage.ip_de(request),
        )
        if frein.bloque:
            raise self.validation_error("too_many_login_attempts")
        if frein.attente:
            secondes = f"{frein.attente} seconde{'s' if frein.attente > 1 else ''}"
            raise self.validation_error("attente", secondes)

    def authentication_failed(self, request, **credentials) -> None:
        email = (credentials.get("email") or "").strip().lower()
        user = User.objects.filter(email=email).first() if email else None
        journaliser_connexion_echec(user=user, ip=verrouillage.ip_de(request))
        frein = verrouillage.echec_identification(
            portee=PorteeTentative.CONNEXION, identifiant=email, source=verrouillage.ip_de(request)
        )
        if frein.bloque:
            journaliser_verrouillage(
                user=user,
                portee=PorteeTentative.CONNEXION,
                motif="trop d'échecs",
                ip=verrouillage.ip_de(request),
            )
