from django.db import models


class Action(models.TextChoices):
    """The kernel's own journal actions (authentication, operations). Each app declares
    its own in ``<app>/journal.py``; all are registered in ``journal.actions``."""

    CONNEXION = "connexion", "Connexion"
    CONNEXION_ECHEC = "connexion_echec", "Échec de connexion"
    DECONNEXION = "deconnexion", "Déconnexion"
    OTP_VERIFIE = "otp_verifie", "Second facteur validé"
    OTP_ECHEC = "otp_echec", "Échec du second facteur"
    OTP_APPAREIL_AJOUTE = "otp_appareil_ajoute", "Moyen de second facteur ajouté"
    OTP_APPAREIL_RETIRE = "otp_appareil_retire", "Application d'authentification retirée"
    OTP_CODES_SECOURS = "otp_codes_secours", "Codes de secours générés"
    VERROUILLAGE = "verrouillage", "Compte ou adresse IP temporairement bloqué"
    CLES_ROTATION = "cles_rotation", "Rotation des clés de chiffrement"
    JOURNAL_RESTAURATION = (
        "journal_restauration",
        "Restauration d'une sauvegarde : historique réancré (entrées récentes perdues)",
    )
