from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consentement import lots


class Command(BaseCommand):
    help = "Importe un fichier d'assurés (CSV) : crée un lot traité par les workers Celery."

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path)
        parser.add_argument(
            "--sur-place",
            action="store_true",
            help="Traiter le lot dans ce processus (sans worker), puis afficher le bilan.",
        )

    def handle(self, *args, fichier: Path, sur_place: bool, **options):
        if not fichier.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        try:
            lot = lots.lot_creer(nom_fichier=fichier.name, contenu=fichier.read_bytes())
        except lots.FichierRefuse as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"Lot n° {lot.pk} créé : {lot.lignes_total} lignes.")
        if sur_place:
            for morceau_id in lots.decouper(lot.pk):
                lots.traiter_morceau(morceau_id)
            lots.finaliser(lot.pk)
            lot.refresh_from_db()
            self.stdout.write(
                f"Terminé : {lot.crees} profils créés, {lot.rejetes} lignes rejetées."
            )
        else:
            self.stdout.write("Traitement confié aux workers : suivez-le dans l'administration.")
