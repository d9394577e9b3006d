from django.db import models


class Canal(models.TextChoices):
    WEB = "web", "En ligne"
    FRANCE_SERVICES = "france_services", "France services"
    COURRIER = "courrier", "Courrier postal"
    TELEPHONE = "telephone", "Téléphone"
    SYSTEME = "systeme", "Automatique"


class TypeDecision(models.TextChoices):
    OPPOSITION = "opposition", "Opposition à la création du profil"
    ACTIVATION = "activation", "Activation du profil"
    CLOTURE = "cloture", "Clôture du profil"
    REOUVERTURE = "reouverture", "Réouverture du profil"


class ModeCloture(models.TextChoices):
    ARCHIVE = "archive", "Archiver mes données pendant 10 ans"
    SUPPRESSION = "suppression", "Supprimer mes données rapidement (sous 3 mois)"


class StatutLot(models.TextChoices):
    RECU = "recu", "Reçu, en attente de traitement"
    EN_COURS = "en_cours", "Création des profils en cours"
    FINALISATION = "finalisation", "Rattachement des mineurs en cours"
    TERMINE = "termine", "Terminé"
    ECHEC = "echec", "Fichier refusé"


class MotifAvis(models.TextChoices):
    CREATION = "creation", "Création du profil"
    RENOUVELLEMENT = "renouvellement", "Nouveau code d'activation"
    MAJORITE = "majorite", "Majorité : profil à activer soi-même"
    REEMISSION = "reemission", "Avis réédité en France services"


class StatutAccompagnement(models.TextChoices):
    PRESENCE = "presence", "En attente de la preuve de présence"
    OUVERT = "ouvert", "Ouvert"
    FERME = "ferme", "Fermé"
