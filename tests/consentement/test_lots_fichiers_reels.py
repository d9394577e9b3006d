"""Batch files as a real fund sends them: stray quotes, header only, wide headers,
a chunk that keeps failing, and ``lot_import --sur-place`` doing the whole job (issue 11)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from consentement.enums import StatutLot
from consentement.models import Lot, LotMorceau
from consentement.services import lots
from consentement.services.lots import exemple
from espace_sante.comptes.models import Profil
from tests.conftest import connecter

pytestmark = pytest.mark.django_db
rnd = __import__("random").Random(11)


def _csv(lignes) -> bytes:
    return exemple.fichier(lignes)


def _adresse(lignes, numero: int, valeur: str) -> bytes:
    """The file with row ``numero`` (0-based) given this raw address text, unquoted."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, lineterminator="\n")
    ecrivain.writerow(lots.COLONNES)
    for i, ligne in enumerate(lignes):
        texte = io.StringIO()
        csv.writer(texte, lineterminator="").writerow(ligne)
        if i == numero:
            champs = texte.getvalue().split(",")
            champs[lots.COLONNES.index("adresse")] = valeur
            sortie.write(",".join(champs) + "\n")
        else:
            sortie.write(texte.getvalue() + "\n")
    return sortie.getvalue().encode()


def test_a_stray_opening_quote_is_refused_at_upload_with_its_line(client, admin_user, tmp_path):
    lignes = list(exemple.lignes(300))
    # An address opened with a quote that is never closed: the parser would swallow the
    # rest of the file into one field (over 131,072 characters).
    contenu = _adresse(lignes, 9, '"12 rue des Lilas') + b"x" * 140_000 + b"\n"
    with pytest.raises(lots.FichierRefuse, match="Ligne 11 "):
        lots.lot_creer(nom_fichier="caisse.csv", contenu=contenu)
    fichier = tmp_path / "caisse.csv"
    fichier.write_bytes(contenu)
    with pytest.raises(CommandError, match="Ligne 11 "):
        call_command("lot_import", str(fichier))
    connecter(client, admin_user)
    page = client.post(
        reverse("admin:consentement_lot_add"),
        {"televersement": SimpleUploadedFile("caisse.csv", contenu), "date_avis": "2026-11-23"},
    )
    assert page.status_code == 200 and "Ligne 11 " in page.text and "guillemet" in page.text
    assert not Lot.objects.exists()


def test_a_quote_left_open_over_many_lines_is_refused_too():
    lignes = list(exemple.lignes(50))
    contenu = _adresse(lignes, 4, '"Bâtiment B')
    with pytest.raises(lots.FichierRefuse, match="Ligne 6 "):
        lots.lot_creer(nom_fichier="caisse.csv", contenu=contenu)


def test_a_header_only_file_is_refused():
    entete = ",".join(lots.COLONNES).encode() + b"\n"
    for contenu in (entete, entete + b"\n\n"):
        with pytest.raises(lots.FichierRefuse, match="aucune ligne"):
            lots.lot_creer(nom_fichier="vide.csv", contenu=contenu)
    assert not Lot.objects.exists()


def test_the_missing_columns_message_stays_short_for_a_huge_header():
    entete = ",".join(f"colonne_{i}_" + "z" * 60 for i in range(30_000)).encode()
    with pytest.raises(lots.FichierRefuse) as refus:
        lots.lot_creer(nom_fichier="large.csv", contenu=entete + b"\n1,2\n")
    message = str(refus.value)
    assert "Colonnes manquantes" in message and "autres" in message
    assert len(message) < 2_000


@override_settings(LOT_TAILLE_MORCEAU=10)
def test_a_quote_inside_a_field_keeps_chunks_bounded():
    lignes = list(exemple.lignes(60))
    contenu = _adresse(lignes, 4, '12 rue du "Port')  # a literal quote inside a field
    lot = lots.lot_creer(nom_fichier="caisse.csv", contenu=contenu)
    morceaux = lots.lot_decouper(lot.pk)
    assert len(morceaux) == 6
    assert max(LotMorceau.objects.values_list("nb_lignes", flat=True)) == 10
    for morceau_id in morceaux:
        assert lots.morceau_traiter(morceau_id)
    assert lots.lot_finaliser(lot.pk)
    lot.refresh_from_db()
    assert lot.crees + lot.rejetes == 60
    assert Profil.objects.get(lot_ligne=6).adresse == '12 rue du "Port'


@override_settings(LOT_TAILLE_MORCEAU=10)
def test_a_chunk_that_keeps_failing_ends_the_batch_with_a_readable_report(client, admin_user):
    lot = lots.lot_creer(nom_fichier="caisse.csv", contenu=_csv(exemple.lignes(30)))
    morceaux = lots.lot_decouper(lot.pk)
    abime = LotMorceau.objects.get(pk=morceaux[1])
    storages["sante"].replace_raw(abime.fichier, b"ES\x01\x05octets abimes")  # corrupted storage
    for _ in range(lots.ESSAIS_MAX + 1):  # what the workers and the sweep would do
        for morceau_id in morceaux:
            lots.morceau_traiter(morceau_id)
    assert lots.lot_finaliser(lot.pk)
    lot.refresh_from_db()
    assert lot.statut == StatutLot.ECHEC
    assert lot.crees == 20 and "n'ont pas pu être traités" in lot.erreur
    connecter(client, admin_user)
    rapport = client.get(reverse("admin:consentement_lot_rejets", args=[lot.pk]))
    texte = b"".join(rapport.streaming_content).decode()
    assert f"Lignes {abime.ligne_debut} à {abime.ligne_debut + 9} non traitées" in texte
    page = client.get(reverse("admin:consentement_lot_change", args=[lot.pk]))
    assert page.status_code == 200 and "n&#x27;ont pas pu être traités" in page.text


def test_lot_import_sur_place_sends_the_notices_and_makes_the_letters(tmp_path, capsys):
    lignes = list(exemple.lignes(20))
    fichier = tmp_path / "caisse.csv"
    fichier.write_bytes(_csv(lignes))
    mail.outbox.clear()
    call_command("lot_import", str(fichier), "--sur-place")
    lot = Lot.objects.get()
    sortie = capsys.readouterr().out
    assert lot.statut == StatutLot.TERMINE and lot.crees == 20
    avec_email = sum(1 for ligne in lignes if ligne[lots.COLONNES.index("email")])
    assert len(mail.outbox) == avec_email > 0
    assert lot.lettres and lot.lettres_nombre == 20 - avec_email > 0
    assert f"{avec_email} courriel(s) d'avis envoyé(s)" in sortie
