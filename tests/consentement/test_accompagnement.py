"""France services: open with a proof of presence, act for 30 minutes, never see medical pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consentement.models import Accompagnement, Decision
from consentement.services import cycle
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil
from espace_sante.journal.models import Entree
from tests.actions import Action
from tests.comptes.factories import ProfilFactory
from tests.conftest import connecter, courriels
from tests.test_matrice import MATRICE, _espace_patient

pytestmark = pytest.mark.django_db

MEDICALES = [
    (nom, kwargs) for nom, (kwargs, attendus) in MATRICE.items() if attendus == _espace_patient()
]


@pytest.fixture
def personne():
    return ProfilFactory(
        statut=StatutProfil.CREE, email_contact="lea@exemple.fr", prenoms="Léa Anne"
    )


def ouvrir(client, mediateur, personne):
    connecter(client, mediateur)
    reponse = client.post(
        reverse("consentement:france_services"),
        {"nir": personne.nir, "date_naissance": personne.date_naissance.isoformat()},
    )
    acc = Accompagnement.objects.get()
    assert reponse.url == reverse("consentement:accompagnement_presence", args=[acc.public_id])
    client.post(reponse.url, {"envoyer": "1"})
    code = courriels()[-1].body.split("accompagne : ")[1][:6]
    assert mail.outbox[-1].to == ["lea@exemple.fr"]
    reponse = client.post(
        reverse("consentement:accompagnement_presence", args=[acc.public_id]), {"code": code}
    )
    assert reponse.url == reverse("consentement:accompagnement")
    return acc


def test_presence_code_opens_a_30_minute_accompagnement_with_a_banner(client, mediateur, personne):
    acc = ouvrir(client, mediateur, personne)
    page = client.get(reverse("consentement:accompagnement"))
    assert "Vous agissez pour Léa" in page.text
    assert "Vous agissez pour Léa" in client.get(reverse("comptes:securite")).text  # every page
    acc.refresh_from_db()
    assert (
        acc.expire_le - acc.ouvert_le == timedelta(minutes=30)
        and acc.preuve == "code envoyé par courriel"
    )
    entree = Entree.objects.get(action=Action.ACCOMPAGNEMENT_OUVERT)
    assert (entree.profil, entree.pour_le_compte_de, entree.acteur) == (
        personne,
        personne,
        mediateur,
    )
    Accompagnement.objects.filter(pk=acc.pk).update(expire_le=timezone.now())
    assert client.get(reverse("consentement:accompagnement")).url == reverse(
        "consentement:france_services"
    )


def test_wrong_presence_code_is_refused(client, mediateur, personne):
    connecter(client, mediateur)
    client.post(
        reverse("consentement:france_services"),
        {"nir": personne.nir, "date_naissance": "1985-05-14"},
    )
    acc = Accompagnement.objects.get()
    page = client.post(
        reverse("consentement:accompagnement_presence", args=[acc.public_id]), {"code": "123456"}
    )
    assert "Code incorrect ou expiré" in page.text
    assert client.get(reverse("consentement:accompagnement")).status_code == 302


def test_the_notice_code_also_proves_presence(client, mediateur, personne):
    code = cycle.code_renouveler(profil=personne)
    connecter(client, mediateur)
    client.post(
        reverse("consentement:france_services"),
        {"nir": personne.nir, "date_naissance": "1985-05-14"},
    )
    acc = Accompagnement.objects.get()
    client.post(
        reverse("consentement:accompagnement_presence", args=[acc.public_id]), {"code": code}
    )
    acc.refresh_from_db()
    assert acc.statut == "ouvert" and acc.preuve == "code de l'avis"


def test_acts_are_journaled_for_the_person_and_no_medical_page_opens(client, mediateur, personne):
    ouvrir(client, mediateur, personne)
    for nom, kwargs in MEDICALES:
        assert client.get(reverse(nom, kwargs=kwargs)).status_code == 404, nom
    reponse = client.post(
        reverse("consentement:accompagnement_coordonnees"),
        {
            "email_contact": "lea.neuve@exemple.fr",
            "telephone": "06 11 22 33 44",
            "notifier_par_email": "on",
        },
    )
    assert reponse.status_code == 302
    assert Profil.objects.get(pk=personne.pk).email_contact == "lea.neuve@exemple.fr"
    pdf = client.post(reverse("consentement:accompagnement_avis"))
    assert pdf["Content-Type"] == "application/pdf"
    client.post(
        reverse("consentement:accompagnement_cloture"), {"mode": "archive", "confirme": "on"}
    )
    decision = Decision.objects.get()
    assert (decision.canal, decision.role, decision.acteur) == (
        "france_services",
        "mediateur",
        mediateur,
    )
    assert decision.accompagnement.profil == personne
    actions = set(
        Entree.objects.filter(
            profil=personne, acteur=mediateur, pour_le_compte_de=personne
        ).values_list("action", flat=True)
    )
    assert {
        Action.ACCOMPAGNEMENT_OUVERT,
        Action.COORDONNEES_MODIFIEES,
        Action.AVIS_EMIS,
        Action.DECISION,
    } <= actions
    client.post(reverse("consentement:accompagnement_fermer"))
    assert "Vous agissez pour" not in client.get(reverse("consentement:france_services")).text


def test_the_person_sees_the_accompagnement_in_mes_choix(
    client, mediateur, personne, django_user_model
):
    ouvrir(client, mediateur, personne)
    client.post(reverse("consentement:accompagnement_fermer"))
    titulaire = django_user_model.objects.create_user(email="lea@exemple.fr", password="x")
    Profil.objects.filter(pk=personne.pk).update(titulaire=titulaire, statut=StatutProfil.ACTIVE)
    client.logout()
    connecter(client, titulaire)
    page = client.get(reverse("consentement:mes_choix"))
    assert "Accompagnements France services" in page.text and mediateur.nom_complet in page.text
