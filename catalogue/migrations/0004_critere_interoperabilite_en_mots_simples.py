"""The interoperability criterion in plain words on the public pages (issue 21, point 11):
the standards' names (FHIR, SMART, LOINC) stay in the developers' guide."""

from django.db import migrations

AVANT = (
    "Échanges en FHIR R4 et SMART App Launch ; identifiants et terminologies de référence "
    "(LOINC, UCUM)."
)
APRES = (
    "Il échange les données dans les formats et avec le vocabulaire de référence des "
    "logiciels de santé, pour qu'elles restent justes d'un outil à l'autre."
)


def simplifier(apps, schema_editor):
    Critere = apps.get_model("catalogue", "Critere")
    Critere.objects.filter(code="interoperabilite", description=AVANT).update(description=APRES)


def revenir(apps, schema_editor):
    Critere = apps.get_model("catalogue", "Critere")
    Critere.objects.filter(code="interoperabilite", description=APRES).update(description=AVANT)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_jeton_code_url_suppression_publique")]

    operations = [migrations.RunPython(simplifier, revenir)]
