"""allauth's backend, loading with the user what every page asks about them.

One query gives the user, their professional and mediator records and their own profile
(all one-to-one), so resolving who acts costs nothing more per request.
"""

from allauth.account.auth_backends import AuthenticationBackend as BaseAuthenticationBackend

from espace_sante.comptes.models import User


class AuthenticationBackend(BaseAuthenticationBackend):
    def get_user(self, user_id):
        user = (
            User.objects.select_related("professionnel", "mediateur", "profil")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
