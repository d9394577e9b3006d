"""A curious parent, and a patient who must not learn of a held result before its time.

Issue 9, items 2, 4 and 5: a minor's confidential request is not shown in *Mes choix*
nor by its receipt; the representative's history shows everything else; a result held
for an announcement stays out of the history (page and CSV) until the patient may know
of it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from consentement.enums import TypeDecision
from consentement.models import Decision
from dossier.models import Document
from tests.actions import Action
from tests.conftest import connecter
from tests.dossier.test_vues import ouvrir_acces, televerser, texte
from tests.lib.corpus import pdf

pytestmark = pytest.mark.django_db


def _agir_pour(client, parent, mineur):
    connecter(client, parent)
    client.post(reverse("consentement:changer_profil"), {"profil": str(mineur.public_id)})
    return client


def _confidentiel(client, professionnel, mineur) -> Decision:
    ouvrir_acces(professionnel, mineur)
    connecter(client, professionnel)
    reponse = televerser(client, mineur, pdf(), titre="Consultation", confidentiel="on")
    assert reponse.status_code == 302
    return Decision.objects.get(profil=mineur, type=TypeDecision.CONFIDENTIALITE)


def test_parent_does_not_see_the_minors_confidentiality_decision_nor_its_receipt(
    client, parent, mineur, professionnel
):
    decision = _confidentiel(client, professionnel, mineur)
    _agir_pour(client, parent, mineur)
    page = texte(client.get(reverse("consentement:mes_choix")))
    assert "Yanis" in page
    assert "Confidentialité" not in page and decision.reference not in page
    assert client.get(reverse("consentement:recu", args=[decision.public_id])).status_code == 404


def test_the_minor_once_titulaire_of_their_profile_sees_their_own_decision(
    client, mineur, professionnel
):
    """The rule hides the row from the representatives only, not from the person."""
    from tests.comptes.factories import ouvrir_compte_du_mineur

    decision = _confidentiel(client, professionnel, mineur)
    connecter(client, ouvrir_compte_du_mineur(mineur))
    page = texte(client.get(reverse("consentement:mes_choix")))
    assert decision.reference in page or "Confidentialité" in page
    assert client.get(reverse("consentement:recu", args=[decision.public_id])).status_code == 200


def test_parent_sees_who_opened_the_childs_record_in_the_history(
    client, parent, mineur, professionnel
):
    ouvrir_acces(professionnel, mineur)
    connecter(client, professionnel).get(reverse("dossier:pro_dossier", args=[mineur.public_id]))
    _agir_pour(client, parent, mineur)
    reponse = client.get(reverse("dossier:historique"))
    actions = {e.action for e in reponse.context["page"].object_list}
    assert Action.ACCES_OUVERT in actions and Action.DOSSIER_CONSULTE in actions
    csv = b"".join(client.get(reverse("dossier:historique_csv")).streaming_content).decode()
    assert professionnel.nom_complet in csv


def test_parent_history_keeps_everything_but_the_confidential_entries(
    client, parent, mineur, professionnel
):
    _confidentiel(client, professionnel, mineur)
    connecter(client, professionnel).get(reverse("dossier:pro_dossier", args=[mineur.public_id]))
    _agir_pour(client, parent, mineur)
    entrees = client.get(reverse("dossier:historique")).context["page"].object_list
    assert entrees, "the representative's history must not be empty"
    assert not [e for e in entrees if e.details.get("confidentiel")]
    assert {e.action for e in entrees} >= {Action.ACCES_OUVERT, Action.DOSSIER_CONSULTE}


def _historique(client) -> tuple[set, str]:
    """The actions listed on the history page, and the CSV export's text."""
    entrees = client.get(reverse("dossier:historique")).context["page"].object_list
    csv = b"".join(client.get(reverse("dossier:historique_csv")).streaming_content).decode()
    return {(e.action, e.objet_id) for e in entrees}, csv


def test_a_held_result_stays_out_of_the_history_until_the_patient_may_know_of_it(
    client, patient, professionnel
):
    profil = patient.profil
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel)
    televerser(client, profil, pdf(), categorie="biologie", annonce_requise="on")
    document = Document.objects.get()
    client.get(reverse("dossier:document", args=[document.public_id]))
    connecter(client, patient)
    lignes, csv = _historique(client)
    assert str(document.public_id) not in csv
    assert "biologie" not in csv and "annonce_requise" not in csv
    assert not {objet for _, objet in lignes} & {str(document.public_id)}
    assert lignes, "the access itself stays in the history"
    # The author releases it: now the patient sees it and its history.
    connecter(client, professionnel).post(
        reverse("dossier:document_liberer", args=[document.public_id])
    )
    connecter(client, patient)
    lignes, csv = _historique(client)
    assert (Action.DOCUMENT_AJOUTE, str(document.public_id)) in lignes
    assert str(document.public_id) in csv


def test_a_held_result_shows_in_the_history_after_a_month_on_its_own(
    client, patient, professionnel
):
    profil = patient.profil
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel)
    televerser(client, profil, pdf(), categorie="biologie", annonce_requise="on")
    Document.objects.update(ajoute_le=timezone.now() - timezone.timedelta(days=31))
    connecter(client, patient)
    lignes, _ = _historique(client)
    assert Action.DOCUMENT_AJOUTE in {action for action, _ in lignes}
