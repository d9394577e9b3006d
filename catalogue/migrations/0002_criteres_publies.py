"""The published labelling criteria (data migration; editable in admin afterwards)."""

from django.db import migrations

CRITERES = [
    (
        "securite",
        "Sécurité et hébergement",
        "Données de santé hébergées chez un hébergeur certifié HDS, chiffrées, accès protégés par une authentification forte, audit de sécurité récent.",
    ),
    (
        "interoperabilite",
        "Interopérabilité",
        "Échanges en FHIR R4 et SMART App Launch ; identifiants et terminologies de référence (LOINC, UCUM).",
    ),
    (
        "ethique",
        "Éthique",
        "Aucune revente de données, aucune publicité ciblée à partir des données de santé, finalité médicale déclarée.",
    ),
    (
        "donnees",
        "Protection des données personnelles",
        "Données minimales pour la finalité déclarée, durée de conservation annoncée, suppression sur demande.",
    ),
    (
        "accessibilite",
        "Accessibilité",
        "Service conforme au référentiel général d'amélioration de l'accessibilité (RGAA).",
    ),
]


def creer(apps, schema_editor):
    Critere = apps.get_model("catalogue", "Critere")
    for code, intitule, description in CRITERES:
        Critere.objects.get_or_create(
            code=code, defaults={"intitule": intitule, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_catalogue")]
    operations = [migrations.RunPython(creer, migrations.RunPython.noop)]
