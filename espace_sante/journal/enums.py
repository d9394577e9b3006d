from django.db import models


class Action(models.TextChoices):
    CONNEXION = "connexion", "Connexion"
    CONNEXION_ECHEC = "connexion_echec", "Échec de connexion"
    DECONNEXION = "deconnexion", "Déconnexion"
    OTP_VERIFIE = "otp_verifie", "Second facteur validé"
    OTP_ECHEC = "otp_echec", "Échec du second facteur"
    OTP_APPAREIL_AJOUTE = "otp_appareil_ajoute", "Moyen de second facteur ajouté"
    OTP_CODES_SECOURS = "otp_codes_secours", "Codes de secours générés"
    VERROUILLAGE = "verrouillage", "Compte ou adresse IP temporairement bloqué"
    PROFIL_BASCULE = "profil_bascule", "Changement de profil affiché"
    CLES_ROTATION = "cles_rotation", "Rotation des clés de chiffrement"
    # Profile lifecycle and consent (consentement)
    DECISION = "decision", "Décision enregistrée"
    DONNEES_SUPPRIMEES = "donnees_supprimees", "Données du profil supprimées"
    AVIS_EMIS = "avis_emis", "Avis avec code d'activation émis"
    ACTIVATION_ECHEC = "activation_echec", "Échec d'activation"
    REPRESENTATION_FIN = "representation_fin", "Fin d'une représentation légale"
    COORDONNEES_MODIFIEES = "coordonnees_modifiees", "Coordonnées ou préférences modifiées"
    ACCOMPAGNEMENT_OUVERT = "accompagnement_ouvert", "Accompagnement France services ouvert"
    ACCOMPAGNEMENT_FERME = "accompagnement_ferme", "Accompagnement France services fermé"
    LOT_IMPORTE = "lot_importe", "Lot de création de profils importé"
    ANNONCES_ECHUES = "annonces_echues", "Délais d'opposition échus : profils créés"
