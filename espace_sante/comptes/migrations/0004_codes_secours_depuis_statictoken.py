"""Existing backup codes (django-otp's StaticToken, in clear) become keyed hashes.

Each confirmed StaticDevice becomes a CarnetSecours with the same codes, hashed the way
``CarnetSecours.empreinte`` does; the clear tokens are then deleted. Going back cannot
restore them (only hashes remain): users generate new codes.
"""

from django.db import migrations

from espace_sante.lib.crypto import keyed_hasher


def _normaliser(saisie: str) -> str:
    # Same as CarnetSecours.normaliser (historical models have no custom methods).
    return "".join(c for c in str(saisie).lower() if c.isalnum())


def hacher_codes(apps, schema_editor):
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    CarnetSecours = apps.get_model("comptes", "CarnetSecours")
    CodeSecours = apps.get_model("comptes", "CodeSecours")
    hacher = keyed_hasher("code_secours")
    for device in StaticDevice.objects.filter(confirmed=True).iterator():
        carnet, _ = CarnetSecours.objects.get_or_create(
            user_id=device.user_id, defaults={"name": device.name, "confirmed": True}
        )
        empreintes = {
            hacher(f"{device.user_id}:{_normaliser(jeton)}")
            for jeton in StaticToken.objects.filter(device=device).values_list("token", flat=True)
        }
        CodeSecours.objects.bulk_create(
            (CodeSecours(carnet=carnet, empreinte=e) for e in empreintes), ignore_conflicts=True
        )
    StaticToken.objects.all().delete()
    StaticDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comptes", "0003_codes_secours_haches_et_limites_envoi"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hacher_codes, migrations.RunPython.noop)]
