from django.db import models


class StatutService(models.TextChoices):
    REFERENCE = "reference", "Référencé"
    SUSPENDU = "suspendu", "Suspendu"
    RETIRE = "retire", "Retiré du catalogue"


class CategorieService(models.TextChoices):
    PREVENTION = "prevention", "Prévention et bien-être"
    SUIVI = "suivi", "Suivi d'une maladie chronique"
    MESURES = "mesures", "Objets connectés et mesures"
    DOCUMENTS = "documents", "Documents et ordonnances"
    VACCINATION = "vaccination", "Vaccination"
    GROSSESSE = "grossesse", "Grossesse et petite enfance"
    COORDINATION = "coordination", "Coordination des soins"


class EtatSuppression(models.TextChoices):
    A_ENVOYER = "a_envoyer", "En cours d'envoi au service"
    LIVREE = "livree", "Reçue par le service"
