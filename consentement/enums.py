from django.db import models


class Canal(models.TextChoices):
    WEB = "web", "En ligne"
    FRANCE_SERVICES = "france_services", "France services"
    COURRIER = "courrier", "Courrier postal"
    TELEPHONE = "telephone", "Téléphone"
    SYSTEME = "systeme", "Automatique"
    API = "api", "Service connecté (API)"


class TypeDecision(models.TextChoices):
    OPPOSITION = "opposition", "Opposition à la création du profil"
    ACTIVATION = "activation", "Activation du profil"
    CLOTURE = "cloture", "Clôture du profil"
    REOUVERTURE = "reouverture", "Réouverture du profil"
    # Access to the record (issue 4): each setting is a row, never a boolean overwritten.
    BLOCAGE = "blocage", "Blocage d'un professionnel"
    DEBLOCAGE = "deblocage", "Fin du blocage d'un professionnel"
    MASQUAGE = "masquage", "Masquage d'un élément du dossier"
    DEMASQUAGE = "demasquage", "Fin du masquage d'un élément du dossier"
    RESTRICTION = "restriction", "Liste des professionnels autorisés pour un document"
    CONFIDENTIALITE = "confidentialite", "Confidentialité demandée par le mineur"
    URGENCE_REFUS = "urgence_refus", "Refus de l'accès en urgence"
    URGENCE_ACCEPTATION = "urgence_accord", "Accord pour l'accès en urgence"
    MEDECIN_TRAITANT = "medecin_traitant", "Déclaration du médecin traitant"
    MASQUES_MT = "masques_mt", "Documents masqués et médecin traitant"
    # Agenda (issue 13): prevention messages turned off, or on again.
    PREVENTION_REFUS = "prevention_refus", "Refus des messages de prévention"
    PREVENTION_ACCORD = "prevention_accord", "Accord pour les messages de prévention"
    # Connected services (catalogue): one row per scope granted or withdrawn.
    SERVICE_AUTORISATION = "service_autorise", "Autorisation donnée à un service connecté"
    SERVICE_RETRAIT = "service_retire", "Autorisation retirée à un service connecté"


class ModeCloture(models.TextChoices):
    ARCHIVE = "archive", "Archiver mes données pendant 10 ans"
    SUPPRESSION = "suppression", "Supprimer mes données rapidement (sous 3 mois)"


class StatutLot(models.TextChoices):
    RECU = "recu", "Reçu, en attente de traitement"
    EN_COURS = "en_cours", "Création des profils en cours"
    FINALISATION = "finalisation", "Rattachement des mineurs en cours"
    TERMINE = "termine", "Terminé"
    ECHEC = "echec", "Terminé avec des lignes non traitées"


class MotifAvis(models.TextChoices):
    CREATION = "creation", "Création du profil"
    RENOUVELLEMENT = "renouvellement", "Nouveau code d'activation"
    MAJORITE = "majorite", "Majorité : profil à activer soi-même"
    REEMISSION = "reemission", "Avis réédité en France services"


class StatutAccompagnement(models.TextChoices):
    PRESENCE = "presence", "En attente de la preuve de présence"
    OUVERT = "ouvert", "Ouvert"
    FERME = "ferme", "Fermé"


class Categorie(models.TextChoices):
    """The categories of information the profession matrix grants, documents and profile alike."""

    COMPTE_RENDU = "compte_rendu", "Compte rendu"
    BIOLOGIE = "biologie", "Résultats de biologie"
    IMAGERIE = "imagerie", "Imagerie"
    ORDONNANCE = "ordonnance", "Ordonnance"
    VACCINATION = "vaccination", "Vaccination"
    CERTIFICAT = "certificat", "Certificat"
    HOSPITALISATION = "hospitalisation", "Hospitalisation"
    DIRECTIVES_ANTICIPEES = "directives", "Directives anticipées"
    AUTRE = "autre", "Autre document"
    ANTECEDENTS = "antecedents", "Antécédents"
    TRAITEMENTS = "traitements", "Traitements en cours"
    ALLERGIES = "allergies", "Allergies"
    MESURES = "mesures", "Mesures (poids, tension…)"
    PERSONNES_A_PREVENIR = "contacts", "Personnes à prévenir"
    DON_ORGANES = "don_organes", "Position sur le don d'organes"


class TypeAcces(models.TextChoices):
    IDENTIFICATION = "identification", "Patient identifié (NIR et date de naissance)"
    URGENCE = "urgence", "Accès en urgence (bris de glace)"
