"""Notifications become one row per channel and recipient, with a unique key, and an
encrypted body (existing rows are keyed "ancienne:<id>" and their body encrypted)."""

import uuid

import django.utils.timezone
from django.db import migrations, models

import espace_sante.lib.fields


def chiffrer_anciennes(apps, schema_editor):
    from espace_sante.lib.fields import chiffrer

    Notification = apps.get_model("notifications", "Notification")
    for notification in Notification.objects.all().iterator():
        notification.public_id = uuid.uuid4()
        notification.cle = f"ancienne:{notification.pk}"
        notification.motif = "ancienne"
        notification.corps_chiffre = chiffrer(
            Notification, "corps", notification.public_id, notification.corps or ""
        )
        notification.save(update_fields=["public_id", "cle", "motif", "corps_chiffre"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            "notification", "public_id", models.UUIDField(null=True, editable=False)
        ),
        migrations.AddField(
            "notification", "cle", models.CharField("clé d'unicité", max_length=200, null=True)
        ),
        migrations.AddField("notification", "motif", models.CharField(max_length=40, default="")),
        migrations.AddField(
            "notification",
            "canal",
            models.CharField(
                choices=[("email", "Courriel"), ("sms", "SMS")], default="email", max_length=10
            ),
        ),
        migrations.AddField(
            "notification",
            "secret",
            models.BooleanField("corps effacé après l'envoi", default=False),
        ),
        migrations.AddField(
            "notification",
            "erreur",
            models.CharField("dernière erreur", blank=True, max_length=200),
        ),
        migrations.AddField("notification", "corps_chiffre", models.BinaryField(null=True)),
        migrations.RunPython(chiffrer_anciennes, migrations.RunPython.noop),
        migrations.RemoveField("notification", "corps"),
        migrations.RenameField("notification", "corps_chiffre", "corps"),
        migrations.AlterField(
            "notification",
            "corps",
            espace_sante.lib.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            "notification",
            "public_id",
            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            "notification", "cle", models.CharField("clé d'unicité", max_length=200, unique=True)
        ),
        migrations.AlterField("notification", "motif", models.CharField(max_length=40)),
        migrations.AlterField("notification", "destinataire", models.CharField(max_length=254)),
        migrations.AlterField(
            "notification",
            "cree_le",
            models.DateTimeField("créée le", db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            "notification", "envoye_le", models.DateTimeField("envoyée le", blank=True, null=True)
        ),
    ]
