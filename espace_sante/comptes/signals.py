from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import Signal, receiver

from espace_sante.comptes import otp, roles
from espace_sante.journal.services import journaliser_connexion, journaliser_deconnexion
from espace_sante.lib.requetes import adresse_client

# Sent by `manage.py demo` once the accounts exist, with comptes={key: User},
# profils={key: Profil} and ecrire (print a line): each app seeds its own demo data.
demo_preparee = Signal()

# Sent with profil= after a profile's data is erased (an opposition, a closed profile's
# time up): each app deletes what it holds, without importing the lifecycle that sends it.
donnees_effacees = Signal()


@receiver(user_logged_in)
def _connexion(sender, request, user, **kwargs):
    journaliser_connexion(user=user, role=roles.role_pour_journal(user), ip=adresse_client(request))
    # The login POST is the moment to send the emailed code (GET never writes).
    otp.preparer_second_facteur(user, request=request)


@receiver(user_logged_out)
def _deconnexion(sender, request, user, **kwargs):
    if user is not None:
        journaliser_deconnexion(
            user=user, role=roles.role_pour_journal(user), ip=adresse_client(request)
        )
