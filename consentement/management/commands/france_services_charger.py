"""Load the official list of France services desks (data.gouv.fr, « Liste des structures
France services ») for the help page's search; see espace_sante/donnees/SOURCES.md."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from espace_sante.lib import france_services


class Command(BaseCommand):
    help = "Charge la liste officielle des France services (CSV de data.gouv.fr)."

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path)

    def handle(self, *args, fichier: Path, **options):
        if not fichier.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        texte = fichier.read_bytes().decode("utf-8-sig", errors="replace")
        separateur = (
            ";" if texte.splitlines()[0].count(";") >= texte.splitlines()[0].count(",") else ","
        )
        lignes, refusees = [], 0
        for numero, ligne in enumerate(csv.DictReader(texte.splitlines(), delimiter=separateur), 2):
            normalisee = france_services.ligne_normalisee(ligne)
            if normalisee is None:
                refusees += 1
                self.stderr.write(f"Ligne {numero} : sans nom ni lieu, ignorée.")
            else:
                lignes.append(normalisee)
        if not lignes:
            raise CommandError("Aucune ligne lisible : vérifiez que c'est la bonne liste.")
        cible = Path(settings.FRANCE_SERVICES_FICHIER)
        cible.parent.mkdir(parents=True, exist_ok=True)
        with cible.open("w", encoding="utf-8", newline="") as flux:
            ecrivain = csv.DictWriter(flux, fieldnames=france_services.COLONNES, delimiter=";")
            ecrivain.writeheader()
            ecrivain.writerows(lignes)
        self.stdout.write(
            f"{len(lignes)} France services chargées dans {cible} ({refusees} ignorées)."
        )
