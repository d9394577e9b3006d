"""The policy's rows (accesses, blocks, standing choices, a mediator's session) as the
services leave them; the services themselves stay the way the tests open an access
(``tests.dossier.test_vues.ouvrir_acces``) when the opening is the subject."""

import factory
from django.utils import timezone

from consentement.enums import TypeAcces
from consentement.models import (
    DUREE_ACCES,
    AccesProfessionnel,
    Accompagnement,
    Blocage,
    ParametresAcces,
)
from tests.comptes.factories import MediateurFactory, ProfessionnelFactory, ProfilFactory


class AccesProfessionnelFactory(factory.django.DjangoModelFactory):
    """An access by identification running from ``debut`` for its legal duration."""

    class Meta:
        model = AccesProfessionnel

    profil = factory.SubFactory(ProfilFactory, active=True)
    professionnel = factory.SubFactory(ProfessionnelFactory)
    type = TypeAcces.IDENTIFICATION
    motif = None
    debut = factory.LazyFunction(timezone.now)
    fin = factory.LazyAttribute(lambda o: o.debut + DUREE_ACCES[o.type])

    class Params:
        urgence = factory.Trait(type=TypeAcces.URGENCE, motif="Patient inconscient aux urgences")


class BlocageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blocage

    profil = factory.SubFactory(ProfilFactory, active=True)
    professionnel = factory.SubFactory(ProfessionnelFactory)


class ParametresAccesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParametresAcces
        django_get_or_create = ("profil",)

    profil = factory.SubFactory(ProfilFactory, active=True)
    medecin_traitant = factory.SubFactory(ProfessionnelFactory)


class AccompagnementFactory(factory.django.DjangoModelFactory):
    """A person at a France services desk, before the presence code is sent."""

    class Meta:
        model = Accompagnement

    mediateur = factory.SubFactory(MediateurFactory)
    profil = factory.SubFactory(ProfilFactory)
