"""Dates no honest sender would send (issue 18, item 3): a measure dated in year 1 at +14:00
(stored as a BC timestamp, it broke the person's record for good), a search up to
9999-12-31, an appointment on 0001-01-01 at 00:01 and its reminder the day before, a birth
date in year 1. One rule (``lib.requetes.date_bornee``), every channel: a French message
on a page, an OperationOutcome on the API, a rejected row in a batch — never a 500, and
never a row the record cannot read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agenda.models import Rappel, RendezVous
from consentement.services.lots.lignes import Rejet, valider_date
from dossier.models import Mesure
from tests.catalogue.factories import fhir, lancer, service_et_client
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

SCOPE = "launch/patient patient/Observation.rs patient/Observation.c patient/Patient.rs"
COCHER = ["patient/Observation.rs", "patient/Observation.c", "patient/Patient.rs"]
PLUS_TOT = datetime(1899, 12, 31, 10, tzinfo=UTC)
HYPOTHESE = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Years, offsets and seconds at the edges: year 1 and 9999 with ±14 h, a leap second.
ANNEES = st.sampled_from([1, 2, 999, 1899, 1900, 2038, 2100, 9998, 9999]) | st.integers(1, 9999)
DECALAGES = st.sampled_from(["Z", "+14:00", "-14:00", "+00:00", "-12:00", "+05:45", ""])
INSTANTS = st.builds(
    lambda a, m, j, s, o: f"{a:04d}-{m:02d}-{j:02d}T00:01:{s}{o}",
    ANNEES,
    st.integers(1, 12),
    st.sampled_from([1, 28, 29, 31]),
    st.sampled_from(["00", "59", "60"]),
    DECALAGES,
)
AUTRES = (
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "0000-01-01",
            "2024",
            "2024-02",
            "2024-02-29",
            "10000-01-01T00:00:00Z",
            "",
            "2016-12-31T23:59:60Z",
            "1900-01-01T00:00:00+14:00",
        ]
    )
    | st.integers(-(10**30), 10**30)
    | st.none()
    | st.text(max_size=30)
    | st.lists(st.integers())
)


@pytest.fixture
def jeton(client, patient, settings):
    settings.API_REQUETES_PAR_MINUTE = 10_000  # this file measures bounds, not the rate
    _, application = service_et_client(nom="Balance connectée", slug="balance")
    connecter(client, patient)
    jeton = lancer(client, application, scope=SCOPE, cocher=COCHER)["access_token"]
    return jeton


def _mesure(quand) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "effectiveDateTime": quand,
        "valueQuantity": {
            "value": 70,
            "unit": "kg",
            "system": "http://unitsofmeasure.org",
            "code": "kg",
        },
    }


def _poster(client, jeton, corps):
    return client.post(
        "/fhir/Observation",
        json.dumps(corps),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {jeton}",
    )


def _refus_fhir(reponse, statuts=(400, 422)) -> str:
    assert reponse.status_code in statuts, reponse.content[:300]
    corps = reponse.json()
    assert corps["resourceType"] == "OperationOutcome"
    return corps["issue"][0]["diagnostics"]


def _le_dossier_se_lit(client, patient, jeton) -> None:
    assert fhir(client, jeton, "/fhir/Observation").status_code == 200
    everything = fhir(client, jeton, f"/fhir/Patient/{patient.profil.public_id}/$everything")
    assert everything.status_code == 200
    connecter(client, patient)
    assert client.get(reverse("dossier:historique")).status_code == 200
    assert client.get(reverse("dossier:historique"), {"verifier": "1"}).status_code == 200
    assert client.get("/dossier/profil-medical/mesures/poids/", {"page": 2}).status_code in (
        200,
        404,
    )


def test_a_measure_dated_in_year_1_is_refused_and_the_record_stays_readable(client, patient, jeton):
    reponse = _poster(client, jeton, _mesure("0001-01-01T00:00:00+14:00"))
    assert "Date improbable" in _refus_fhir(reponse, (422,))
    assert not Mesure.objects.filter(profil=patient.profil).exists()
    _le_dossier_se_lit(client, patient, jeton)


@pytest.mark.parametrize(
    "valeur",
    [
        "9999-12-31",
        "ge9999-12-31",
        "lt0001-01-01",
        "0001",
        "le9999-12-31T23:59:59+14:00",
        "eq0001-01-01T00:00:00-14:00",
    ],
)
def test_a_search_date_out_of_range_is_a_400_outcome(client, jeton, valeur):
    reponse = fhir(client, jeton, "/fhir/Observation", data={"date": valeur})
    assert "Paramètre date" in _refus_fhir(reponse, (400,))


@given(quand=INSTANTS | AUTRES)
@HYPOTHESE
def test_no_effective_date_answers_500_nor_stores_an_unreadable_measure(
    client, patient, jeton, quand
):
    reponse = _poster(client, jeton, _mesure(quand))
    if reponse.status_code != 201:
        _refus_fhir(reponse)
    for mesure in Mesure.objects.filter(profil=patient.profil):
        # 1900-01-01 at +14:00 is the earliest instant: 1899-12-31 10:00 in UTC, still AD.
        assert PLUS_TOT <= mesure.date <= timezone.now() + timedelta(days=1)
    assert fhir(client, jeton, "/fhir/Observation").status_code == 200


@given(
    valeur=st.builds(
        lambda p, d: p + d,
        st.sampled_from(["", "eq", "ge", "gt", "le", "lt"]),
        INSTANTS | AUTRES.filter(lambda v: isinstance(v, str)),
    )
)
@HYPOTHESE
def test_no_search_date_answers_500(client, jeton, valeur):
    reponse = fhir(client, jeton, "/fhir/Observation", data={"date": valeur})
    if reponse.status_code != 200:
        _refus_fhir(reponse, (400,))


def _rendez_vous(jour: str, heure: str = "00:01") -> dict:
    return {
        "titre": "Consultation",
        "jour": jour,
        "heure_debut": heure,
        "heure_fin": "23:59",
        "delais": ["1440", "120"],
    }


def test_an_appointment_on_year_1_and_its_reminder_the_day_before_get_a_french_message(
    client, patient
):
    connecter(client, patient)
    reponse = client.post(reverse("agenda:ajouter"), _rendez_vous("0001-01-01"))
    assert reponse.status_code == 400  # the form again, with what is wrong
    assert "Date improbable : indiquez une date entre le 01/01/1900" in reponse.text
    assert not RendezVous.objects.exists() and not Rappel.objects.exists()
    assert client.get(reverse("agenda:mois_de", args=[1, 1])).status_code == 404
    assert client.get(reverse("agenda:mois_de", args=[9999, 12])).status_code == 404


@given(
    jour=st.builds(
        lambda a, m, j: f"{a:04d}-{m:02d}-{j:02d}", ANNEES, st.integers(1, 12), st.integers(1, 31)
    )
    | st.text(max_size=12),
    heure=st.sampled_from(["00:00", "00:01", "23:59", "24:00", "02:30", "x"]),
)
@HYPOTHESE
def test_no_appointment_date_answers_500(client, patient, jour, heure):
    connecter(client, patient)
    reponse = client.post(reverse("agenda:ajouter"), _rendez_vous(jour, heure))
    assert reponse.status_code in (302, 400), reponse.status_code
    for rdv in RendezVous.objects.all():
        assert 1900 <= rdv.debut.year <= timezone.now().year + 11


@pytest.mark.parametrize("jour", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_a_measure_typed_in_year_1_or_9999_gets_a_french_message(client, patient, jour):
    connecter(client, patient)
    reponse = client.post(
        reverse("dossier:mesure_ajouter", args=[patient.profil.public_id]),
        {"type_mesure": "poids", "valeur": "70", "date": jour},
    )
    assert reponse.status_code == 400
    assert "Date improbable" in reponse.text
    assert not Mesure.objects.exists()


@pytest.mark.parametrize("valeur", ["0001-01-01", "01/01/0001", "31/12/9999", "1899-12-31"])
def test_a_batch_row_born_in_year_1_is_rejected_with_its_reason(valeur):
    with pytest.raises(Rejet, match="Date improbable"):
        valider_date(valeur)


def test_a_nul_byte_under_the_fhir_base_is_an_operation_outcome(client, jeton):
    """The kernel's NUL-byte refusal answers in the channel's format under the FHIR base."""
    reponse = fhir(client, jeton, "/fhir/Observation", data={"date": "\x00"})
    _refus_fhir(reponse, (400,))
    assert client.get("/compte/connexion/", {"q": "\x00"}).status_code == 400  # a page: HTML
