"""Attacks on the identification lock-out (issue 9, item 8).

A NIR is not secret: strangers failing on it from several addresses must not keep the
person out of their own rights (opposition, activation, a new code, a mediator's
presence proof). One address guessing is still locked, and the per-address cap holds.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consentement.models import Accompagnement, EnvoiAvis
from consentement.services import cycle, identification
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil, Tentative
from espace_sante.journal.models import Entree
from tests.actions import Action
from tests.comptes.factories import ProfilFactory
from tests.conftest import connecter, courriels
from tests.horloge import figer

pytestmark = pytest.mark.django_db

OPPOSITION = "consentement:opposition"
ACTIVATION = "consentement:activation"
NOUVEAU_CODE = "consentement:nouveau_code"
ETRANGERS = [f"203.0.113.{n}" for n in range(1, 7)]
PERSONNE = "198.51.100.7"


def identite(profil, *, code=None, naissance=None, avec_code=True):
    donnees = {
        "nir": profil.nir,
        "date_naissance": naissance or profil.date_naissance.isoformat(),
    }
    if avec_code:
        donnees["code"] = cycle.formater_code(code or profil.code_clair)
    return donnees


def poster(client, nom, donnees, ip):
    return client.post(reverse(nom), donnees, REMOTE_ADDR=ip)


def texte(reponse) -> str:
    return reponse.text.replace("&#x27;", "'")


def attaquer(client, profil, adresses, nom=OPPOSITION):
    """One wrong birth date (and a made-up code) per address."""
    for n, ip in enumerate(adresses):
        donnees = identite(profil, code="ABCD-EFGH-JKLM", naissance=f"1970-01-{n + 1:02d}")
        assert poster(client, nom, donnees, ip).status_code == 200


def vieillir_les_echecs(secondes: int) -> None:
    """Move every counted failure back in time (as if the person came a bit later)."""
    Tentative.objects.update(horodatage=timezone.now() - timedelta(seconds=secondes))


def test_strangers_at_six_addresses_do_not_stop_the_person_opposing(client, annonce):
    attaquer(client, annonce, ETRANGERS)
    reponse = poster(client, OPPOSITION, identite(annonce), PERSONNE)
    assert reponse.status_code == 302
    assert reponse.url == reverse("consentement:opposition_confirmer")
    client.post(reverse("consentement:opposition_confirmer"), {"confirme": "on"})
    assert Profil.objects.get(pk=annonce.pk).statut == StatutProfil.OPPOSE


def test_strangers_at_six_addresses_do_not_stop_the_person_activating(client, annonce):
    attaquer(client, annonce, ETRANGERS, nom=ACTIVATION)
    reponse = poster(client, ACTIVATION, identite(annonce), PERSONNE)
    assert reponse.status_code == 302
    assert reponse.url == reverse("consentement:activation_compte")


def test_strangers_only_slow_a_new_code_request_down_never_lock_it(client, annonce, time_machine):
    figer(time_machine)  # the 4 s wait cannot run out while a loaded machine posts
    attaquer(client, annonce, ETRANGERS)
    sans_code = identite(annonce, avec_code=False)
    page = poster(client, NOUVEAU_CODE, sans_code, PERSONNE)
    assert "patientez" in texte(page) and "Trop d'essais" not in texte(page)
    assert not EnvoiAvis.objects.exists()
    # A few seconds later (the wait is 4 s after 6 failures), the code is sent.
    vieillir_les_echecs(5)
    page = poster(client, NOUVEAU_CODE, sans_code, PERSONNE)
    assert "un nouveau code vient d'être envoyé" in texte(page)
    assert EnvoiAvis.objects.get().motif == "renouvellement"


def test_the_wait_grows_with_the_failures_but_stays_under_the_cap(
    client, annonce, settings, time_machine
):
    figer(time_machine)  # each wait is read as asked, not shortened by a slow request
    settings.LOCKOUT_IP_MAX_FAILURES = 1000
    adresses = (f"192.0.2.{n}" for n in range(1, 200))
    attentes = []
    for _ in range(12):
        vieillir_les_echecs(120)  # each stranger waited out the previous delay
        attaquer(client, annonce, [next(adresses)])
        page = poster(client, NOUVEAU_CODE, identite(annonce, avec_code=False), next(adresses))
        if "patientez" in texte(page):
            attentes.append(int(texte(page).split("patientez ")[1].split(" ")[0]))
    assert attentes, "aucune attente demandée"
    assert attentes == sorted(attentes) and attentes[0] <= 2
    assert attentes[-1] == settings.LOCKOUT_MAX_DELAY_SECONDS


def test_one_address_guessing_is_locked_even_on_the_right_birth_date(client, annonce):
    attaquer(client, annonce, [ETRANGERS[0]] * 5)
    for donnees, nom in [
        (identite(annonce, code="ABCD-EFGH-JKLM", naissance="1970-02-02"), OPPOSITION),
        (identite(annonce, code="ABCD-EFGH-JKLM"), ACTIVATION),  # right date, wrong code
        (identite(annonce, avec_code=False), NOUVEAU_CODE),  # right date, no code
    ]:
        page = poster(client, nom, donnees, ETRANGERS[0])
        assert identification.MESSAGE_BLOQUE in texte(page), nom
    assert not EnvoiAvis.objects.exists()
    # Refused attempts are not compared, hence not journaled: 5 failures, no more.
    assert Entree.objects.filter(profil=annonce, action=Action.ACTIVATION_ECHEC).count() == 5
    # Another address, right data: through.
    assert poster(client, OPPOSITION, identite(annonce), PERSONNE).status_code == 302


def test_the_per_address_cap_locks_that_address_for_every_nir(client, annonce, settings):
    settings.LOCKOUT_IP_MAX_FAILURES = 3
    for _ in range(3):
        autre = ProfilFactory(date_limite_opposition=annonce.date_limite_opposition)
        attaquer(client, autre, [ETRANGERS[0]])
    faux = identite(annonce, code="ABCD-EFGH-JKLM")
    assert identification.MESSAGE_BLOQUE in texte(poster(client, OPPOSITION, faux, ETRANGERS[0]))
    nouveau = identite(annonce, avec_code=False)
    assert identification.MESSAGE_BLOQUE in texte(
        poster(client, NOUVEAU_CODE, nouveau, ETRANGERS[0])
    )
    # Other addresses are not affected.
    assert identification.MESSAGE_INCONNU in texte(poster(client, OPPOSITION, faux, ETRANGERS[1]))
    # A person holding their notice behind that address (a desk, a family box) still passes.
    assert poster(client, OPPOSITION, identite(annonce), ETRANGERS[0]).status_code == 302


@pytest.fixture
def accompagnement(client, mediateur, annonce):
    connecter(client, mediateur)
    client.post(
        reverse("consentement:france_services"),
        {"nir": annonce.nir, "date_naissance": annonce.date_naissance.isoformat()},
    )
    return Accompagnement.objects.get()


def test_strangers_do_not_lock_the_mediators_presence_proof(client, annonce, accompagnement):
    attaquer(client, annonce, ETRANGERS)
    url = reverse("consentement:accompagnement_presence", args=[accompagnement.public_id])
    client.post(url, {"envoyer": "1"}, REMOTE_ADDR=PERSONNE)
    code = courriels()[-1].body.split("accompagne : ")[1][:6]
    vieillir_les_echecs(5)  # the wait on the NIR is a few seconds, never 15 minutes
    reponse = client.post(url, {"code": code}, REMOTE_ADDR=PERSONNE)
    assert reponse.status_code == 302 and reponse.url == reverse("consentement:accompagnement")


def test_the_notice_code_proves_presence_at_once_despite_strangers(client, annonce, accompagnement):
    attaquer(client, annonce, ETRANGERS)
    url = reverse("consentement:accompagnement_presence", args=[accompagnement.public_id])
    reponse = client.post(url, {"code": annonce.code_clair}, REMOTE_ADDR=PERSONNE)
    assert reponse.status_code == 302
    accompagnement.refresh_from_db()
    assert accompagnement.preuve == "code de l'avis"
