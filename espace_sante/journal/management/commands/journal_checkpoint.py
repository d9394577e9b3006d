from django.core.management.base import BaseCommand, CommandError

from espace_sante.journal import points
from espace_sante.journal.services import point_de_controle_ecrire


class Command(BaseCommand):
    help = (
        "Consigne, signées, les têtes de chaîne du journal qui ont avancé depuis le dernier "
        "point de contrôle, dans JOURNAL_CHECKPOINT_DIR (hors de PostgreSQL)."
    )

    def handle(self, *args, **options):
        resultat = point_de_controle_ecrire()
        if resultat.numero is None:
            self.stdout.write(f"Aucune tête de chaîne n'a avancé ({points.dossier()}).")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Point de contrôle n° {resultat.numero} : {resultat.tetes} tête(s) de "
                    f"chaîne consignée(s) dans {resultat.fichier}."
                )
            )
        for rupture in resultat.refus:
            self.stderr.write(self.style.ERROR(f"NON CONSIGNÉE — {rupture}"))
        if resultat.refus:
            raise CommandError(
                f"{len(resultat.refus)} chaîne(s) rompue(s) non consignée(s) : "
                "lancez journal_verify et prévenez le délégué à la protection des données."
            )
