"""Opposition, activation, closure, reopening, deletions and majority, through the pages."""

import html
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agenda.heures import PARIS
from consentement import acces
from consentement.enums import Canal, ModeCloture, TypeDecision
from consentement.models import Decision, DecisionImmuable, EnvoiAvis
from consentement.services import balayages, cycle, identification
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil, Representation, User
from espace_sante.journal.models import Entree
from espace_sante.journal.selectors import verifier_profil
from tests.actions import Action
from tests.comptes.factories import ProfilFactory, RepresentationFactory
from tests.conftest import connecter
from tests.horloge import figer, matin_a_paris

pytestmark = pytest.mark.django_db


def identite(profil, code=None, **autres):
    return {
        "nir": profil.nir,
        "date_naissance": profil.date_naissance.isoformat(),
        "code": cycle.formater_code(code or profil.code_clair),
        **autres,
    }


def test_opposition_without_account_erases_the_profile_and_gives_a_receipt(client, annonce):
    nir = annonce.nir
    reponse = client.post(reverse("consentement:opposition"), identite(annonce))
    assert reponse.url == reverse("consentement:opposition_confirmer")
    page = client.get(reponse.url)
    assert "Je m'oppose à la création" in page.text and annonce.prenoms.split()[0] in page.text
    sans_case = client.post(reponse.url, {})
    assert "Cochez la case pour confirmer" in sans_case.text
    reponse = client.post(reverse("consentement:opposition_confirmer"), {"confirme": "on"})
    decision = Decision.objects.get()
    assert reponse.url == reverse("consentement:opposition_faite", args=[decision.public_id])
    recu = client.get(reverse("consentement:recu_public", args=[decision.public_id]))
    assert recu["Content-Type"] == "application/pdf" and recu.content.startswith(b"%PDF")
    profil = Profil.objects.get(pk=annonce.pk)
    assert profil.statut == StatutProfil.OPPOSE
    assert (profil.nir, profil.nom_naissance, profil.date_naissance, profil.email_contact) == (
        None,
        "",
        None,
        "",
    )
    assert Profil.objects.par_nir(nir).exists()  # the keyed hash remains
    assert (decision.type, decision.canal, decision.role) == ("opposition", "web", "anonyme")
    assert decision.texte_version == "opposition-2026-12"
    assert verifier_profil(profil) is None
    # Another browser cannot fetch the receipt.
    client.cookies.clear()
    assert (
        client.get(reverse("consentement:recu_public", args=[decision.public_id])).status_code
        == 404
    )


def test_a_parent_opposes_for_a_minor(client):
    mineur = ProfilFactory(
        mineur=True,
        statut=StatutProfil.ANNONCE,
        date_limite_opposition=timezone.localdate() + timedelta(days=3),
    )
    code = cycle.code_renouveler(profil=mineur)
    client.post(reverse("consentement:opposition"), identite(mineur, code))
    client.post(reverse("consentement:opposition_confirmer"), {"confirme": "on"})
    assert Decision.objects.get().role == "representant"


def test_after_the_deadline_the_page_explains_closure(client, annonce):
    Profil.objects.filter(pk=annonce.pk).update(date_limite_opposition=date(2026, 1, 1))
    client.post(reverse("consentement:opposition"), identite(annonce))
    page = client.get(reverse("consentement:opposition_confirmer"))
    assert "Le délai d'opposition est dépassé" in page.text and "Clôturer" in page.text
    assert not Decision.objects.exists()


def test_wrong_details_say_what_to_do_without_revealing_the_nir_and_lock_after_five(
    client, annonce
):
    faux = identite(annonce, code="ABCD-EFGH-JKLM")
    inconnu = ProfilFactory.build().nir
    for donnees in (faux, {**faux, "nir": inconnu}):
        page = client.post(reverse("consentement:activation"), donnees)
        assert identification.MESSAGE_INCONNU in page.text.replace("&#x27;", "'")
    for _ in range(4):
        client.post(reverse("consentement:activation"), faux)
    page = client.post(reverse("consentement:activation"), faux)
    assert "Trop d'essais infructueux" in page.text.replace("&#x27;", "'")
    assert Entree.objects.filter(profil=annonce, action=Action.ACTIVATION_ECHEC).count() == 5
    # The notice's own code still goes through (tests/securite/test_verrouillage.py).
    reponse = client.post(reverse("consentement:activation"), identite(annonce))
    assert reponse.url == reverse("consentement:activation_compte")


def test_expired_code_and_renewal(client, annonce):
    Profil.objects.filter(pk=annonce.pk).update(code_activation_expire_le=timezone.now())
    page = client.post(reverse("consentement:activation"), identite(annonce))
    assert "Ce code a expiré" in page.text
    page = client.post(
        reverse("consentement:nouveau_code"), {"nir": annonce.nir, "date_naissance": "1985-05-14"}
    )
    assert "un nouveau code vient d'être envoyé" in page.text.replace("&#x27;", "'")
    envoi = EnvoiAvis.objects.get(lot=None)
    assert envoi.nb_emails == 1
    # The same answer for a NIR that does not exist, and nothing is sent.
    page = client.post(
        reverse("consentement:nouveau_code"),
        {"nir": ProfilFactory.build().nir, "date_naissance": "1985-05-14"},
    )
    assert "un nouveau code vient d'être envoyé" in page.text.replace("&#x27;", "'")
    assert EnvoiAvis.objects.count() == 1


def test_activation_email_password_second_factor_then_the_space(client, annonce):
    reponse = client.post(reverse("consentement:activation"), identite(annonce))
    assert reponse.url == reverse("consentement:activation_compte")
    page = client.post(
        reponse.url,
        {"email": "camille@exemple.fr", "mot_de_passe": "court", "confirmation": "court"},
    )
    assert "Ce mot de passe est trop court" in page.text
    reponse = client.post(
        reverse("consentement:activation_compte"),
        {
            "email": "Camille@Exemple.fr",
            "mot_de_passe": "Un-Mot-De-Passe-Solide-42",
            "confirmation": "Un-Mot-De-Passe-Solide-42",
        },
    )
    assert reponse.url.startswith(reverse("comptes:otp"))
    # The code page is the stepper's last step (issue 21, point 15).
    etape = html.unescape(client.get(reponse.url).text)
    assert "Étape 3 sur 3" in etape and "Valider le code reçu par courriel" in etape
    assert Profil.objects.get(pk=annonce.pk).statut == StatutProfil.ANNONCE  # not before the code
    assert client.get(reverse("dossier:accueil")).status_code == 302  # to the code page
    code = mail.outbox[-1].body.split("\n")
    jeton = next(mot for ligne in code for mot in ligne.split() if mot.isdigit() and len(mot) == 6)
    reponse = client.post(
        reverse("comptes:otp"),
        {"methode": "email", "code": jeton, "next": reverse("consentement:activation_terminer")},
    )
    page = client.get(reponse.url)  # the last step asks; a GET changes nothing
    assert "Activer mon profil" in page.text
    assert Profil.objects.get(pk=annonce.pk).statut == StatutProfil.ANNONCE
    reponse = client.post(reverse("consentement:activation_terminer"))
    assert reponse.url == reverse("consentement:bienvenue")
    # A welcome: what the space holds, first steps each skippable.
    bienvenue = html.unescape(client.get(reponse.url).text)
    for etape in (
        "Déclarer votre médecin traitant",
        "Indiquer vos allergies",
        "traitements",
        "Choisir comment être prévenu",
        "catalogue de services",
        "Passer",
    ):
        assert etape in bienvenue, etape
    profil = Profil.objects.get(pk=annonce.pk)
    assert profil.statut == StatutProfil.ACTIVE and profil.titulaire.email == "camille@exemple.fr"
    assert profil.code_activation_hash == ""
    assert client.get(reverse("dossier:accueil")).status_code == 200
    assert Decision.objects.get(profil=profil).type == TypeDecision.ACTIVATION
    # The code cannot be used twice.
    client.logout()
    page = client.post(reverse("consentement:activation"), identite(annonce))
    assert identification.MESSAGE_INCONNU in page.text.replace("&#x27;", "'")


def test_closure_needs_a_fresh_password_then_reopening_restores(client, patient, time_machine):
    # The Paris New Year's Eve, a second before midnight: "ten years" is counted from the
    # closure's instant, whatever the wall clock says when the suite runs.
    veille = datetime(timezone.localdate().year, 12, 31, 23, 59, 59, tzinfo=PARIS)
    time_machine.move_to(veille, tick=False)
    connecter(client, patient)
    reponse = client.get(reverse("consentement:cloture"))
    assert reponse.url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": "Mot-de-passe-de-test-2026"})
    page = html.unescape(client.get(reverse("consentement:cloture")).text)
    assert "Avant de clôturer, téléchargez le dossier" in page  # issue 21, point 15
    assert reverse("dossier:export_pdf") in page
    reponse = client.post(
        reverse("consentement:cloture"), {"mode": ModeCloture.ARCHIVE, "confirme": "on"}
    )
    decision = Decision.objects.get(type=TypeDecision.CLOTURE)
    assert reponse.url == reverse("consentement:cloture_faite", args=[decision.public_id])
    profil = Profil.objects.get(titulaire=patient)
    assert profil.statut == StatutProfil.CLOTURE
    assert profil.cloture_le == veille
    dix_ans = veille.replace(year=veille.year + 10)  # kept ten years, not a day less
    assert dix_ans <= profil.suppression_prevue_le <= dix_ans + timedelta(days=1)
    assert client.get(reverse("dossier:accueil")).status_code == 404  # nobody reads it now
    assert (
        client.get(reverse("consentement:recu_decision", args=[decision.public_id]))["Content-Type"]
        == "application/pdf"
    )
    assert "Rouvrir mon profil" in client.get(reverse("comptes:sans_espace")).text
    time_machine.shift(timedelta(seconds=2))  # reopened a moment later, in the new year
    client.post(reverse("consentement:reouverture"), {"confirme": "on"})
    assert Profil.objects.get(pk=profil.pk).statut == StatutProfil.ACTIVE
    types = list(
        Decision.objects.filter(profil=profil).order_by("horodatage").values_list("type", flat=True)
    )
    assert types == ["cloture", "reouverture"]
    page = client.get(reverse("consentement:mes_choix"))
    assert "Clôture du profil" in page.text and "Réouverture du profil" in page.text


def test_express_deletion_runs_when_due_and_is_journaled(patient, time_machine):
    figer(time_machine)
    profil = Profil.objects.get(titulaire=patient)
    cycle.profil_cloturer(
        profil=profil, mode=ModeCloture.SUPPRESSION, acteur=acces.acteur_personne(patient, profil)
    )
    assert cycle.suppressions_executer() == 0
    time_machine.shift(timedelta(days=30) - timedelta(seconds=1))  # the grace period runs
    assert cycle.suppressions_executer() == 0
    time_machine.shift(timedelta(seconds=1))  # and is over
    assert cycle.suppressions_executer() == 1
    profil.refresh_from_db()
    assert (profil.nir, profil.titulaire, profil.prenoms) == (None, None, "")
    assert Entree.objects.filter(profil=profil, action=Action.DONNEES_SUPPRIMEES).exists()
    with pytest.raises(cycle.ActionImpossible, match="ne peut plus être rouvert"):
        cycle.profil_rouvrir(profil=profil, acteur=acces.acteur_personne(patient, profil))


def test_decisions_cannot_be_edited_even_in_sql(patient):
    profil = Profil.objects.get(titulaire=patient)
    decision = cycle.profil_cloturer(
        profil=profil, mode=ModeCloture.ARCHIVE, acteur=acces.acteur_personne(patient, profil)
    )
    with pytest.raises(DecisionImmuable):
        decision.save()
    with pytest.raises(Exception, match="ajout seul"), connection.cursor() as cur:
        cur.execute("UPDATE consentement_decision SET canal = 'courrier'")


def test_an_agent_records_a_postal_opposition_in_admin(client, admin_user, annonce):
    connecter(client, admin_user)
    url = reverse("admin:consentement_decision_opposition")
    reponse = client.post(
        url, {"nir": annonce.nir, "date_naissance": "1985-05-14", "canal": Canal.COURRIER}
    )
    assert reponse.status_code == 302
    decision = Decision.objects.get()
    assert (decision.canal, decision.role, decision.acteur) == ("courrier", "admin", admin_user)
    assert Profil.objects.get(pk=annonce.pk).statut == StatutProfil.OPPOSE


def test_at_eighteen_links_end_and_the_young_adult_gets_a_notice(representation, time_machine):
    # A quarter to midnight: the birthday is computed and the sweep run on the same day.
    time_machine.move_to(matin_a_paris(23).replace(minute=45), tick=False)
    jeune = representation.mineur
    Profil.objects.filter(pk=jeune.pk).update(
        date_naissance=cycle.date_majorite(), email_contact="jeune@exemple.fr"
    )
    autre = RepresentationFactory()
    assert balayages.majorites_traiter() == 1
    assert not Representation.objects.actives().filter(mineur=jeune).exists()
    assert Representation.objects.actives().filter(pk=autre.pk).exists()
    envoi = EnvoiAvis.objects.get()
    assert envoi.motif == "majorite" and envoi.nb_emails == 1
    assert Entree.objects.filter(profil=jeune, action=Action.REPRESENTATION_FIN).exists()
    assert balayages.majorites_traiter() == 0  # once
    assert User.objects.filter(profil=jeune).count() == 0
