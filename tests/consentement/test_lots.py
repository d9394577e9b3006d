"""Account-creation batches: good rows become announced profiles, bad rows are reported."""

import csv
import io
import json
import re
from datetime import date

import pytest
from django.core import mail
from django.test import override_settings

from consentement import acces
from consentement.enums import StatutLot
from consentement.models import EnvoiAvis, Lot
from consentement.services import avis, balayages, cycle, lots
from consentement.services.lots import exemple
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil
from espace_sante.lib import nir as nir_lib
from espace_sante.notifications.models import Notification
from espace_sante.notifications.services import en_attente_envoyer
from tests.comptes.factories import ProfilFactory

pytestmark = pytest.mark.django_db
rnd = __import__("random").Random(7)


def adulte(i, **champs):
    ligne = exemple.personne(i, rnd, date(1980, 4, 2))
    return _avec(ligne, champs)


def mineur(i, reps=("", ""), **champs):
    return _avec(exemple.personne(i, rnd, date(2015, 6, 1), reps), champs)


def _avec(ligne, champs):
    for nom, valeur in champs.items():
        ligne[lots.COLONNES.index(nom)] = valeur
    return ligne


def importer(lignes, **kwargs) -> Lot:
    return importer_contenu(exemple.fichier(lignes, **kwargs))


def rejets(lot):
    return {(r.ligne, r.champ): r.motif for r in lot.rejets.filter(avertissement=False)}


def faux_nir(nir):
    return nir[:13] + f"{(int(nir[13:]) + 1) % 97:02d}"


@override_settings(LOT_TAILLE_MORCEAU=4)
def test_every_kind_of_bad_row_is_reported_and_good_rows_are_created():
    existant = ProfilFactory(statut=StatutProfil.CREE)
    oppose = ProfilFactory()
    nir_oppose = oppose.nir  # erased by the opposition; the person appears again in the file
    cycle.profil_opposer(profil=oppose, acteur=acces.acteur_anonyme(oppose))
    p1, p2 = adulte(1), adulte(2)
    tardif = adulte(30)  # the representative comes after the minor, in another chunk
    inconnu = adulte(99)  # never in the file
    lignes = [
        p1,  # 2
        p2,  # 3
        mineur(3, (p1[0], p2[0])),  # 4: both parents in the file
        adulte(4, nir=faux_nir(adulte(4)[0])),  # 5: bad key
        adulte(5, date_naissance="31/02/1980"),  # 6: impossible date
        list(p1),  # 7: duplicate
        adulte(6, nir=existant.nir, date_naissance="1985-05-14", sexe="F"),  # 8: exists
        adulte(7, nir=nir_oppose, date_naissance="1985-05-14", sexe="F"),  # 9: opposed
        mineur(8, (inconnu[0], "")),  # 10: minor, unknown representative
        mineur(9),  # 11: minor, no representative at all
        adulte(10, email="", adresse=""),  # 12: no way to send the notice
        adulte(11, sexe="X"),  # 13
        adulte(12, date_naissance="1979-04-02"),  # 14: does not match the NIR
        adulte(13)[:5],  # 15: incomplete line
        adulte(14, email="pas-une-adresse"),  # 16
        adulte(15, code_postal="750"),  # 17
        mineur(16, (tardif[0], inconnu[0])),  # 18: one known (later), one unknown
        adulte(17, nir_representant_1=p1[0]),  # 19: adult with a representative: ignored
        tardif,  # 20
    ]
    lot = importer(lignes)
    assert lot.statut == StatutLot.TERMINE
    assert (lot.crees, lot.rejetes) == (6, 13)
    r = rejets(lot)
    assert "clé du NIR" in r[(5, "nir")]
    assert r[(6, "date_naissance")] == "Date de naissance impossible : « 31/02/1980 »."
    assert r[(7, "nir")] == "Doublon dans le fichier : même NIR qu'à la ligne 2."
    assert r[(8, "nir")] == "Un profil existe déjà pour ce NIR."
    assert "s'est opposée" in r[(9, "nir")]
    assert "Mineur sans représentant légal connu" in r[(10, "nir_representant_1")]
    assert "sans représentant légal" in r[(11, "nir_representant_1")]
    assert "l'avis ne peut pas être envoyé" in r[(12, "adresse")]
    assert "Sexe inconnu" in r[(13, "sexe")]
    assert "ne correspond pas au NIR" in r[(14, "date_naissance")]
    assert "Ligne incomplète : 5 colonnes au lieu de 14" in r[(15, "")]
    assert "Adresse électronique invalide" in r[(16, "email")]
    assert "5 chiffres" in r[(17, "code_postal")]
    avertissements = {(a.ligne, a.champ) for a in lot.rejets.filter(avertissement=True)}
    assert avertissements == {(18, "nir_representant_2"), (19, "nir_representant_1")}

    crees = Profil.objects.filter(lot_numero=lot.pk)
    assert crees.count() == 6 and set(crees.values_list("statut", flat=True)) == {"annonce"}
    enfant = crees.get(lot_ligne=4)
    assert enfant.nir == lignes[2][0]  # stored encrypted, read back
    assert set(enfant.representants.values_list("representant__lot_ligne", flat=True)) == {2, 3}
    assert list(
        crees.get(lot_ligne=18).representants.values_list("representant__lot_ligne", flat=True)
    ) == [20]
    assert crees.get(lot_ligne=2).date_limite_opposition == lot.date_limite_opposition

    rapport = list(
        csv.reader(io.StringIO("".join(lots.rapport_csv(lot)).lstrip("\ufeff")), delimiter=";")
    )
    assert rapport[0] == ["ligne", "champ", "motif", "ligne importée"]
    assert len(rapport) == 1 + 13 + 2
    assert rapport[1][:2] == ["5", "nir"]


def test_same_file_again_is_refused_and_creates_nothing():
    contenu = exemple.fichier(exemple.lignes(30))
    lot = lots.lot_creer(nom_fichier="a.csv", contenu=contenu)
    with pytest.raises(lots.FichierRefuse, match=f"déjà été importé : lot n° {lot.pk}"):
        lots.lot_creer(nom_fichier="copie.csv", contenu=contenu)
    assert Lot.objects.count() == 1


def test_other_file_with_the_same_people_creates_nothing_new():
    importer(list(exemple.lignes(25)))
    lot = importer(list(exemple.lignes(25)), separateur=";", bom=True)
    assert (lot.crees, lot.rejetes) == (0, 25)
    assert Profil.objects.count() == 25
    assert set(rejets(lot).values()) == {"Un profil existe déjà pour ce NIR."}


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (b"nir,nom\n1,2\n", "Colonnes manquantes dans la ligne d'en-tête : nom_naissance"),
        (
            exemple.fichier([adulte(1)]) + b"caf\xe9\n",
            "pas encodé en UTF-8 (caractère illisible ligne 3)",
        ),
        (b"", "Le fichier est vide"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(contenu, message):
    with pytest.raises(lots.FichierRefuse, match=re.escape(message)):
        lots.lot_creer(nom_fichier="x.csv", contenu=contenu)


@override_settings(LOT_TAILLE_MORCEAU=7)
def test_quoted_newlines_keep_their_line_numbers():
    lignes = [adulte(i) for i in range(1, 20)]
    lignes[5][lots.COLONNES.index("adresse")] = "Bâtiment B\nEscalier 3"
    lignes[12][lots.COLONNES.index("sexe")] = "?"
    lot = importer(lignes)
    assert (lot.crees, lot.rejetes) == (18, 1)
    assert list(rejets(lot)) == [(15, "sexe")]  # line 14 of data + 1 embedded newline
    assert Profil.objects.get(lot_ligne=7).adresse == "Bâtiment B\nEscalier 3"


def test_notices_codes_emails_and_letters():
    lignes = list(exemple.lignes(20))  # one in ten without email: 2 letters
    lot = importer(lignes)
    envois = list(EnvoiAvis.objects.filter(lot=lot))
    contenu = [e for envoi in envois for e in json.loads(envoi.contenu)]
    assert len(contenu) == lot.crees
    profil_id, canal, code = contenu[0]
    profil = Profil.objects.get(pk=profil_id)
    assert code not in profil.code_activation_hash and len(profil.code_activation_hash) == 64
    assert cycle.code_valide(profil, cycle.formater_code(code).lower())
    assert not cycle.code_valide(profil, "AAAA-BBBB-CCCC")

    envoyes = sum(avis.courriels_confier(e.pk) for e in envois)
    assert en_attente_envoyer() == envoyes  # what the workers do
    assert envoyes == len(mail.outbox) == sum(1 for ligne in lignes if ligne[7])
    pid, _, code_email = next(e for e in contenu if e[1] == "email")
    message = next(m for m in mail.outbox if Profil.objects.get(pk=pid).email_contact in m.to)
    assert "/activation/" in message.body and "/opposition/" in message.body
    assert cycle.formater_code(code_email) in message.body
    # The code is in clear nowhere once the email is sent, not even in the notification.
    assert not Notification.objects.filter(motif="avis", corps__isnull=False).exists()
    assert avis.lot_lettres_imprimer(lot.pk) == 2
    lot.refresh_from_db()
    with lot.lettres.open("rb") as f:
        pdf = f.read()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type /Page\b", pdf)) == 2
    for envoi in EnvoiAvis.objects.filter(lot=lot):
        assert envoi.contenu is None  # codes gone once delivered
    assert avis.courriels_confier(envois[0].pk) == 0  # never sent twice
    assert en_attente_envoyer() == 0 and len(mail.outbox) == envoyes


def test_announced_profiles_become_created_after_the_deadline(django_capture_on_commit_callbacks):
    lot = importer(list(exemple.lignes(5)))
    assert balayages.annonces_echoir() == 0
    Profil.objects.filter(lot_numero=lot.pk).update(date_limite_opposition=date(2026, 1, 1))
    assert balayages.annonces_echoir() == 5
    assert set(Profil.objects.values_list("statut", flat=True)) == {StatutProfil.CREE}


def test_generated_nirs_are_valid_and_unique():
    nirs = [ligne[0] for ligne in exemple.lignes(3000)]
    assert len(set(nirs)) == 3000
    assert all(nir_lib.valider(n) == n for n in nirs[:200])


def test_the_readme_example_imports_cleanly():
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    exemple_csv = readme.split("```csv\n", 1)[1].split("```", 1)[0]
    lot = importer_contenu(exemple_csv.encode())
    assert (lot.crees, lot.rejetes) == (3, 0)
    enfant = Profil.objects.get(lot_ligne=4)
    assert enfant.representants.count() == 2


def importer_contenu(contenu: bytes) -> Lot:
    lot = lots.lot_creer(nom_fichier="assures.csv", contenu=contenu)
    for morceau_id in lots.lot_decouper(lot.pk):
        assert lots.morceau_traiter(morceau_id)
    assert lots.lot_finaliser(lot.pk)
    lot.refresh_from_db()
    return lot
