from django.db import migrations


def charger(apps, schema_editor):
    from consentement.acces import matrice

    matrice.initialiser(apps.get_model("consentement", "MatriceProfession"))


class Migration(migrations.Migration):
    dependencies = [("consentement", "0003_acces_au_dossier")]

    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
