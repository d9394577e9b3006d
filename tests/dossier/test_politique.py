"""The access policy as a table: every kind of reader × every state of a document.

Each case is checked twice — the pure predicate (peut_voir) and the database filter
(q_visibles) — so a list can never show what a detail refuses, or the reverse.
"""

import dataclasses
from datetime import timedelta

import pytest
from django.utils import timezone

from consentement import acces
from consentement.models import AccesProfessionnel, ParametresAcces
from dossier.models import Document
from espace_sante.comptes.enums import Profession, StatutProfil
from tests.comptes.factories import (
    MediateurFactory,
    ProfessionnelFactory,
    ProfilFactory,
    RepresentationFactory,
    UserFactory,
)
from tests.conftest import acteur_de
from tests.consentement.factories import (
    AccesProfessionnelFactory,
    BlocageFactory,
    ParametresAccesFactory,
)
from tests.dossier.factories import DocumentFactory, InformationFactory

pytestmark = pytest.mark.django_db

LECTEURS = [
    "titulaire",
    "representant",
    "auteur",
    "medecin_traitant",
    "mt_sans_masques",
    "medecin",
    "dentiste",
    "infirmier",
    "liste",
    "urgence",
    "bloque",
    "sans_acces",
    "mediateur",
    "admin",
]

# Document states. For each, the readers who see it (all others must not).
PATIENT = {"titulaire", "representant"}
SOINS = {"auteur", "medecin_traitant", "mt_sans_masques", "medecin", "liste", "urgence"}
ATTENDU = {
    "ordinaire": PATIENT | SOINS | {"infirmier", "dentiste"},
    # Advance directives: not for a dentist (matrix); a nurse does see them.
    "directives": PATIENT | SOINS | {"infirmier"},
    # Imaging: not for a nurse by default; the emergency opens every category.
    "imagerie": PATIENT | SOINS | {"dentiste"},
    # Masked: its author, the médecin traitant (if the patient allows), the emergency.
    "masque": PATIENT | {"auteur", "medecin_traitant", "urgence"},
    # Allow-list: only the listed professional and the author, even in an emergency.
    "liste": PATIENT | {"auteur", "liste"},
    "masque_et_liste": PATIENT | {"auteur", "liste"},
    # Held for announcement: every professional as usual; not the patient yet.
    "annonce": SOINS | {"infirmier", "dentiste"},
    "annonce_15_jours": SOINS | {"infirmier", "dentiste"},
    "annonce_31_jours": PATIENT | SOINS | {"infirmier", "dentiste"},
    "annonce_liberee": PATIENT | SOINS | {"infirmier", "dentiste"},
    # A minor's confidential act: the representative does not see it.
    "confidentiel": {"titulaire"} | SOINS | {"infirmier", "dentiste"},
}


@pytest.fixture
def monde():
    """One patient's record seen by each kind of reader.

    The "titulaire" reads an adult's record; the "representant" reads a minor's. Each
    document exists on both records in the same state, so every reader is asked about it.
    """
    adulte = ProfilFactory(active=True)
    representation = RepresentationFactory()
    mineur = representation.mineur
    pros = {
        "auteur": ProfessionnelFactory(),
        "medecin_traitant": ProfessionnelFactory(),
        "mt_sans_masques": ProfessionnelFactory(),
        "medecin": ProfessionnelFactory(),
        "dentiste": ProfessionnelFactory(profession=Profession.CHIRURGIEN_DENTISTE),
        "infirmier": ProfessionnelFactory(profession=Profession.INFIRMIER),
        "liste": ProfessionnelFactory(),
        "urgence": ProfessionnelFactory(profession=Profession.INFIRMIER),
        "bloque": ProfessionnelFactory(),
        "sans_acces": ProfessionnelFactory(),
    }
    maintenant = timezone.now()
    for profil in (adulte, mineur):
        for nom in ("auteur", "medecin", "dentiste", "infirmier", "liste", "bloque"):
            AccesProfessionnelFactory(profil=profil, professionnel=pros[nom], debut=maintenant)
        AccesProfessionnelFactory(
            profil=profil, professionnel=pros["urgence"], debut=maintenant, urgence=True
        )
        BlocageFactory(profil=profil, professionnel=pros["bloque"])
    # The médecin traitant differs per profile to test the "masked" setting both ways:
    # each record has one MT who sees masked documents, and the other without.
    ParametresAccesFactory(profil=adulte, medecin_traitant=pros["medecin_traitant"])
    ParametresAccesFactory(
        profil=mineur, medecin_traitant=pros["medecin_traitant"], masques_visibles_mt=True
    )
    lecteurs = {
        "titulaire": acteur_de(adulte.titulaire, adulte),
        "representant": acteur_de(representation.representant.titulaire, mineur),
        "mediateur": None,
        "admin": None,
    }
    return adulte, mineur, pros, lecteurs


def _document(profil, pros, etat):
    maintenant = timezone.now()
    options = {
        "directives": {"categorie": "directives"},
        "imagerie": {"categorie": "imagerie"},
        "masque": {"masque": True},
        "liste": {"reserve_a": [pros["liste"].pk]},
        "masque_et_liste": {"masque": True, "reserve_a": [pros["liste"].pk]},
        "annonce": {"annonce_requise": True},
        "annonce_15_jours": {"annonce_requise": True, "ajoute_le": maintenant - timedelta(days=15)},
        "annonce_31_jours": {"annonce_requise": True, "ajoute_le": maintenant - timedelta(days=31)},
        "annonce_liberee": {"annonce_requise": True, "annonce_le": maintenant},
        "confidentiel": {"confidentiel": True},
    }.get(etat, {})
    return DocumentFactory.par(pros["auteur"], profil=profil, **options)


def _lecteurs_pour(profil, pros, lecteurs, mt_voit_masques: bool):
    resultat = {}
    for nom in LECTEURS:
        if nom in ("titulaire", "representant", "mediateur", "admin"):
            lecteur = lecteurs[nom]
            resultat[nom] = lecteur if lecteur is None or lecteur.profil == profil else "absent"
            continue
        pro = pros["medecin_traitant"] if nom == "mt_sans_masques" else pros[nom]
        if nom == "medecin_traitant" and not mt_voit_masques:
            resultat[nom] = "absent"
            continue
        if nom == "mt_sans_masques" and mt_voit_masques:
            resultat[nom] = "absent"
            continue
        resultat[nom] = acteur_de(pro.user, profil)
    return resultat


@pytest.mark.parametrize("etat", list(ATTENDU))
def test_policy_table(monde, etat):
    adulte, mineur, pros, lecteurs = monde
    ParametresAcces.objects.filter(profil=adulte).update(masques_visibles_mt=False)
    ecarts = []
    for profil, mt_voit in ((adulte, False), (mineur, True)):
        if etat == "confidentiel" and profil == adulte:
            continue  # confidentiality is a minor's; the titulaire case is the adult's own
        document = _document(profil, pros, etat)
        for nom, lecteur in _lecteurs_pour(profil, pros, lecteurs, mt_voit).items():
            if lecteur == "absent":
                continue
            attendu = nom in ATTENDU[etat]
            if nom in ("titulaire",) and etat == "confidentiel":
                continue
            vu = lecteur is not None and acces.peut_voir(lecteur, document)
            filtre = (
                lecteur is not None
                and Document.objects.filter(acces.q_visibles(lecteur, Document))
                .filter(pk=document.pk)
                .exists()
            )
            if vu != filtre:
                ecarts.append(f"{nom}: prédicat {vu} ≠ filtre {filtre}")
            if vu != attendu:
                ecarts.append(f"{nom} sur {profil}: vu={vu}, attendu={attendu}")
    assert not ecarts, f"{etat} : " + " ; ".join(ecarts)


def test_a_minors_titulaire_side_sees_the_confidential_act_only_without_representative():
    """The reverse of the table's confidential row: the minor's own (future) account sees it."""
    representation = RepresentationFactory()
    doc = DocumentFactory(profil=representation.mineur, confidentiel=True)
    parent = acteur_de(representation.representant.titulaire, representation.mineur)
    assert not acces.peut_voir(parent, doc)
    titulaire = acces.Acteur("titulaire", user=UserFactory(), profil=representation.mineur)
    assert acces.peut_voir(titulaire, doc)


def test_nothing_for_any_professional_on_an_opposed_closed_or_announced_profile(monde):
    adulte, _, pros, _ = monde
    for statut in (StatutProfil.CLOTURE, StatutProfil.OPPOSE, StatutProfil.ANNONCE):
        adulte.statut = statut
        adulte.save(update_fields=["statut"])
        for nom in ("auteur", "medecin_traitant", "urgence", "medecin"):
            assert acteur_de(pros[nom].user, adulte) is None, (statut, nom)


def test_an_expired_or_revoked_access_gives_nothing(monde):
    adulte, _, pros, _ = monde
    AccesProfessionnel.objects.filter(profil=adulte, professionnel=pros["medecin"]).update(
        fin=timezone.now() - timedelta(minutes=1), debut=timezone.now() - timedelta(hours=25)
    )
    assert acteur_de(pros["medecin"].user, adulte) is None
    AccesProfessionnel.objects.filter(profil=adulte, professionnel=pros["dentiste"]).update(
        revoque_le=timezone.now()
    )
    assert acteur_de(pros["dentiste"].user, adulte) is None


def test_mediators_and_admins_are_never_readers(monde):
    adulte, _, _, _ = monde
    admin = UserFactory(is_staff=True, is_superuser=True)
    mediateur = MediateurFactory().user
    assert acteur_de(admin, adulte) is None
    assert acteur_de(mediateur, adulte) is None


def test_profile_entries_follow_category_and_confidentiality(monde):
    adulte, mineur, pros, lecteurs = monde
    info = InformationFactory(profil=mineur, rubrique="directives_anticipees", confidentiel=True)
    dentiste = acteur_de(pros["dentiste"].user, mineur)
    infirmier = acteur_de(pros["infirmier"].user, mineur)
    assert not acces.peut_voir(dentiste, info)
    assert acces.peut_voir(infirmier, info)
    assert not acces.peut_voir(lecteurs["representant"], info)
    allergie = InformationFactory(profil=adulte)
    assert acces.peut_voir(dataclasses.replace(dentiste, profil=adulte), allergie)
