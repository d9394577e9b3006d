import logging
import signal
import threading

from django.core.management.base import BaseCommand

from messagerie.smtp import controleur


class Command(BaseCommand):
    help = "Passerelle SMTP de la messagerie sécurisée (les professionnels écrivent depuis leur messagerie)."

    def add_arguments(self, parser):
        parser.add_argument("--hote", default=None, help="adresse d'écoute (MESSAGERIE_SMTP_HOTE)")
        parser.add_argument("--port", type=int, default=None, help="port (MESSAGERIE_SMTP_PORT)")

    def handle(self, *args, hote=None, port=None, **options):
        # aiosmtpd logs every connection and command at INFO: addresses are personal data.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        serveur = controleur(hote=hote, port=port)
        serveur.start()
        self.stdout.write(f"Passerelle SMTP à l'écoute sur {serveur.hostname}:{serveur.port}")
        self.stdout.flush()
        arret = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: arret.set())
        arret.wait()
        serveur.stop()
