"""The demo is seeded like a real life (issue 11, point 12), and stays idempotent."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from consentement.models import Blocage, Decision
from consentement.services import accompagnement
from dossier.models import Document, Mesure
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil, User
from espace_sante.journal.models import Entree
from tests.actions import Action
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())
    sortie = io.StringIO()
    call_command("demo", stdout=sortie)  # a second run adds nothing (but a fresh notice code)
    return sortie.getvalue()


def _user(cle):
    return User.objects.get(email=f"{cle}@demo.espace-sante.fr")


def test_the_patients_record_holds_a_year_of_care(demo):
    camille = _user("patient").profil
    documents = Document.objects.filter(profil=camille)
    assert documents.count() == 12
    assert documents.values("categorie").distinct().count() >= 6
    assert documents.values("auteur").distinct().count() >= 4
    assert documents.filter(annonce_requise=True, annonce_le__isnull=True).count() == 1
    assert documents.filter(masque=True).count() == 1
    assert Mesure.objects.filter(profil=camille).count() >= 100
    assert Blocage.objects.filter(profil=camille).count() == 1
    assert Decision.objects.filter(profil=camille).count() >= 3
    assert Entree.objects.filter(profil=camille, action=Action.ACCES_URGENCE).exists()


def test_each_persona_sees_a_lived_in_space(client, demo):
    connecter(client, _user("patient"))
    accueil = client.get(reverse("dossier:accueil")).content.decode()
    assert accueil.count("<tr") >= 10
    assert "<h2>Documents (11)</h2>" in accueil  # the held result is not announced yet
    profil = client.get(reverse("dossier:profil_medical")).content.decode()
    assert profil.count("<svg") >= 2 and "Hypertension artérielle" in profil
    historique = client.get(reverse("dossier:historique")).content.decode()
    assert "Motif écrit par le professionnel" in historique
    mes_choix = client.get(reverse("consentement:mes_choix")).content.decode()
    assert mes_choix.count("accusé ") >= 3  # one receipt per decision

    nadia = _user("parent")
    connecter(client, nadia)
    yanis = Profil.objects.get(prenoms="Yanis")
    session = client.session
    session[SESSION_PROFIL_ACTIF] = str(yanis.public_id)
    session.save()
    page = client.get(reverse("dossier:accueil")).content.decode()
    assert "Certificat de non contre-indication au sport" in page
    assert "confidentielle" not in page  # the minor's confidential act stays his

    connecter(client, _user("medecin"))
    pro = client.get(reverse("dossier:pro_dossier", args=[yanis.public_id])).content.decode()
    assert "Consultation demandée confidentielle par le patient" in pro


def test_the_mediator_can_help_the_batch_created_person(demo):
    lucas = Profil.objects.get(prenoms="Lucas Henri")
    assert lucas.statut == StatutProfil.CREE and lucas.email_contact
    code = re.search(r"code de son avis : ([A-Z0-9 -]+) \(", demo).group(1)
    mediateur = _user("mediateur").mediateur
    acc = accompagnement.accompagnement_commencer(
        mediateur=mediateur, nir=lucas.nir, date_naissance=lucas.date_naissance, source="10.0.0.1"
    )
    assert accompagnement.presence_prouver(accompagnement=acc, saisie=code, source="10.0.0.1")
