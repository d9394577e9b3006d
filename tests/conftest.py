"""Strict harness and fixed personas.

Personas: a patient, a parent with a minor, a professional, a second professional
(the one the record tests block: blocking is per patient, so it is set where tested), a
mediator, an admin and a stranger (a login with no role).
"""

import logging
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from espace_sante.comptes import otp
from espace_sante.comptes.enums import Civilite
from tests.comptes.factories import (
    MediateurFactory,
    ProfessionnelFactory,
    ProfilFactory,
    RepresentationFactory,
    UserFactory,
    ouvrir_compte_du_mineur,
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures and tests there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEMPLATES_DU_PROJET = Path(settings.BASE_DIR) / "templates"


class _VariablesIndefinies(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.erreurs = []

    def emit(self, record):
        if not record.getMessage().startswith("Exception while resolving variable"):
            return
        variable, template = record.args[0], record.args[1]
        # Only our own templates must be clean; the admin's and libraries' are theirs.
        # allauth's element templates take optional attributes by design.
        template = str(template or "")
        if template.startswith("allauth/elements/"):
            return
        if template and (TEMPLATES_DU_PROJET / template).is_file():
            self.erreurs.append(f"« {variable} » indéfinie dans {template}")


@pytest.fixture(autouse=True)
def _variables_de_gabarit_strictes():
    logger = logging.getLogger("django.template")
    handler, niveau = _VariablesIndefinies(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield
    logger.removeHandler(handler)
    logger.setLevel(niveau)
    assert not handler.erreurs, "Variables de gabarit indéfinies : " + "; ".join(handler.erreurs)


@pytest.fixture(autouse=True)
def _matrice_des_professions(request):
    """The default profession matrix, as the data migration loads it.

    Transactional tests flush the database after them, data migrations included: put
    the defaults back for each test that uses the database.
    """
    marqueur = request.node.get_closest_marker("django_db")
    if marqueur is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactionnel = bool(marqueur and marqueur.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactionnel else "db")
    from consentement.acces import matrice

    matrice.initialiser()


@pytest.fixture(autouse=True)
def _points_de_controle(settings, tmp_path):
    """Each test has its own checkpoint files: the database is fresh, so must they be."""
    settings.JOURNAL_CHECKPOINT_DIR = tmp_path / "points-de-controle"


# --- Personas ---------------------------------------------------------------------


@pytest.fixture
def patient(db):
    return ProfilFactory(
        active=True, titulaire__prenom="Camille", titulaire__nom="Martin"
    ).titulaire


@pytest.fixture
def representation(db):
    return RepresentationFactory(representant__titulaire__prenom="Nadia", mineur__prenoms="Yanis")


@pytest.fixture
def parent(representation):
    return representation.representant.titulaire


@pytest.fixture
def mineur(representation):
    return representation.mineur


@pytest.fixture
def compte_du_mineur(mineur):
    """Yanis has his own account (the notices of a confidential act go there)."""
    return ouvrir_compte_du_mineur(mineur)


@pytest.fixture
def professionnel(db):
    return ProfessionnelFactory().user


@pytest.fixture
def professionnel_bloque(db):
    return ProfessionnelFactory(
        user__prenom="Marc", user__nom="Bloqué", civilite=Civilite.MONSIEUR
    ).user


@pytest.fixture
def mediateur(db):
    return MediateurFactory().user


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True, prenom="Alex", nom="Admin")


@pytest.fixture
def inconnu(db):
    return UserFactory(prenom="Sam", nom="Inconnu")


@pytest.fixture
def annonce(db):
    """An announced profile, opposition still open, whose notice code is known (``code_clair``)."""
    from consentement.services import cycle

    profil = ProfilFactory(
        date_limite_opposition=timezone.localdate() + timedelta(weeks=6),
        email_contact="camille@exemple.fr",
    )
    profil.code_clair = cycle.code_renouveler(profil=profil)
    return profil


PERSONAS = [
    "anonyme",
    "patient",
    "parent",
    "professionnel",
    "professionnel_bloque",
    "mediateur",
    "admin_user",
    "inconnu",
]


def connecter(client, user, *, verifie=True):
    """Log in; with ``verifie`` the session has passed the second factor too."""
    client.force_login(user)
    if verifie:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = otp.appareil_email(user).persistent_id
        session.save()
    return client


@pytest.fixture
def client_de(client, request):
    """client_de("patient") → a test client logged in (OTP verified) as that persona."""

    def _client(nom: str):
        if nom == "anonyme":
            return client
        return connecter(client, request.getfixturevalue(nom))

    return _client


def acteur_de(user, profil=None):
    """The actor a request of this user resolves (``request.acteur``), narrowed to the record
    of ``profil`` when given (None when the policy grants nothing there)."""
    from consentement import acces

    base = acces.acteur_de_connexion(user)
    return base if profil is None else acces.sur_dossier(base, profil)


def courriels():
    """What the workers do with pending notifications (send them), then the test outbox."""
    from django.core import mail

    from espace_sante.notifications.services import en_attente_envoyer

    en_attente_envoyer()
    return mail.outbox
