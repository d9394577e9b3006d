"""No page is wider than a phone's screen (issue 11, point 9): 390 px, every page of the
patient, with a record that has documents, entries, measures and decisions."""

from datetime import date

import pytest

from consentement.acces import choix as consentement
from dossier import services
from tests.comptes.factories import ProfessionnelFactory
from tests.conftest import acteur_de
from tests.e2e.test_connexion import se_connecter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/dossier/",
    "/dossier/profil-medical/",
    "/dossier/confidentialite/",
    "/dossier/historique/",
    "/mes-choix/",
    "/compte/securite/",
]


def remplir(profil):
    lecteur = acteur_de(profil.titulaire, profil)
    for jour in range(30):
        services.mesure_ajouter(
            acteur=lecteur, type_mesure="tension", valeur=f"{120 + jour % 9}/80"
        )
    services.information_ajouter(
        acteur=lecteur,
        rubrique="antecedent_medical",
        libelle="Hypertension artérielle essentielle diagnostiquée",
        date=date(2019, 4, 2),
    )
    pro = ProfessionnelFactory(user__prenom="Marie-Christine", user__nom="De La Fontaine-Dupont")
    consentement.professionnel_bloquer(acteur=lecteur, professionnel=pro)
    consentement.urgence_regler(acteur=lecteur, refus=True)


def test_no_patient_page_scrolls_sideways_on_a_phone(page, patient):
    remplir(patient.profil)
    page.page.set_viewport_size({"width": 390, "height": 844})
    se_connecter(page, patient)
    for chemin in PAGES:
        page.aller(chemin)
        page.verifier_largeur()
