"""A phone first (issue 21, points 1–4), in Chromium at 390×844 and 1280×800 with axe on
every page: each row of every list shows all its facts on screen (no sideways scroll), the
month is a list of days, the unread count is in the header bar, a PDF offers its link
instead of an empty frame, and the charts' labels stay legible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agenda import services as agenda
from consentement.acces import choix as consentement
from dossier import services
from tests.agenda.outils import proposer, rdv_de
from tests.comptes.factories import ProfessionnelFactory
from tests.conftest import acteur_de
from tests.dossier.factories import DocumentFactory
from tests.e2e.test_apercu import pdf_rouge
from tests.e2e.test_connexion import se_connecter
from tests.messagerie.outils import ecrire

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TAILLES = ["telephone", "bureau"]

# Every cell of every row, and what it holds (badges, links, lines), with a box on screen.
HORS_ECRAN = """() => {
  const largeur = window.innerWidth, dehors = [];
  const lignes = Array.from(document.querySelectorAll('main tbody tr, .es-mois-jours .es-jour'))
    .filter(l => l.getBoundingClientRect().height > 0);  // a grid hidden on a phone
  for (const ligne of lignes) {
    for (const e of [ligne, ...ligne.querySelectorAll('*')]) {
      const r = e.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue;  // sr-only text, hidden parts
      if (getComputedStyle(e).visibility === 'hidden') continue;
      if (r.left < -1 || r.right > largeur + 1) dehors.push(
        e.tagName + ' « ' + (e.innerText || '').slice(0, 40) + ' » ' +
        Math.round(r.left) + '→' + Math.round(r.right));
    }
  }
  return [lignes.length, dehors.slice(0, 8)];
}"""


def verifier_lignes(page, etiquettes: list[str], textes: tuple[str, ...] = ()) -> None:
    """At a phone's width no element of a row is outside the viewport; every cell carrying
    one of the facts ``etiquettes`` (category, author, status, who: its column) is shown
    whole on screen; and ``textes`` are visible on screen."""
    nombre, dehors = page.page.evaluate(HORS_ECRAN)
    assert nombre, f"{page.page.url} : aucune ligne"
    assert not dehors, f"{page.page.url} : hors de l'écran : {dehors}"
    page.verifier_largeur()
    for etiquette in etiquettes:
        cellules = page.page.locator(f'.es-cartes tbody td[data-label="{etiquette}"]')
        assert cellules.count(), f"{page.page.url} : pas de colonne « {etiquette} »"
        for rang in range(cellules.count()):
            _a_l_ecran(page, cellules.nth(rang), etiquette)
    for texte in textes:
        _a_l_ecran(page, page.page.locator("main").get_by_text(texte).first, texte)


def _a_l_ecran(page, element, quoi) -> None:
    assert element.is_visible(), f"{page.page.url} : « {quoi} » n'est pas visible"
    boite = element.bounding_box()
    largeur = page.page.viewport_size["width"]
    assert boite["x"] >= 0 and boite["x"] + boite["width"] <= largeur + 1, (quoi, boite)


@pytest.fixture
def dossier_rempli(patient, professionnel):
    """A record with a professional's documents (one masked, one new), the professional's
    reads in the history, decisions, measures and appointments in every state."""
    profil = patient.profil
    pro = professionnel.professionnel
    lecteur = acteur_de(patient, profil)
    proposition = proposer(
        professionnel,
        profil,
        titre="Consultation de suivi en cardiologie interventionnelle",
        debut=timezone.now() + timedelta(days=2),
    )
    DocumentFactory.par(
        pro,
        profil=profil,
        titre="Compte rendu d'hospitalisation en chirurgie orthopédique",
        categorie="compte_rendu",
        masque=True,
    )
    DocumentFactory.par(
        pro, profil=profil, titre="Ordonnance de kinésithérapie", categorie="ordonnance"
    )
    DocumentFactory.par(pro, profil=profil, titre="Bilan sanguin", nouveau=True)
    services.dossier_consulter(acteur=acteur_de(professionnel, profil), page="documents")
    autre = ProfessionnelFactory(user__prenom="Marie-Christine", user__nom="De La Fontaine")
    consentement.professionnel_bloquer(acteur=lecteur, professionnel=autre)
    consentement.urgence_regler(acteur=lecteur, refus=True)
    for jour in range(12):
        services.mesure_ajouter(
            acteur=lecteur,
            type_mesure="tension",
            valeur=f"{120 + jour % 9}/80",
            quand=timezone.now() - timedelta(days=jour),
        )
    annule = rdv_de(patient, titre="Dentiste", debut=timezone.now() + timedelta(days=1))
    agenda.rdv_annuler(acteur=lecteur, rdv=annule, motif="Empêchement")
    rdv_de(patient, titre="Ophtalmologiste", debut=timezone.now() + timedelta(hours=5))
    return proposition


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_every_fact_of_every_row_is_on_a_phones_screen(page, patient, dossier_rempli, taille):
    se_connecter(page, patient)
    pages = {
        "/dossier/": (["Catégorie", "Ajouté par", "État"], ("Masqué", "Nouveau", "Lefèvre")),
        "/dossier/historique/": (["Quand", "Quoi", "Qui"], ("Lefèvre",)),
        "/agenda/": (["Quand", "Rendez-vous", "Avec", "État"], ("Proposé", "Annulé")),
        "/mes-choix/": (["Date", "Décision", "Canal", "Prise par"], ()),
        "/dossier/profil-medical/": (["Date", "Valeur", "Ajoutée par"], ()),
        "/dossier/profil-medical/mesures/tension/": (["Date", "Valeur", "Ajoutée par"], ()),
    }
    for chemin, (etiquettes, textes) in pages.items():
        page.aller(chemin)
        if taille == "telephone":
            verifier_lignes(page, etiquettes, textes)
        else:  # the same facts, in a table with its column headers
            assert page.page.locator(".es-cartes thead").first.is_visible()


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_the_professionals_lists_show_every_fact_on_a_phone(
    page, patient, professionnel, dossier_rempli, taille
):
    se_connecter(page, professionnel)
    page.aller(f"/pro/patients/{patient.profil.public_id}/")
    if taille == "telephone":
        verifier_lignes(page, ["Catégorie", "Ajouté par", "État"], ("Masqué",))
    page.aller("/pro/rendez-vous/")
    if taille == "telephone":
        verifier_lignes(page, ["Quand", "Patient", "Rendez-vous", "Réponse"], ("Proposé",))


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_the_month_is_a_list_of_days_on_a_phone(page, patient, dossier_rempli, taille):
    debut = dossier_rempli.debut.astimezone(timezone.get_current_timezone())
    se_connecter(page, patient)
    page.aller(reverse("agenda:mois_de", args=[debut.year, debut.month]))
    jours, grille = page.page.locator(".es-mois-jours"), page.page.locator("table")
    if taille == "telephone":
        assert jours.is_visible() and not grille.is_visible()
        assert "cardiologie interventionnelle" in jours.inner_text()
        verifier_lignes(page, [], ("cardiologie",))
    else:
        assert grille.is_visible() and not jours.is_visible()


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_the_unread_count_is_in_the_header_bar_on_a_phone(page, patient, professionnel, taille):
    ecrire(professionnel, patient.profil)
    se_connecter(page, patient)
    page.aller("/dossier/")
    entete = page.page.locator(".es-entete-messages")
    if taille == "telephone":
        assert entete.is_visible()
        boite = entete.bounding_box()
        assert boite["y"] + boite["height"] <= 200 and boite["x"] + boite["width"] <= 390
        assert "1" in entete.inner_text()
        with page.page.expect_navigation():
            entete.click()
        assert page.page.url.endswith("/messagerie/")
    else:  # the menu shows it on a wide screen
        assert not entete.is_visible()
        assert page.page.locator("#menu-principal .fr-badge").is_visible()


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_a_pdf_offers_its_link_on_a_phone_instead_of_an_empty_frame(page, patient, taille):
    from django.core.files.base import ContentFile

    contenu = pdf_rouge()
    document = DocumentFactory(profil=patient.profil, auteur=patient, taille=len(contenu))
    document.fichier.save("document", ContentFile(contenu), save=True)
    se_connecter(page, patient)
    page.aller(f"/dossier/documents/{document.public_id}/")
    cadre = page.page.locator("iframe.es-apercu")
    lien = page.page.get_by_role("link", name="Ouvrir le document")
    if taille == "telephone":
        assert not cadre.is_visible()
        assert lien.is_visible()
        lien.scroll_into_view_if_needed()
        reponse = page.page.request.get(page.base_url + lien.get_attribute("href"))
        assert reponse.status == 200 and reponse.body().startswith(b"%PDF")
    else:
        assert cadre.is_visible() and not lien.is_visible()


LIBELLES = """() => Array.from(document.querySelectorAll('.es-courbe svg text'))
  .filter(t => t.getBoundingClientRect().width > 0)
  .map(t => parseFloat(t.getAttribute('font-size') || t.parentNode.getAttribute('font-size'))
            * t.ownerSVGElement.getScreenCTM().a)"""


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_chart_labels_stay_legible_and_every_measure_has_its_chart(
    page, patient, dossier_rempli, taille
):
    se_connecter(page, patient)
    for chemin in ["/dossier/profil-medical/", "/dossier/profil-medical/mesures/tension/"]:
        page.aller(chemin)
        tailles = page.page.evaluate(LIBELLES)
        assert tailles, f"{chemin} : aucun graphique visible"
        assert min(tailles) >= 12, f"{chemin} : libellés de {min(tailles):.1f} px"
        page.verifier_largeur()
