from datetime import date
from itertools import count

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from stdnum import luhn

from espace_sante.comptes.enums import Civilite, Profession, Sexe, StatutProfil
from espace_sante.comptes.models import Mediateur, Professionnel, Profil, Representation, User
from espace_sante.lib import nir as nir_lib

MOT_DE_PASSE = "Mot-de-passe-de-test-2026"
_HASH = {}
_sequence = count(1)


def hash_mot_de_passe() -> str:
    # Argon2 is deliberately slow: hash the shared test password once per run.
    if "h" not in _HASH:
        _HASH["h"] = make_password(MOT_DE_PASSE)
    return _HASH["h"]


def nir_unique(sexe: str = "2", annee: int = 85, mois: int = 5) -> str:
    n = next(_sequence)
    debut = f"{sexe}{annee:02d}{mois:02d}75{(n % 1000):03d}{(n // 1000 % 1000):03d}"
    return debut + nir_lib.cle(debut)


def rpps_unique() -> str:
    debut = f"10{next(_sequence):08d}"
    return debut + luhn.calc_check_digit(debut)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    prenom = "Claude"
    nom = factory.Sequence(lambda n: f"Durand{n}")
    password = factory.LazyFunction(hash_mot_de_passe)

    @factory.post_generation
    def email_verifie(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ProfilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profil

    nom_naissance = factory.Sequence(lambda n: f"Durand{n}")
    prenoms = "Claude Marie"
    date_naissance = date(1985, 5, 14)
    sexe = Sexe.FEMININ
    code_lieu_naissance = "75056"
    statut = StatutProfil.ANNONCE
    nir = factory.LazyFunction(nir_unique)
    nir_hash = factory.LazyAttribute(lambda o: nir_lib.hacher(o.nir))

    class Params:
        active = factory.Trait(
            statut=StatutProfil.ACTIVE, titulaire=factory.SubFactory(UserFactory)
        )
        mineur = factory.Trait(
            date_naissance=date(2014, 3, 12),
            statut=StatutProfil.CREE,
            nir=factory.LazyFunction(lambda: nir_unique("1", 14, 3)),
        )
        # An account holder told by SMS only (telephone overridable).
        par_sms = factory.Trait(
            active=True, telephone="+33612345678", notifier_par_sms=True, notifier_par_email=False
        )


class ProfessionnelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professionnel

    user = factory.SubFactory(UserFactory, prenom="Jeanne", nom="Lefèvre")
    rpps = factory.LazyFunction(rpps_unique)
    profession = Profession.MEDECIN
    civilite = Civilite.MADAME  # Jeanne Lefèvre, as the directory publishes it
    specialite = "Médecine générale"
    structure = "Cabinet des Lilas"


class MediateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mediateur

    user = factory.SubFactory(UserFactory, prenom="Sophie", nom="Bernard")
    site_france_services = "France services de Montreuil"
    habilite_depuis = date(2026, 1, 1)


class RepresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representation

    representant = factory.SubFactory(ProfilFactory, active=True)
    mineur = factory.SubFactory(ProfilFactory, mineur=True)


def ouvrir_compte_du_mineur(mineur: Profil, **utilisateur) -> User:
    """The minor opens their own account (active profile): the notices of a confidential
    act go there, never to the profile's contact details, which are the parents' to edit."""
    utilisateur = {"prenom": "Yanis", "email": "yanis@exemple.fr", **utilisateur}
    mineur.titulaire = UserFactory(**utilisateur)
    mineur.statut = StatutProfil.ACTIVE
    mineur.save()
    return mineur.titulaire
