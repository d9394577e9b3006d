"""Admin and allauth wording (issue 11, point 13): French with its accents, no English left,
one word for email ("adresse électronique" for the address, "courriel" for the message),
plurals that agree, "espace-santé" with its accent."""

from __future__ import annotations

import html
import re

import pytest
from django.apps import apps
from django.urls import reverse

from consentement.acces import textes
from consentement.enums import TypeDecision
from consentement.services import lots
from consentement.services.lots import exemple
from espace_sante.lib.texte import nombre
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

NOS_APPS = ("comptes", "journal", "notifications", "consentement", "dossier")
SANS_ACCENT = re.compile(
    r"\b(cree|creee|traitee?s?|numero|debut|separateur|mediateur|medecin|details?|role|"
    r"chaine|portee|cle|representant|differees|imprimes|envoyes|ferme|signale)\b"
)


def test_every_field_label_is_french_with_its_accents():
    fautes = [
        f"{modele._meta.label}.{champ.name} : {champ.verbose_name}"
        for modele in apps.get_models()
        if modele._meta.app_label in NOS_APPS
        for champ in modele._meta.get_fields()
        if hasattr(champ, "verbose_name")
        and not champ.auto_created
        and (SANS_ACCENT.search(str(champ.verbose_name)) or "public id" in str(champ.verbose_name))
    ]
    assert fautes == []


def test_the_admin_index_has_no_english_left(client, admin_user):
    connecter(client, admin_user)
    page = html.unescape(client.get(reverse("admin:index")).text)
    for anglais in ("devices", "Otp_", ">Sites<", "e-mail", "Static"):
        assert anglais not in page, anglais
    assert "Second facteur : applications d'authentification" in page
    assert "Connexion : adresses électroniques" in page


def test_counts_agree_in_the_batch_admin(client, admin_user):
    assert (nombre(0, "page"), nombre(1, "page"), nombre(2, "page")) == (
        "0 page",
        "1 page",
        "2 pages",
    )
    lot = lots.lot_creer(nom_fichier="un.csv", contenu=exemple.fichier(exemple.lignes(1)))
    for morceau_id in lots.lot_decouper(lot.pk):
        lots.morceau_traiter(morceau_id)
    assert lots.lot_finaliser(lot.pk)
    connecter(client, admin_user)
    page = client.get(reverse("admin:consentement_lot_change", args=[lot.pk])).text
    assert "1 ligne traitée sur 1" in page and "1 profil créé" in page
    assert "1 pages" not in page


def test_allauth_says_adresse_electronique_not_e_mail(client, patient):
    reponse = client.post(
        reverse("account_login"), {"login": patient.email, "password": "mauvais-mot-de-passe"}
    )
    assert "adresse électronique" in reponse.text.lower() or "courriel" in reponse.text.lower()
    assert "e-mail" not in reponse.text


def test_the_texts_people_agree_to_name_espace_sante_with_its_accent():
    for type_decision in (
        TypeDecision.OPPOSITION,
        TypeDecision.ACTIVATION,
        TypeDecision.REOUVERTURE,
    ):
        texte = textes.texte_de(type_decision)
        assert "espace-santé" in texte.corps and "espace-sante " not in texte.corps
    ancien = textes.texte_de(TypeDecision.ACTIVATION, version="activation-2026-11")
    assert "espace-sante." in ancien.corps  # an older receipt still shows what was shown
