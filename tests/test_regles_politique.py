"""Rules that had escaped the policy, now in ``consentement/acces`` (issue 20, point 2): each
through every entry point that asks it — page, service, a template's flag, the admin — and
asserting what the person sees or can do.

Other entry points of the same rules are covered where they were already tested:
the admin withdrawing a service ends its connections (``acces.peut_revoquer_connexion``,
tests/catalogue/test_revocation.py), the opposition window (``acces.opposition_possible``,
tests/consentement/test_cycle.py).
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agenda import services as agenda_services
from agenda.models import RendezVous
from catalogue import services as catalogue_services
from catalogue.models import Connexion
from consentement import acces
from consentement.enums import StatutAccompagnement
from consentement.models import Accompagnement, EnvoiAvis
from consentement.services import accompagnement, activation, avis, cycle
from dossier import services as dossier_services
from dossier.models import Signalement
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil, User
from espace_sante.journal.models import Entree
from espace_sante.lib.refus import Introuvable
from tests.agenda.outils import proposer, saisie
from tests.catalogue.factories import ServiceFactory
from tests.comptes.factories import ProfessionnelFactory, ProfilFactory
from tests.conftest import acteur_de, connecter
from tests.dossier.test_vues import ouvrir_acces
from tests.messagerie.outils import ecrire

pytestmark = pytest.mark.django_db


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def _annonce(*, mineur: bool) -> Profil:
    """An announced profile whose notice code is known (``code_clair``)."""
    profil = ProfilFactory(
        mineur=mineur,
        statut=StatutProfil.ANNONCE,
        date_limite_opposition=timezone.localdate() + timedelta(weeks=6),
        email_contact="famille@exemple.fr",
    )
    profil.code_clair = cycle.code_renouveler(profil=profil)
    return profil


def _identite(profil, code=True) -> dict:
    donnees = {"nir": profil.nir, "date_naissance": profil.date_naissance.isoformat()}
    if code:
        donnees["code"] = cycle.formater_code(profil.code_clair)
    return donnees


# --- No appointment from a minor's confidential conversation (acces.peut_proposer_rdv_depuis)


def test_no_appointment_link_from_a_minors_confidential_conversation(client, mineur, professionnel):
    ouvrir_acces(professionnel, mineur)
    confidentielle = ecrire(professionnel, mineur, confidentiel=True)
    ordinaire = ecrire(professionnel, mineur, sujet="Vaccins")
    proposer_url = reverse("agenda:pro_proposer", args=[mineur.public_id])
    connecter(client, professionnel)
    page = client.get(reverse("messagerie:conversation", args=[confidentielle.public_id]))
    assert page.status_code == 200 and proposer_url not in texte(page)
    page = client.get(reverse("messagerie:conversation", args=[ordinaire.public_id]))
    assert proposer_url in texte(page)


# --- A minor's profile never activates on its own (acces.refus_activation) -----------------


def test_a_minors_notice_does_not_open_the_activation_page(client):
    enfant = _annonce(mineur=True)
    page = client.post(reverse("consentement:activation"), _identite(enfant))
    assert page.status_code == 200
    assert acces.REFUS_ACTIVATION_MINEUR in texte(page)
    assert client.get(reverse("consentement:activation_compte")).status_code == 302  # no step 2


def test_the_account_service_refuses_a_minor_and_creates_no_account():
    enfant = _annonce(mineur=True)
    with pytest.raises(cycle.ActionImpossible, match="ne s'active pas seul"):
        activation.compte_activer(
            profil=enfant,
            email="enfant@exemple.fr",
            mot_de_passe="Un-Mot-De-Passe-Solide-42",
            acteur=acces.acteur_anonyme(enfant),
        )
    assert not User.objects.filter(email="enfant@exemple.fr").exists()
    assert Profil.objects.get(pk=enfant.pk).titulaire_id is None


def test_the_lifecycle_refuses_to_activate_a_minor_whoever_asks():
    enfant = _annonce(mineur=True)
    user = User.objects.create(email="enfant@exemple.fr", prenom="Léo", nom="Petit")
    with pytest.raises(cycle.ActionImpossible, match="ne s'active pas seul"):
        cycle.profil_activer(profil=enfant, user=user, acteur=acces.acteur_titulaire(user, enfant))
    assert Profil.objects.get(pk=enfant.pk).statut == StatutProfil.ANNONCE


def test_the_account_service_creates_links_and_journals_an_adults_account():
    adulte = _annonce(mineur=False)
    user = activation.compte_activer(
        profil=adulte,
        email="camille@exemple.fr",
        mot_de_passe="Un-Mot-De-Passe-Solide-42",
        acteur=acces.acteur_anonyme(adulte),
    )
    profil = Profil.objects.get(pk=adulte.pk)
    assert profil.titulaire == user and user.check_password("Un-Mot-De-Passe-Solide-42")
    assert profil.statut == StatutProfil.ANNONCE  # active only after the second factor
    entree = Entree.objects.get(profil=profil, action="compte_cree")
    assert entree.objet_id == str(user.public_id) and entree.details["nouveau"] is True


# --- A new notice code: not activated yet, and not a minor's (acces.peut_recevoir_nouveau_code)


def test_the_public_new_code_page_sends_nothing_for_a_minor():
    from django.test import Client

    enfant, adulte = _annonce(mineur=True), _annonce(mineur=False)
    client = Client()
    for profil in (enfant, adulte):
        page = client.post(reverse("consentement:nouveau_code"), _identite(profil, code=False))
        assert page.status_code == 200
    assert EnvoiAvis.objects.filter(lot=None).count() == 1  # the adult's only


def _en_accompagnement(client, mediateur, profil):
    maintenant = timezone.now()
    acc = Accompagnement.objects.create(
        mediateur=mediateur.mediateur,
        profil=profil,
        statut=StatutAccompagnement.OUVERT,
        preuve="code",
        ouvert_le=maintenant,
        expire_le=maintenant + timedelta(minutes=30),
    )
    connecter(client, mediateur)
    session = client.session
    session[accompagnement.SESSION] = str(acc.public_id)
    session.save()
    return acc


def test_the_mediator_reprints_a_notice_for_an_adult_never_for_a_minor(client, mediateur):
    adulte = _annonce(mineur=False)
    _en_accompagnement(client, mediateur, adulte)
    tableau = texte(client.get(reverse("consentement:accompagnement")))
    assert "Aider à activer le profil" in tableau
    reponse = client.post(reverse("consentement:accompagnement_avis"))
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"

    enfant = _annonce(mineur=True)
    acc = _en_accompagnement(client, mediateur, enfant)
    tableau = texte(client.get(reverse("consentement:accompagnement")))
    assert "Aider à activer le profil" not in tableau
    code_avant = Profil.objects.get(pk=enfant.pk).code_activation_hash
    assert client.post(reverse("consentement:accompagnement_avis")).status_code == 404
    # The service refuses too, whoever calls it.
    with pytest.raises(cycle.ActionImpossible, match="enfant mineur"):
        avis.avis_reimprimer(acteur=acces.acteur_mediateur(acc))
    assert Profil.objects.get(pk=enfant.pk).code_activation_hash == code_avant


# --- Closing: a created or active profile only (acces.cloture_possible) ----------------------


def test_the_mediator_is_offered_closure_only_for_a_profile_that_can_be_closed(client, mediateur):
    annonce = _annonce(mineur=False)
    _en_accompagnement(client, mediateur, annonce)
    assert "Demander la clôture" not in texte(client.get(reverse("consentement:accompagnement")))
    cree = ProfilFactory(statut=StatutProfil.CREE)
    _en_accompagnement(client, mediateur, cree)
    assert "Demander la clôture" in texte(client.get(reverse("consentement:accompagnement")))


def test_the_admin_closure_refuses_an_announced_profile_in_french(client_de):
    annonce = _annonce(mineur=False)
    cree = ProfilFactory(statut=StatutProfil.CREE)
    admin = client_de("admin_user")
    reponse = admin.post(
        reverse("admin:comptes_profil_changelist"),
        {"action": "cloturer_archive", "_selected_action": [annonce.pk, cree.pk]},
        follow=True,
    )
    assert "Seul un profil créé ou activé peut être clôturé." in texte(reponse)
    assert Profil.objects.get(pk=annonce.pk).statut == StatutProfil.ANNONCE
    assert Profil.objects.get(pk=cree.pk).statut == StatutProfil.CLOTURE


# --- Connected services: the person's side of the profile (acces.peut_gerer_connexion) ------


def _connexion(user):
    service = ServiceFactory()
    return catalogue_services.connexion_autoriser(
        acteur=acteur_de(user), service=service, choisies={"patient/Observation.rs"}
    )


def test_a_professional_cannot_consent_to_a_service():
    pro = ProfessionnelFactory().user
    with pytest.raises(Introuvable):
        catalogue_services.connexion_autoriser(
            acteur=acteur_de(pro), service=ServiceFactory(), choisies={"patient/Observation.rs"}
        )
    assert not Connexion.objects.exists()


def test_another_persons_connection_is_neither_listed_nor_ended(client, patient):
    connexion = _connexion(patient)
    autre = ProfilFactory(active=True).titulaire
    connecter(client, autre)
    assert connexion.service.nom not in texte(client.get(reverse("catalogue:mes_services")))
    url = reverse("catalogue:deconnecter", args=[connexion.public_id])
    assert client.post(url).status_code == 404
    with pytest.raises(Introuvable):
        catalogue_services.connexion_revoquer(acteur=acteur_de(autre), connexion=connexion)
    connecter(client, patient)
    assert connexion.service.nom in texte(client.get(reverse("catalogue:mes_services")))
    client.post(url)
    assert Connexion.objects.get(pk=connexion.pk).revoquee_le is not None


# --- An error report is handled by its professional (acces.peut_traiter_signalement) --------


def _signalement(patient, pro_user):
    return Signalement.objects.create(
        profil=patient.profil,
        professionnel=pro_user.professionnel,
        genre="document",
        element_id="00000000-0000-4000-8000-000000000001",
        message="Ce n'est pas mon allergie.",
        signale_par=patient,
        signale_par_libelle="Camille Martin",
    )


def test_only_the_professional_reported_to_sees_and_handles_an_error_report(
    client, patient, professionnel
):
    signalement = _signalement(patient, professionnel)
    autre = ProfessionnelFactory().user
    url = reverse("dossier:signalement_traiter", args=[signalement.public_id])
    connecter(client, autre)
    assert "Ce n'est pas mon allergie" not in texte(client.get(reverse("dossier:pro_accueil")))
    assert client.post(url).status_code == 404
    with pytest.raises(Introuvable):
        dossier_services.signalement_traiter(acteur=acteur_de(autre), signalement=signalement)
    assert Signalement.objects.get(pk=signalement.pk).traite_le is None
    connecter(client, professionnel)
    assert "Marquer comme traité" in texte(client.get(reverse("dossier:pro_accueil")))
    client.post(url)
    assert Signalement.objects.get(pk=signalement.pk).traite_le is not None
    assert "Marquer comme traité" not in texte(client.get(reverse("dossier:pro_accueil")))


# --- The professional's list offers to cancel what may be cancelled (acces.peut_annuler_rdv) --


def test_the_professionals_list_offers_cancel_only_where_the_policy_allows(
    client, patient, professionnel
):
    a_venir = proposer(professionnel, patient.profil)
    passe = agenda_services.rdv_proposer(
        acteur=acteur_de(professionnel, patient.profil), saisie=saisie(titre="Bilan")
    )
    RendezVous.objects.filter(pk=passe.pk).update(
        debut=timezone.now() - timedelta(days=2), fin=timezone.now() - timedelta(days=2, hours=-1)
    )
    connecter(client, professionnel)
    page = texte(client.get(reverse("agenda:pro_rendez_vous")))
    assert reverse("agenda:pro_annuler", args=[a_venir.public_id]) in page
    assert reverse("agenda:pro_annuler", args=[passe.public_id]) not in page
    # Blocked by the patient: the list shows nothing of theirs, and the cancel page is 404.
    from consentement.acces import choix

    choix.professionnel_bloquer(
        acteur=acteur_de(patient), professionnel=professionnel.professionnel
    )
    page = texte(client.get(reverse("agenda:pro_rendez_vous")))
    assert reverse("agenda:pro_annuler", args=[a_venir.public_id]) not in page
    url = reverse("agenda:pro_annuler", args=[a_venir.public_id])
    assert client.get(url).status_code == 404


def test_the_catalogue_links_to_connected_services_only_for_whom_that_page_exists(
    client, patient, professionnel
):
    lien = reverse("catalogue:mes_services")
    assert lien not in texte(client.get(reverse("catalogue:accueil")))  # anonymous
    connecter(client, professionnel)
    assert lien not in texte(client.get(reverse("catalogue:accueil")))
    assert client.get(lien).status_code == 404
    connecter(client, patient)
    assert lien in texte(client.get(reverse("catalogue:accueil")))
    assert client.get(lien).status_code == 200


# --- Whom a mediator may find at the desk (acces.q_accompagnables) ---------------------------


def test_the_mediator_finds_a_created_profile_but_never_an_opposed_one(client, mediateur):
    connecter(client, mediateur)
    oppose = ProfilFactory(statut=StatutProfil.OPPOSE)
    page = client.post(reverse("consentement:france_services"), _identite(oppose, code=False))
    assert "Aucun profil ne correspond" in texte(page)
    cree = ProfilFactory(statut=StatutProfil.CREE)
    reponse = client.post(reverse("consentement:france_services"), _identite(cree, code=False))
    acc = Accompagnement.objects.get()
    assert acc.profil == cree
    assert reponse.url == reverse("consentement:accompagnement_presence", args=[acc.public_id])
