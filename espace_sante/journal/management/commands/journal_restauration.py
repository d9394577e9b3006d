import getpass

from django.core.management.base import BaseCommand, CommandError

from espace_sante.journal.restauration import reancrer


class Command(BaseCommand):
    help = (
        "Après la restauration d'une sauvegarde : consigne, signé avec JOURNAL_SIGNING_KEY, "
        "l'enregistrement de restauration qui réancre chaque chaîne du journal revenue en "
        "arrière comme le fait une restauration (et le journalise). Web et workers arrêtés."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--motif", required=True, help="Pourquoi la base a été restaurée (consigné, signé)."
        )
        parser.add_argument(
            "--operateur",
            default=getpass.getuser(),
            help="Qui restaure (par défaut : l'utilisateur du système).",
        )

    def handle(self, *args, motif, operateur, **options):
        motif, operateur = motif.strip(), operateur.strip()
        if len(motif) < 10 or len(motif) > 500:
            raise CommandError(
                "Le motif doit dire pourquoi la base a été restaurée (10 à 500 caractères)."
            )
        if not operateur or len(operateur) > 200:
            raise CommandError(
                "Nommez l'opérateur qui restaure (--operateur, 200 caractères au plus)."
            )
        resultat = reancrer(motif=motif, operateur=operateur)
        if resultat.numero is None and not resultat.refus:
            self.stdout.write("Aucune chaîne n'a reculé : rien à réancrer.")
        elif resultat.numero is not None:
            quand = resultat.point_de_restauration
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restauration signée n° {resultat.numero} consignée dans {resultat.fichier} "
                    f"(dernière entrée de la base restaurée : {quand:%d/%m/%Y %H:%M:%S}) : "
                    f"{len(resultat.reancrees)} chaîne(s) réancrée(s)."
                    if quand
                    else f"Restauration signée n° {resultat.numero} consignée dans "
                    f"{resultat.fichier} : {len(resultat.reancrees)} chaîne(s) réancrée(s)."
                )
            )
            for chaine, (rang, jusqua) in resultat.reancrees.items():
                self.stdout.write(
                    f"  {chaine} : reprend au rang {rang}, rangs {rang + 1} à {jusqua} perdus"
                )
        for rupture in resultat.refus:
            self.stderr.write(self.style.ERROR(f"NON RÉANCRÉE — {rupture}"))
        if resultat.refus:
            raise CommandError(
                f"{len(resultat.refus)} chaîne(s) non réancrée(s) : leur recul n'est pas celui "
                "d'une restauration. Prévenez le délégué à la protection des données."
            )
