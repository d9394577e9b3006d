"""allauth's backend, loading with the user what every page asks about them.

One query gives the user, their professional and mediator records, their own profile (all
one-to-one) and whether they represent a minor now, so resolving who acts costs nothing
more per request (a parent's profiles, one more).
"""

from allauth.account.auth_backends import AuthenticationBackend as BaseAuthenticationBackend
from django.db.models.expressions import RawSQL
from django.utils import timezone

from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import User, date_majorite

# Written in SQL because it runs on every request: the ORM's Exists costs more to compile
# than to execute. The same rule as ``Representation.objects.actives()`` on a minor.
_REPRESENTE = """EXISTS (
    SELECT 1 FROM comptes_representation r
    JOIN comptes_profil rp ON rp.id = r.representant_id
    JOIN comptes_profil m ON m.id = r.mineur_id
    WHERE rp.titulaire_id = comptes_user.id AND rp.statut = %s
      AND r.date_debut <= %s AND (r.date_fin IS NULL OR r.date_fin > %s)
      AND m.date_naissance > %s)"""


def represente_un_mineur() -> RawSQL:
    """Whether the user represents a minor now (then the switcher lists their profiles)."""
    aujourdhui = timezone.localdate()
    return RawSQL(
        _REPRESENTE, [StatutProfil.ACTIVE, aujourdhui, aujourdhui, date_majorite(aujourdhui)]
    )


class AuthenticationBackend(BaseAuthenticationBackend):
    def get_user(self, user_id):
        user = (
            User.objects.select_related("professionnel", "mediateur", "profil")
            .annotate(represente=represente_un_mineur())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
