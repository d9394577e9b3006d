from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consentement.models import EnvoiAvis
from consentement.services import avis, lots
from espace_sante.notifications.services import en_attente_envoyer


class Command(BaseCommand):
    help = "Importe un fichier d'assurés (CSV) : crée un lot traité par les workers Celery."

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path)
        parser.add_argument(
            "--sur-place",
            action="store_true",
            help="Traiter le lot entièrement dans ce processus (sans worker) : profils, "
            "courriels des avis et PDF des lettres ; puis afficher le bilan.",
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
            self._sur_place(lot)
        else:
            self.stdout.write("Traitement confié aux workers : suivez-le dans l'administration.")

    def _sur_place(self, lot):
        """The whole batch here, what the workers would do: chunks, minors, notices."""
        for morceau_id in lots.lot_decouper(lot.pk):
            lots.morceau_traiter(morceau_id)
        for _ in range(lots.ESSAIS_MAX + 1):  # a failing chunk is retried, then given up
            if lots.lot_finaliser(lot.pk):
                break
            for morceau_id in lot.morceaux.filter(fait=False).values_list("pk", flat=True):
                lots.morceau_traiter(morceau_id)
        courriels = sum(
            avis.courriels_confier(pk)
            for pk in EnvoiAvis.objects.filter(lot=lot, nb_emails__gt=0).values_list(
                "pk", flat=True
            )
        )
        en_attente_envoyer()  # the notifications the workers would send
        lettres = avis.lot_lettres_imprimer(lot.pk)
        lot.refresh_from_db()
        self.stdout.write(
            f"Terminé : {lot.crees} profils créés, {lot.rejetes} lignes rejetées, "
            f"{courriels} courriel(s) d'avis envoyé(s), {lettres} lettre(s) dans le PDF du lot."
        )
        if lot.erreur:
            self.stdout.write(lot.erreur)
