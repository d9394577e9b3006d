from django.db import models


class Cote(models.TextChoices):
    """Who wrote a message: the professional, or the patient's side (the person or a parent)."""

    PROFESSIONNEL = "professionnel", "Professionnel de santé"
    PATIENT = "patient", "Patient ou représentant légal"


class CanalMessage(models.TextChoices):
    WEB = "web", "Portail espace-santé"
    SMTP = "smtp", "Messagerie sécurisée de santé du professionnel"
