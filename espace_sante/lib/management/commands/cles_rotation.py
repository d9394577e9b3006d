from django.core.management.base import BaseCommand

from espace_sante.journal.services import journaliser_rotation_cles
from espace_sante.lib.crypto import keyring
from espace_sante.lib.rotation import reenvelopper_tout


class Command(BaseCommand):
    help = (
        "Ré-enveloppe toutes les clés de données sous la clé maîtresse la plus récente "
        "(la première de ENCRYPTION_KEYS). Les anciennes clés peuvent ensuite être retirées."
    )

    def handle(self, *args, **options):
        active = keyring()[0].kid
        compte = reenvelopper_tout()
        journaliser_rotation_cles(cle_active=active, compte=compte)
        self.stdout.write(
            self.style.SUCCESS(f"{compte} objet(s) ré-enveloppé(s) sous « {active} ».")
        )
