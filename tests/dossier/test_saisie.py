"""Nothing lost, nothing by mistake (issue 21, points 7 and 8): measures read as people
type them, clear messages, a confirmation before a deletion, entries that can be edited."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from dossier.models import InformationMedicale, Mesure
from espace_sante.journal.models import Entree
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


# --- Point 7: confirm before deleting, keep the place, correct in place ----------------------


def _allergie(patient, **champs):
    from tests.dossier.factories import InformationFactory

    return InformationFactory(
        profil=patient.profil, auteur=patient, auteur_libelle="Camille Martin", **champs
    )


def test_deleting_an_entry_asks_first_and_comes_back_to_its_section(client, patient):
    info = _allergie(patient)
    connecter(client, patient)
    profil = _texte(client.get(reverse("dossier:profil_medical")))
    url = reverse("dossier:element_supprimer", args=["information", info.public_id])
    # The list offers a link to a confirmation page, not a one-click deletion form.
    assert f'href="{url}"' in profil and f'action="{url}"' not in profil
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    page = _texte(confirmation)
    assert "Supprimer « Pénicilline »" in page
    assert "Supprimer définitivement" in page
    assert InformationMedicale.objects.filter(pk=info.pk).exists()  # GET deleted nothing
    reponse = client.post(url)
    assert reponse.status_code == 302 and reponse.url.endswith("#rubrique-allergie")
    assert not InformationMedicale.objects.filter(pk=info.pk).exists()


def test_deleting_a_measure_asks_first_and_comes_back_to_its_chart(client, patient):
    connecter(client, patient)
    _mesurer(client, patient.profil, "poids", "72")
    mesure = Mesure.objects.get()
    url = reverse("dossier:element_supprimer", args=["mesure", mesure.public_id])
    assert "Supprimer définitivement" in _texte(client.get(url))
    assert Mesure.objects.exists()
    reponse = client.post(url)
    assert reponse.url.endswith("#mesures-poids") and not Mesure.objects.exists()
    assert 'id="rubrique-allergie"' in _texte(client.get(reverse("dossier:profil_medical")))


def test_an_entry_is_corrected_in_place_and_the_correction_is_journaled(client, patient):
    info = _allergie(patient, libelle="Penicline")
    connecter(client, patient)
    url = reverse("dossier:element_modifier", args=["information", info.public_id])
    assert 'value="Penicline"' in _texte(client.get(url))
    reponse = client.post(url, {"libelle": "Pénicilline", "details": "Urticaire"})
    assert reponse.status_code == 302 and reponse.url.endswith(f"#element-{info.public_id}")
    info.refresh_from_db()
    assert (info.libelle, info.details) == ("Pénicilline", "Urticaire")
    entree = Entree.objects.filter(action="information_modifiee", objet_id=str(info.public_id))
    assert entree.count() == 1


def test_a_measure_is_corrected_in_place(client, patient):
    connecter(client, patient)
    _mesurer(client, patient.profil, "poids", "27")
    mesure = Mesure.objects.get()
    url = reverse("dossier:element_modifier", args=["mesure", mesure.public_id])
    reponse = client.post(url, {"valeur": "72", "date": "2026-11-02"})
    assert reponse.status_code == 302
    mesure.refresh_from_db()
    assert mesure.valeur == "72" and Mesure.objects.count() == 1


def test_the_author_corrects_their_entry_after_a_report_and_others_cannot(
    client, patient, professionnel
):
    """The doctor's "Corrigez-le": the professional author corrects; the patient cannot
    edit a professional's entry (they report it)."""
    from tests.dossier.factories import InformationFactory
    from tests.dossier.test_vues import ouvrir_acces

    pro = professionnel.professionnel
    info = InformationFactory(
        profil=patient.profil,
        auteur=professionnel,
        auteur_role="professionnel",
        auteur_professionnel=pro,
        auteur_libelle=pro.nom_usage,
        libelle="Amoxiciline",
    )
    url = reverse("dossier:element_modifier", args=["information", info.public_id])
    connecter(client, patient)
    assert client.get(url).status_code == 404
    client.logout()
    ouvrir_acces(professionnel, patient.profil)
    connecter(client, professionnel)
    assert client.post(url, {"libelle": "Amoxicilline"}).status_code == 302
    info.refresh_from_db()
    assert info.libelle == "Amoxicilline"


# --- Point 16: the professional's inbox of reports names the item and links to it ----------


def test_the_reports_inbox_names_the_item_links_to_it_and_names_the_patient_once(
    client, patient, professionnel
):
    from dossier import services
    from tests.conftest import acteur_de
    from tests.dossier.factories import InformationFactory

    pro = professionnel.professionnel
    info = InformationFactory(
        profil=patient.profil,
        auteur=professionnel,
        auteur_role="professionnel",
        auteur_professionnel=pro,
        auteur_libelle=str(pro),
        libelle="Amoxiciline",
    )
    services.erreur_signaler(
        acteur=acteur_de(patient, patient.profil), element=info, message="Jamais allergique"
    )
    connecter(client, professionnel)
    page = _texte(client.get(reverse("dossier:pro_accueil")))
    lien = reverse("dossier:pro_dossier", args=[patient.profil.public_id])
    assert f'<a href="{lien}#element-{info.public_id}">Allergie : « Amoxiciline »</a>' in page
    assert "Jamais allergique" in page
    assert "(Camille Martin (titulaire))" not in page and "(titulaire))" not in page
