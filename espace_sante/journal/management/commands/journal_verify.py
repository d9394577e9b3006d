from django.core.management.base import BaseCommand, CommandError

from espace_sante.journal.selectors import chaines, verifier_chaine


class Command(BaseCommand):
    help = "Vérifie le chaînage du journal d'audit et nomme la première entrée rompue."

    def add_arguments(self, parser):
        parser.add_argument("--chaine", help="Ne vérifier qu'une chaîne (ex. profil:42).")

    def handle(self, *args, chaine=None, **options):
        a_verifier = [chaine] if chaine else chaines()
        ruptures = [r for c in a_verifier if (r := verifier_chaine(c)) is not None]
        for rupture in ruptures:
            self.stderr.write(self.style.ERROR(f"ROMPU — {rupture}"))
        if ruptures:
            raise CommandError(f"{len(ruptures)} chaîne(s) rompue(s) sur {len(a_verifier)}.")
        self.stdout.write(self.style.SUCCESS(f"Journal intègre : {len(a_verifier)} chaîne(s)."))
