import pytest
from django.core.exceptions import ValidationError

from espace_sante.lib import nir


@pytest.mark.parametrize(
    "valeur",
    [
        "2 69 05 49 588 157 80",  # spaces, classic example
        "185057800604830",
        "1 88 11 2A 004 015 " + nir.cle("188112A004015"),  # Corse-du-Sud
        "2 90 07 2B 033 010 " + nir.cle("290072B033010"),  # Haute-Corse
        "7" + "850575056048" + nir.cle("7850575056048"),  # provisional
        "8" + "850575056048" + nir.cle("8850575056048"),  # provisional
        "1" + "852099123456" + nir.cle("1852099123456"),  # month 20 (unknown month)
        "1" + "854299123456" + nir.cle("1854299123456"),  # month 42
        "2" + "856299123456" + nir.cle("2856299123456"),  # month 62 (50 and above)
    ],
)
def test_valid_nirs_are_accepted_and_normalised(valeur):
    resultat = nir.valider(valeur)
    assert len(resultat) == 15 and " " not in resultat


@pytest.mark.parametrize(
    ("valeur", "code", "extrait"),
    [
        ("2 69 05 49 588 157 81", "cle", "La clé du NIR"),
        ("2690549588157", "longueur", "15 caractères"),
        ("3" + "850575056048" + nir.cle("3850575056048"), "sexe", "1 ou 2"),
        ("1" + "851375056048" + nir.cle("1851375056048"), "mois", "« 13 »"),
        ("1" + "854375056048" + nir.cle("1854375056048"), "mois", "« 43 »"),
        ("1" + "850075056048" + nir.cle("1850075056048"), "mois", "« 00 »"),
        ("1 88 11 2C 004 015 00", "format", "2A ou 2B"),
        ("1 88 11 AB 004 015 00", "format", "2A ou 2B"),
        ("", "vide", "Saisissez"),
    ],
)
def test_invalid_nirs_say_what_is_wrong_in_french(valeur, code, extrait):
    with pytest.raises(ValidationError) as exc:
        nir.valider(valeur)
    assert exc.value.code == code
    assert extrait in exc.value.messages[0]


def test_corsica_key_differs_from_numeric_department():
    # 2A counts as 19 and 2B as 18 in the key: the same digits elsewhere give another key.
    assert nir.valider("188112A004015" + nir.cle("188112A004015"))
    with pytest.raises(ValidationError):
        nir.valider("188112B004015" + nir.cle("188112A004015"))


def test_lowercase_corsica_is_accepted():
    valeur = "188112a004015" + nir.cle("188112A004015")
    assert nir.valider(valeur).startswith("188112A")


def test_hash_is_stable_across_formatting(db):
    assert nir.hacher("2 69 05 49 588 157 80") == nir.hacher("269054958815780")
