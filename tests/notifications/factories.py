"""A pending notice as ``notifier`` leaves it: a row with its unique key, not yet sent."""

import factory

from espace_sante.notifications.models import Canal, Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    cle = factory.Sequence(lambda n: f"test:{n}")
    motif = "test"
    canal = Canal.EMAIL
    destinataire = factory.Sequence(lambda n: f"personne{n}@example.fr")
    sujet = "Un document a été ajouté"
    corps = "Connectez-vous pour le consulter."

    class Params:
        sms = factory.Trait(canal=Canal.SMS, destinataire="0612345678")
