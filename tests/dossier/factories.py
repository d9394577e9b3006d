import factory
from django.utils import timezone

from dossier.enums import Rubrique
from dossier.models import Document, InformationMedicale
from espace_sante.comptes.enums import Role
from tests.comptes.factories import ProfilFactory, UserFactory


class DocumentFactory(factory.django.DjangoModelFactory):
    """A document row whose file name points nowhere: for policy tests, not downloads."""

    class Meta:
        model = Document

    profil = factory.SubFactory(ProfilFactory, active=True)
    categorie = "compte_rendu"
    titre = factory.Sequence(lambda n: f"Compte rendu n° {n}")
    auteur = factory.SubFactory(UserFactory)
    auteur_role = Role.TITULAIRE
    auteur_libelle = "Camille Martin (titulaire)"
    fichier = factory.Sequence(lambda n: f"dossier/test/{n}.pdf")
    type_mime = "application/pdf"
    extension = "pdf"
    taille = 100
    empreinte = "0" * 64
    ajoute_le = factory.LazyFunction(timezone.now)

    @classmethod
    def par(cls, pro, **kwargs):
        """Authored by a professional."""
        return cls(
            auteur=pro.user,
            auteur_role=Role.PROFESSIONNEL,
            auteur_professionnel=pro,
            auteur_libelle=str(pro),
            **kwargs,
        )


class InformationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationMedicale

    profil = factory.SubFactory(ProfilFactory, active=True)
    rubrique = Rubrique.ALLERGIE
    libelle = "Pénicilline"
    auteur = factory.SubFactory(UserFactory)
    auteur_role = Role.TITULAIRE
    auteur_libelle = "Camille Martin (titulaire)"
