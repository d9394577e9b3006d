from django.db import models


class Role(models.TextChoices):
    TITULAIRE = "titulaire", "Titulaire"
    REPRESENTANT = "representant", "Représentant légal"
    PROFESSIONNEL = "professionnel", "Professionnel de santé"
    MEDIATEUR = "mediateur", "Médiateur France services"
    ADMIN = "admin", "Administrateur"
    APPLICATION = "application", "Service connecté"
    SYSTEME = "systeme", "Système"
    ANONYME = "anonyme", "Personne non connectée"


class StatutProfil(models.TextChoices):
    ANNONCE = "annonce", "Annoncé (délai d'opposition en cours)"
    OPPOSE = "oppose", "Opposé"
    CREE = "cree", "Créé"
    ACTIVE = "active", "Activé"
    CLOTURE = "cloture", "Clôturé"


class Sexe(models.TextChoices):
    FEMININ = "F", "Féminin"
    MASCULIN = "M", "Masculin"
    INDETERMINE = "I", "Indéterminé"


class Civilite(models.TextChoices):
    """As the national RPPS directory publishes it ("Libellé civilité"); blank: unknown."""

    MONSIEUR = "M", "Monsieur"
    MADAME = "MME", "Madame"


class Profession(models.TextChoices):
    MEDECIN = "medecin", "Médecin"
    INFIRMIER = "infirmier", "Infirmier ou infirmière"
    PHARMACIEN = "pharmacien", "Pharmacien ou pharmacienne"
    CHIRURGIEN_DENTISTE = "chirurgien_dentiste", "Chirurgien-dentiste"
    SAGE_FEMME = "sage_femme", "Sage-femme"
    MASSEUR_KINESITHERAPEUTE = "masseur_kinesitherapeute", "Masseur-kinésithérapeute"


# A profession as a patient names the person: "Paul Moreau, pharmacien". Masculine and
# feminine forms; the label above ("Pharmacien ou pharmacienne") when the civility is unknown.
PROFESSIONS_ACCORDEES = {
    Profession.MEDECIN: ("médecin", "médecin"),
    Profession.INFIRMIER: ("infirmier", "infirmière"),
    Profession.PHARMACIEN: ("pharmacien", "pharmacienne"),
    Profession.CHIRURGIEN_DENTISTE: ("chirurgien-dentiste", "chirurgienne-dentiste"),
    Profession.SAGE_FEMME: ("sage-femme", "sage-femme"),
    Profession.MASSEUR_KINESITHERAPEUTE: (
        "masseur-kinésithérapeute",
        "masseuse-kinésithérapeute",
    ),
}


class PorteeTentative(models.TextChoices):
    CONNEXION = "connexion", "Connexion (mot de passe)"
    CODE_OTP = "code_otp", "Code de connexion (second facteur)"
    ACTIVATION = "activation", "Code d'activation"
    RECHERCHE_NIR = "recherche_nir", "Recherche par NIR"
    PASSERELLE_SMTP = "passerelle_smtp", "Passerelle SMTP : destinataire refusé"
    # Messages sent (send limits), not failures.
    ENVOI_REINITIALISATION = "envoi_reinit", "Envoi : réinitialisation du mot de passe"
    ENVOI_CODE_OTP = "envoi_code_otp", "Envoi : code de connexion"
    ENVOI_NOUVEAU_CODE = "envoi_nouveau_code", "Envoi : nouveau code d'activation"
    ENVOI_PRESENCE = "envoi_presence", "Envoi : code de présence France services"
    ENREGISTREMENT_CLIENT = "enreg_client", "Enregistrement d'un client OAuth (RFC 7591)"


PORTEES_ENVOI = (
    PorteeTentative.ENVOI_REINITIALISATION,
    PorteeTentative.ENVOI_CODE_OTP,
    PorteeTentative.ENVOI_NOUVEAU_CODE,
    PorteeTentative.ENVOI_PRESENCE,
    PorteeTentative.ENREGISTREMENT_CLIENT,  # counted like a send: at most N in a window
)
