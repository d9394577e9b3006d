"""Nothing lost, nothing by mistake (issue 21, points 7 and 8): measures read as people
type them, clear messages, a confirmation before a deletion, entries that can be edited."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from dossier.models import Mesure
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def _mesurer(client, profil, type_mesure, valeur, **suite):
    return client.post(
        reverse("dossier:mesure_ajouter", args=[profil.public_id]),
        {"type_mesure": type_mesure, "valeur": valeur, "date": "2026-11-02"},
        **suite,
    )


def test_a_blood_pressure_typed_in_cmhg_is_read_as_mmhg_and_the_person_is_told(client, patient):
    connecter(client, patient)
    reponse = _mesurer(client, patient.profil, "tension", "12/8", follow=True)
    assert Mesure.objects.get().valeur == "120/80"
    assert "« 12/8 » a été lu comme 120/80 mmHg" in _texte(reponse)
    _mesurer(client, patient.profil, "tension", "13,5/8,5")
    assert sorted(m.valeur for m in Mesure.objects.all()) == ["120/80", "135/85"]


def test_the_measure_hint_gives_the_cmhg_example(client, patient):
    connecter(client, patient)
    page = _texte(client.get(reverse("dossier:mesure_ajouter", args=[patient.profil.public_id])))
    assert "« 12/8 » est lu 120/80" in page


@pytest.mark.parametrize(
    ("type_mesure", "valeur", "message"),
    [
        ("tension", "350/80", "comprise entre 30 et 300 mmHg."),
        ("poids", "0,1", "comprise entre 0,3 et 400 kg."),
        ("glycemie", "12", "comprise entre 0,1 et 10 g/L."),
    ],
)
def test_an_out_of_range_message_ends_with_a_full_stop_and_decimal_commas(
    client, patient, type_mesure, valeur, message
):
    connecter(client, patient)
    reponse = _mesurer(client, patient.profil, type_mesure, valeur)
    assert reponse.status_code == 400
    assert message in _texte(reponse)
    assert not Mesure.objects.exists()
