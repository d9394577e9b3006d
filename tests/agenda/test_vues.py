"""The agenda's pages as people use them, and IDOR: every URL keyed by an id answers 404, on
GET and on POST, to everyone but the people the policy lets in, with real objects."""

import html
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agenda import services
from agenda.enums import StatutRdv
from agenda.models import Abonnement, Rappel, RendezVous
from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from tests.agenda.outils import acteur_patient, proposer, rdv_de
from tests.comptes.factories import ProfessionnelFactory
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


def _pour_lenfant(client, mineur):
    session = client.session
    session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
    session.save()


def _formulaire(jour, debut="09:30", fin="10:00", **extra):
    return {
        "titre": "Consultation ORL",
        "jour": jour.isoformat(),
        "heure_debut": debut,
        "heure_fin": fin,
        "lieu": "Cabinet du Dr Roux",
        "delais": ["1440", "120"],
        **extra,
    }


def test_patient_adds_an_appointment_sees_it_with_its_reminders_in_the_list_and_the_month(
    client, patient
):
    connecter(client, patient)
    assert "Me le rappeler" in client.get(reverse("agenda:ajouter")).content.decode()
    jour = timezone.localdate() + timedelta(days=10)
    reponse = client.post(reverse("agenda:ajouter"), _formulaire(jour), follow=True)
    page = reponse.content.decode()
    assert "Le rendez-vous est ajouté à l&#x27;agenda." in page
    rdv = RendezVous.objects.get()
    assert timezone.localtime(rdv.debut).strftime("%H:%M") == "09:30"
    assert Rappel.objects.filter(rendez_vous=rdv).count() == 2
    assert "1 jour avant" in page or "la veille" in page or "Rappels" in page

    liste = client.get(reverse("agenda:accueil")).content.decode()
    assert "Consultation ORL" in liste and "À venir" in liste
    mois = client.get(reverse("agenda:mois_de", args=[jour.year, jour.month])).content.decode()
    assert "09:30 Consultation ORL" in mois


def test_the_spring_gap_is_refused_on_the_page_and_the_autumn_hour_is_asked(client, patient):
    connecter(client, patient)
    printemps = date(timezone.localdate().year + 1, 3, 28)
    while printemps.weekday() != 6 or printemps.month != 3:
        printemps += timedelta(days=1)
    reponse = client.post(reverse("agenda:ajouter"), _formulaire(printemps, "02:30", "03:30"))
    assert reponse.status_code == 400
    assert "2 h 30 n&#x27;existe pas" in reponse.content.decode()
    assert not RendezVous.objects.exists()

    automne = date(timezone.localdate().year + 1, 10, 25)
    while automne.weekday() != 6:
        automne += timedelta(days=1)
    reponse = client.post(reverse("agenda:ajouter"), _formulaire(automne, "02:30", "03:30"))
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "a lieu deux fois" in page and "La seconde (déjà à l&#x27;heure d&#x27;hiver" in page
    reponse = client.post(
        reverse("agenda:ajouter"), _formulaire(automne, "02:30", "03:30", occurrence="hiver")
    )
    assert reponse.status_code == 302
    rdv = RendezVous.objects.get()
    assert rdv.debut.utcoffset() == timedelta(0) and rdv.debut.hour == 1  # 02:30 UTC+1
    page = client.get(reverse("agenda:rdv", args=[rdv.public_id])).content.decode()
    assert "de 02:30 à 03:30" in page and "la seconde, à l&#x27;heure d&#x27;hiver" in page


def test_past_appointments_stay_listed_newest_first(client, patient):
    rdv_de(patient, debut=timezone.now() - timedelta(days=200), titre="Bilan sanguin")
    rdv_de(patient, debut=timezone.now() - timedelta(days=30), titre="Kinésithérapie")
    rdv_de(patient, titre="Ophtalmologie")
    connecter(client, patient)
    page = client.get(reverse("agenda:accueil")).content.decode()
    passes = page[page.index("Passés, annulés ou refusés") :]
    assert passes.index("Kinésithérapie") < passes.index("Bilan sanguin")
    assert "Ophtalmologie" in page[: page.index("Passés, annulés ou refusés")]


@pytest.mark.parametrize("nom", ["agenda:accueil", "agenda:mois", "agenda:pro_rendez_vous"])
def test_list_pages_run_at_most_8_queries_whatever_the_agendas_size(
    client, patient, professionnel, nom
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.dossier.test_vues import ouvrir_acces

    ouvrir_acces(professionnel, patient.profil)
    lecteur = professionnel if nom.startswith("agenda:pro") else patient

    def ajouter(n):
        for i in range(n):
            rdv_de(patient, debut=timezone.now() + timedelta(days=i % 20 + 1, hours=1))
            rdv_de(patient, debut=timezone.now() - timedelta(days=i + 1))
            proposer(
                professionnel, patient.profil, debut=timezone.now() + timedelta(days=i % 20 + 1)
            )

    def compter():
        connecter(client, lecteur)
        client.get(reverse(nom))  # warm: session, user
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse(nom)).status_code == 200
        return len(requetes)

    ajouter(3)
    petit = compter()
    ajouter(30)
    assert compter() == petit <= 8, (nom, petit)


def test_professional_proposes_from_the_patients_page_and_the_patient_accepts(
    client, patient, professionnel
):
    from tests.dossier.test_vues import ouvrir_acces

    ouvrir_acces(professionnel, patient.profil)
    connecter(client, professionnel)
    dossier = client.get(reverse("dossier:pro_dossier", args=[patient.profil.public_id]))
    url = reverse("agenda:pro_proposer", args=[patient.profil.public_id])
    assert url in dossier.content.decode()
    jour = timezone.localdate() + timedelta(days=5)
    reponse = client.post(
        url,
        {
            "titre": "Suivi",
            "jour": jour.isoformat(),
            "heure_debut": "14:00",
            "heure_fin": "14:20",
            "lieu": "Cabinet",
        },
    )
    assert reponse.status_code == 302
    rdv = RendezVous.objects.get()
    assert rdv.statut == StatutRdv.PROPOSE and rdv.propose_par == professionnel.professionnel

    connecter(client, patient)
    page = client.get(reverse("agenda:accueil")).content.decode()
    assert "Propositions à examiner" in page and "Suivi" in page
    client.post(reverse("agenda:accepter", args=[rdv.public_id]))
    rdv.refresh_from_db()
    assert rdv.statut == StatutRdv.CONFIRME and Rappel.objects.filter(rendez_vous=rdv).exists()

    connecter(client, professionnel)
    assert "Confirmé" in client.get(reverse("agenda:pro_rendez_vous")).content.decode()


def test_a_parent_manages_the_childs_agenda(client, parent, mineur):
    connecter(client, parent)
    _pour_lenfant(client, mineur)
    jour = timezone.localdate() + timedelta(days=4)
    client.post(reverse("agenda:ajouter"), _formulaire(jour))
    rdv = RendezVous.objects.get()
    assert rdv.profil == mineur
    assert "Yanis" in client.get(reverse("agenda:accueil")).content.decode()


def test_cancelling_a_proposed_appointment_asks_the_reason_the_professional_reads(
    client, patient, professionnel
):
    rdv = proposer(professionnel, patient.profil)
    connecter(client, patient)
    url = reverse("agenda:annuler", args=[rdv.public_id])
    reponse = client.post(url, {"motif": ""})
    page = html.unescape(reponse.content.decode())
    assert reponse.status_code == 400
    assert f"Indiquez le motif : {professionnel.professionnel.nom_usage} le lira." in page
    client.post(url, {"motif": "Empêchement"})
    rdv.refresh_from_db()
    assert rdv.statut == StatutRdv.ANNULE and rdv.motif == "Empêchement"


def test_cancelling_ones_own_appointment_asks_no_reason_and_says_its_verbs(client, patient):
    """Issue 21, point 9: "Confirmer l'annulation" / "Garder le rendez-vous", not "Annuler le
    rendez-vous" / "Annuler"; no reason when nobody else reads it."""
    rdv = rdv_de(patient)
    connecter(client, patient)
    url = reverse("agenda:annuler", args=[rdv.public_id])
    page = html.unescape(client.get(url).content.decode())
    assert "Confirmer l'annulation" in page and "Garder le rendez-vous" in page
    assert 'name="motif"' not in page and "L'autre partie" not in page
    assert ">Annuler</a>" not in page
    assert client.post(url, {}).status_code == 302
    rdv.refresh_from_db()
    assert rdv.statut == StatutRdv.ANNULE


# --- IDOR ------------------------------------------------------------------------------------


@pytest.fixture
def objets(patient, professionnel):
    """The patient's real objects: an appointment they added, a proposal, a subscription."""
    propre = rdv_de(patient)
    propose = proposer(professionnel, patient.profil)
    abonnement, _ = services.abonnement_creer(
        acteur=acteur_patient(patient), nom="Tél.", details=False
    )
    return propre, propose, abonnement


GET, POST, LES_DEUX = {"GET"}, {"POST"}, {"GET", "POST"}
PAR_RDV = {
    "agenda:rdv": GET,
    "agenda:modifier": LES_DEUX,
    "agenda:accepter": POST,
    "agenda:refuser": LES_DEUX,
    "agenda:annuler": LES_DEUX,
    "agenda:rdv_ics": GET,
    "agenda:pro_annuler": LES_DEUX,
}


def _urls(propre, propose, abonnement, profil):
    """(url, methods it answers): every other method is 405 whoever asks."""
    urls = [
        (reverse(nom, args=[r.public_id]), methodes)
        for nom, methodes in PAR_RDV.items()
        for r in (propre, propose)
    ]
    urls.append((reverse("agenda:revoquer", args=[abonnement.public_id]), POST))
    urls.append((reverse("agenda:pro_proposer", args=[profil.public_id]), LES_DEUX))
    return urls


@pytest.mark.parametrize(
    "intrus",
    [
        "parent",
        "parent_pour_lenfant",
        "autre_professionnel",
        "professionnel_bloque",
        "mediateur",
        "inconnu",
    ],
)
def test_every_agenda_url_keyed_by_an_id_is_404_to_others_on_get_and_post(
    client, request, patient, mineur, objets, intrus
):
    if intrus == "autre_professionnel":
        utilisateur = ProfessionnelFactory().user
    else:
        utilisateur = request.getfixturevalue(intrus.removesuffix("_pour_lenfant"))
    connecter(client, utilisateur)
    if intrus == "parent_pour_lenfant":
        _pour_lenfant(client, mineur)
    etat = {r.pk: (r.statut, r.debut) for r in RendezVous.objects.all()}
    for url, methodes in _urls(*objets, patient.profil):
        statut = client.get(url).status_code
        assert statut == (404 if "GET" in methodes else 405), (intrus, "GET", url, statut)
        statut = client.post(url, {"motif": "x", "titre": "x"}).status_code
        assert statut == (404 if "POST" in methodes else 405), (intrus, "POST", url, statut)
    assert {r.pk: (r.statut, r.debut) for r in RendezVous.objects.all()} == etat
    assert Abonnement.objects.actifs().count() == 1


def test_the_proposing_professional_reaches_only_their_own_proposal(
    client, patient, professionnel, objets
):
    propre, propose, _ = objets
    connecter(client, professionnel)
    assert client.get(reverse("agenda:pro_annuler", args=[propose.public_id])).status_code == 200
    assert client.get(reverse("agenda:pro_annuler", args=[propre.public_id])).status_code == 404
    # Patient pages are not the professional's.
    assert client.get(reverse("agenda:rdv", args=[propose.public_id])).status_code == 404


def test_a_professional_without_an_open_access_cannot_propose(client, patient):
    pro = ProfessionnelFactory().user
    connecter(client, pro)
    url = reverse("agenda:pro_proposer", args=[patient.profil.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"titre": "x"}).status_code == 404


def test_a_revoked_or_unknown_prevention_step_and_feed_are_404(client, patient, objets):
    _, _, abonnement = objets
    connecter(client, patient)
    client.post(reverse("agenda:revoquer", args=[abonnement.public_id]))
    assert client.post(reverse("agenda:revoquer", args=[abonnement.public_id])).status_code == 404


def test_admin_sees_an_appointments_metadata_never_its_title_place_or_reason(
    client, patient, admin_user
):
    rdv = rdv_de(patient, titre="Consultation addictologie", lieu="CSAPA Paris 10e")
    services.rdv_annuler(acteur=acteur_patient(patient), rdv=rdv, motif="Rechute, je reporte")
    connecter(client, admin_user)
    for url in (
        reverse("admin:agenda_rendezvous_changelist"),
        reverse("admin:agenda_rendezvous_change", args=[rdv.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        texte = page.content.decode()
        for secret in ("addictologie", "CSAPA", "Rechute"):
            assert secret not in texte, (url, secret)


# --- Issue 21, point 6: a search inside a form keeps what was typed --------------------------


def test_searching_the_directory_keeps_what_was_typed_and_picks_the_single_result(client, patient):
    pro = ProfessionnelFactory(user__prenom="Hugo", user__nom="Zanetti", commune="Lyon")
    connecter(client, patient)
    jour = timezone.localdate() + timedelta(days=5)
    saisi = _formulaire(jour, debut="14:15", fin="14:45", notes="Apporter la radio")
    reponse = client.post(
        reverse("agenda:ajouter"), {**saisi, "chercher": "1", "annuaire-nom": "Zanetti"}
    )
    page = html.unescape(reponse.content.decode())
    assert reponse.status_code == 200 and not RendezVous.objects.exists()
    for valeur in ("Consultation ORL", jour.isoformat(), "14:15", "14:45", "Cabinet du Dr Roux"):
        assert f'value="{valeur}"' in page, valeur
    assert "Apporter la radio" in page and 'value="Zanetti"' in page
    # The one result is picked: its radio button is checked.
    assert f'value="{pro.public_id}"' in page
    radio = page[page.index(f'value="{pro.public_id}"') :].split(">", 1)[0]
    assert "checked" in radio
    assert "fr-error-text" not in page  # a search is not a save: no error shown
    # Saving then keeps the picked professional.
    client.post(
        reverse("agenda:ajouter"),
        {**saisi, "annuaire-nom": "Zanetti", "professionnel": pro.public_id},
    )
    assert RendezVous.objects.get().professionnel == pro


def test_the_search_and_the_form_are_one_form_that_works_without_javascript(client, patient):
    connecter(client, patient)
    page = client.get(reverse("agenda:ajouter")).content.decode()
    assert page.count('<form method="post"') >= 1 and 'method="get"' not in page.split("<main")[1]
    assert 'name="chercher"' in page and 'name="annuaire-nom"' in page
