import sys

from django.core.management.base import BaseCommand

from consentement.services.lots import exemple


class Command(BaseCommand):
    help = "Écrit un fichier d'assurés d'exemple (lignes valides) sur la sortie standard."

    def add_arguments(self, parser):
        parser.add_argument("--lignes", type=int, default=20)
        parser.add_argument("--separateur", default=",")

    def handle(self, *args, lignes: int, separateur: str, **options):
        sys.stdout.buffer.write(exemple.fichier(exemple.lignes(lignes), separateur=separateur))
