from django.db import models


class StatutRdv(models.TextChoices):
    PROPOSE = "propose", "Proposé, en attente de réponse"
    CONFIRME = "confirme", "Confirmé"
    REFUSE = "refuse", "Refusé"
    ANNULE = "annule", "Annulé"


class StatutRappel(models.TextChoices):
    A_ENVOYER = "a_envoyer", "À envoyer"
    ENVOYE = "envoye", "Transmis pour envoi"
    PERIME = "perime", "Non envoyé : rendez-vous passé"
    ANNULE = "annule", "Non envoyé : plus d'objet"


class CanalRappel(models.TextChoices):
    EMAIL = "email", "Courriel"
    SMS = "sms", "SMS"


class EtatPrevention(models.TextChoices):
    FAIT = "fait", "Fait"
    ECARTE = "ecarte", "Écarté"


# Offsets the patient picks, in minutes before the appointment.
class Delai(models.IntegerChoices):
    SEMAINE = 7 * 24 * 60, "1 semaine avant"
    DEUX_JOURS = 2 * 24 * 60, "2 jours avant"
    JOUR = 24 * 60, "1 jour avant"
    QUATRE_HEURES = 4 * 60, "4 heures avant"
    DEUX_HEURES = 2 * 60, "2 heures avant"
    HEURE = 60, "1 heure avant"


DELAIS_PAR_DEFAUT = [Delai.JOUR, Delai.DEUX_HEURES]
