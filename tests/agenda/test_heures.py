"""Paris wall-clock times across both daylight-saving changes, from the form to the stored UTC
instant and back to what the person reads."""

from datetime import UTC, date, datetime, time

import pytest

from agenda import heures
from agenda.forms import RendezVousForm

PRINTEMPS = date(2026, 3, 29)  # 02:00 → 03:00
AUTOMNE = date(2026, 10, 25)  # 03:00 → 02:00


def test_an_ordinary_winter_and_summer_time_are_stored_in_utc():
    assert heures.vers_utc(date(2026, 1, 15), time(9, 30)) == datetime(
        2026, 1, 15, 8, 30, tzinfo=UTC
    )
    assert heures.vers_utc(date(2026, 7, 15), time(9, 30)) == datetime(
        2026, 7, 15, 7, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("minute", [0, 30, 59])
def test_a_time_that_does_not_exist_on_the_spring_forward_day_is_refused_with_a_french_message(
    minute,
):
    with pytest.raises(heures.HeureInexistante) as erreur:
        heures.vers_utc(PRINTEMPS, time(2, minute))
    message = str(erreur.value)
    assert "n'existe pas le dimanche 29 mars 2026" in message
    assert "heure d'été" in message and "3 h" in message


def test_times_around_the_spring_gap_exist_and_are_one_hour_apart_in_utc():
    avant = heures.vers_utc(PRINTEMPS, time(1, 59))
    apres = heures.vers_utc(PRINTEMPS, time(3, 0))
    assert avant == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert apres == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_the_autumn_repeated_hour_must_be_chosen_and_each_choice_is_its_own_instant():
    with pytest.raises(heures.HeureAmbigue) as erreur:
        heures.vers_utc(AUTOMNE, time(2, 30))
    assert "a lieu deux fois le dimanche 25 octobre 2026" in str(erreur.value)
    ete = heures.vers_utc(AUTOMNE, time(2, 30), occurrence=heures.ETE)
    hiver = heures.vers_utc(AUTOMNE, time(2, 30), occurrence=heures.HIVER)
    assert ete == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert hiver == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    # Both read back as 2 h 30, Paris time.
    assert heures.heure_fr(ete) == heures.heure_fr(hiver) == "2 h 30"


def test_hours_next_to_the_autumn_repetition_need_no_choice():
    assert heures.vers_utc(AUTOMNE, time(1, 59)) == datetime(2026, 10, 24, 23, 59, tzinfo=UTC)
    assert heures.vers_utc(AUTOMNE, time(3, 0)) == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


def _form(jour, debut, fin, **extra):
    donnees = {
        "titre": "Vaccin",
        "jour": jour.isoformat(),
        "heure_debut": debut,
        "heure_fin": fin,
        **extra,
    }
    return RendezVousForm(donnees)


def test_the_form_refuses_02_30_on_the_spring_forward_day_on_the_time_field():
    form = _form(PRINTEMPS, "02:30", "03:30")
    assert not form.is_valid()
    assert "2 h 30 n'existe pas le dimanche 29 mars 2026" in form.errors["heure_debut"][0]


def test_the_form_asks_which_autumn_02_30_then_stores_the_chosen_one():
    form = _form(AUTOMNE, "02:30", "04:00")
    assert not form.is_valid()
    assert "précisez laquelle" in form.non_field_errors()[0]
    assert "occurrence" in form.fields  # the question is now on the page

    seconde = _form(AUTOMNE, "02:30", "04:00", occurrence=heures.HIVER)
    assert seconde.is_valid(), seconde.errors
    assert seconde.cleaned_data["debut"] == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    # From the second 02:30 to 04:00 is 1 h 30 of real time; from the first, 2 h 30.
    assert (seconde.cleaned_data["fin"] - seconde.cleaned_data["debut"]).seconds == 90 * 60
    premiere = _form(AUTOMNE, "02:30", "04:00", occurrence=heures.ETE)
    assert premiere.is_valid()
    assert (premiere.cleaned_data["fin"] - premiere.cleaned_data["debut"]).seconds == 150 * 60


def test_a_month_boundary_is_the_paris_midnight():
    debut, fin = heures.bornes_du_mois(2026, 3)
    assert debut == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # winter: UTC+1
    assert fin == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # summer: UTC+2
