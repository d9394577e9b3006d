from django.db import models

from consentement.enums import Categorie


class CategorieDocument(models.TextChoices):
    COMPTE_RENDU = Categorie.COMPTE_RENDU.value, Categorie.COMPTE_RENDU.label
    BIOLOGIE = Categorie.BIOLOGIE.value, Categorie.BIOLOGIE.label
    IMAGERIE = Categorie.IMAGERIE.value, Categorie.IMAGERIE.label
    ORDONNANCE = Categorie.ORDONNANCE.value, Categorie.ORDONNANCE.label
    VACCINATION = Categorie.VACCINATION.value, Categorie.VACCINATION.label
    CERTIFICAT = Categorie.CERTIFICAT.value, Categorie.CERTIFICAT.label
    HOSPITALISATION = Categorie.HOSPITALISATION.value, Categorie.HOSPITALISATION.label
    DIRECTIVES_ANTICIPEES = (
        Categorie.DIRECTIVES_ANTICIPEES.value,
        Categorie.DIRECTIVES_ANTICIPEES.label,
    )
    AUTRE = Categorie.AUTRE.value, Categorie.AUTRE.label


class Rubrique(models.TextChoices):
    """Sections of the medical profile; each falls in one category of the matrix."""

    ANTECEDENT_MEDICAL = "antecedent_medical", "Antécédent médical"
    ANTECEDENT_CHIRURGICAL = "antecedent_chirurgical", "Antécédent chirurgical"
    ANTECEDENT_FAMILIAL = "antecedent_familial", "Antécédent familial"
    TRAITEMENT = "traitement", "Traitement"
    ALLERGIE = "allergie", "Allergie"
    VACCINATION = "vaccination", "Vaccination"
    DIRECTIVES_ANTICIPEES = "directives_anticipees", "Directives anticipées"
    PERSONNE_A_PREVENIR = "personne_a_prevenir", "Personne à prévenir"
    DON_ORGANES = "don_organes", "Position sur le don d'organes"


CATEGORIE_DE_RUBRIQUE = {
    Rubrique.ANTECEDENT_MEDICAL: Categorie.ANTECEDENTS,
    Rubrique.ANTECEDENT_CHIRURGICAL: Categorie.ANTECEDENTS,
    Rubrique.ANTECEDENT_FAMILIAL: Categorie.ANTECEDENTS,
    Rubrique.TRAITEMENT: Categorie.TRAITEMENTS,
    Rubrique.ALLERGIE: Categorie.ALLERGIES,
    Rubrique.VACCINATION: Categorie.VACCINATION,
    Rubrique.DIRECTIVES_ANTICIPEES: Categorie.DIRECTIVES_ANTICIPEES,
    Rubrique.PERSONNE_A_PREVENIR: Categorie.PERSONNES_A_PREVENIR,
    Rubrique.DON_ORGANES: Categorie.DON_ORGANES,
}


class PositionDonOrganes(models.TextChoices):
    DONNEUR = "donneur", "Je suis favorable au don de mes organes et tissus"
    REFUS = "refus", "Je refuse le don (inscription au registre national des refus)"
    REFUS_PARTIEL = "refus_partiel", "Je refuse le don de certains organes ou tissus"
    PROCHES = "proches", "J'ai fait connaître ma position à mes proches"


# The same positions read by someone else (a professional, a parent): the person's words
# in the third person.
POSITION_DON_TIERS = {
    PositionDonOrganes.DONNEUR: "Favorable au don de ses organes et tissus",
    PositionDonOrganes.REFUS: "Refuse le don (inscription au registre national des refus)",
    PositionDonOrganes.REFUS_PARTIEL: "Refuse le don de certains organes ou tissus",
    PositionDonOrganes.PROCHES: "A fait connaître sa position à ses proches",
}


class TypeMesure(models.TextChoices):
    POIDS = "poids", "Poids"
    TAILLE = "taille", "Taille"
    TENSION = "tension", "Tension artérielle"
    GLYCEMIE = "glycemie", "Glycémie"
    TEMPERATURE = "temperature", "Température"
    FREQUENCE_CARDIAQUE = "frequence_cardiaque", "Fréquence cardiaque"


UNITES = {
    TypeMesure.POIDS: "kg",
    TypeMesure.TAILLE: "cm",
    TypeMesure.TENSION: "mmHg",
    TypeMesure.GLYCEMIE: "g/L",
    TypeMesure.TEMPERATURE: "°C",
    TypeMesure.FREQUENCE_CARDIAQUE: "battements/min",
}

# Plausible bounds: a typo (725 kg) is refused with a clear message, not stored.
BORNES = {
    TypeMesure.POIDS: (0.3, 400),
    TypeMesure.TAILLE: (20, 260),
    TypeMesure.TENSION: (30, 300),
    TypeMesure.GLYCEMIE: (0.1, 10),
    TypeMesure.TEMPERATURE: (30, 45),
    TypeMesure.FREQUENCE_CARDIAQUE: (20, 250),
}
