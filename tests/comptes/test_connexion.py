import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from espace_sante.comptes import otp
from espace_sante.comptes.models import User
from espace_sante.journal.models import Entree
from tests.actions import Action
from tests.comptes.factories import MOT_DE_PASSE
from tests.conftest import connecter
from tests.horloge import figer

pytestmark = pytest.mark.django_db

ACCUEILS = {
    "patient": "/dossier/",
    "parent": "/dossier/",
    "professionnel": "/pro/",
    "mediateur": "/france-services/",
    "admin_user": "/admin/",
    "inconnu": "/compte/sans-espace/",
}


def _mot_de_passe(client, email, mot_de_passe=MOT_DE_PASSE, ip="10.0.0.1"):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": mot_de_passe},
        REMOTE_ADDR=ip,
    )


def _code_recu(email) -> str:
    message = [m for m in mail.outbox if email in m.to][-1]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.mark.parametrize("persona", list(ACCUEILS))
def test_every_role_needs_the_emailed_code_then_lands_on_its_home(client, persona, request):
    user = request.getfixturevalue(persona)
    reponse = _mot_de_passe(client, user.email)
    assert reponse.status_code == 302
    # Without the second factor, every page sends back to the code page.
    for url in ["/accueil/", ACCUEILS[persona], "/compte/securite/"]:
        suite = client.get(url)
        assert suite.status_code == 302 and suite.url.startswith("/compte/verification/")
    reponse = client.post(
        reverse("comptes:otp"), {"methode": "email", "code": _code_recu(user.email)}
    )
    assert reponse.status_code == 302 and reponse.url == ACCUEILS[persona]
    assert client.get(ACCUEILS[persona]).status_code == 200
    assert client.get("/accueil/").url == ACCUEILS[persona]


def test_the_emailed_code_says_how_long_it_is_valid(client, patient):
    _mot_de_passe(client, patient.email)
    corps = mail.outbox[-1].body
    assert "10 minutes" in corps and mail.outbox[-1].subject.startswith("Votre code")


def test_wrong_code_is_refused_with_a_french_message(client, patient):
    _mot_de_passe(client, patient.email)
    reponse = client.post(reverse("comptes:otp"), {"methode": "email", "code": "000000"})
    assert reponse.status_code == 200
    assert "Code incorrect ou expiré" in reponse.text
    assert client.get("/dossier/").status_code == 302
    assert Entree.objects.filter(acteur=patient, action=Action.OTP_ECHEC).count() == 1


def test_session_id_changes_at_login_and_at_otp_verification(client, patient):
    client.get(reverse("account_login"))
    cle_anonyme = client.session.session_key
    _mot_de_passe(client, patient.email)
    cle_connecte = client.session.session_key
    client.post(reverse("comptes:otp"), {"methode": "email", "code": _code_recu(patient.email)})
    cle_verifie = client.session.session_key
    assert len({cle_anonyme, cle_connecte, cle_verifie}) == 3


def test_login_and_otp_are_journaled(client, patient):
    _mot_de_passe(client, patient.email)
    client.post(reverse("comptes:otp"), {"methode": "email", "code": _code_recu(patient.email)})
    client.post(reverse("account_logout"))
    actions = list(
        Entree.objects.filter(acteur=patient).order_by("rang").values_list("action", flat=True)
    )
    assert actions == [Action.CONNEXION, Action.OTP_VERIFIE, Action.DECONNEXION]


def test_password_failures_lock_their_source_and_only_slow_the_account_elsewhere(
    client, patient, settings, time_machine
):
    """A stranger's wrong passwords cannot lock the owner out: from the stranger's address
    everything is refused; from anywhere else the account only waits a few seconds. (The
    clock stands still until the test moves it: a slow machine cannot use up the wait.)"""
    figer(time_machine)
    settings.LOCKOUT_MAX_DELAY_SECONDS = 1
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        reponse = _mot_de_passe(client, patient.email, "mauvais-mot-de-passe", ip="10.0.0.1")
        assert reponse.status_code == 200
    reponse = _mot_de_passe(client, patient.email, MOT_DE_PASSE, ip="10.0.0.1")
    assert "Trop de tentatives" in reponse.text  # even the right password, from there
    assert client.get("/dossier/").status_code == 302  # still anonymous
    assert Entree.objects.filter(acteur=patient, action=Action.VERROUILLAGE).exists()
    attente = _mot_de_passe(client, patient.email, MOT_DE_PASSE, ip="10.9.9.9")
    assert "patientez 1 seconde" in html.unescape(attente.text)  # refused unchecked
    time_machine.shift(1.1)
    owner = _mot_de_passe(client, patient.email, MOT_DE_PASSE, ip="10.9.9.9")
    assert owner.status_code == 302 and client.get(owner.url).url.startswith(
        "/compte/verification/"
    )


def test_strangers_from_many_addresses_never_lock_the_owner_out(
    client, patient, settings, time_machine
):
    figer(time_machine)
    settings.LOCKOUT_MAX_DELAY_SECONDS = 1
    for n in range(3 * settings.LOCKOUT_MAX_FAILURES):
        _mot_de_passe(client, patient.email, "devine", ip=f"10.1.{n}.1")
        time_machine.shift(0.05)
    time_machine.shift(1.1)
    owner = _mot_de_passe(client, patient.email, MOT_DE_PASSE, ip="10.2.0.1")
    assert owner.status_code == 302 and client.get(owner.url).url.startswith(
        "/compte/verification/"
    )


def test_failures_from_one_ip_lock_that_ip_for_every_account(client, patient, parent, settings):
    settings.LOCKOUT_IP_MAX_FAILURES = 3
    for n in range(3):
        _mot_de_passe(client, f"inconnu{n}@exemple.fr", "x", ip="10.6.6.6")
    reponse = _mot_de_passe(client, parent.email, ip="10.6.6.6")
    assert "Trop de tentatives" in reponse.text
    # Another IP is not affected.
    assert _mot_de_passe(client, parent.email, ip="10.7.7.7").status_code == 302


def test_too_many_wrong_codes_log_out_and_lock(client, patient, settings):
    _mot_de_passe(client, patient.email)
    reponse = None
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        reponse = client.post(reverse("comptes:otp"), {"methode": "email", "code": "111111"})
    assert reponse.status_code == 302 and reponse.url == reverse("account_login")
    assert "_auth_user_id" not in client.session
    # Logging in again does not reopen the code page: the lock holds.
    _mot_de_passe(client, patient.email)
    code = _code_recu(patient.email)
    reponse = client.post(reverse("comptes:otp"), {"methode": "email", "code": code})
    assert reponse.status_code == 302 and reponse.url == reverse("account_login")


def test_totp_enrolment_then_login_with_the_application(client, patient):
    connecter(client, patient)
    client.post(reverse("account_reauthenticate"), {"password": MOT_DE_PASSE})
    assert client.get(reverse("comptes:totp_ajout")).status_code == 200
    page = client.post(reverse("comptes:totp_demarrer"))
    assert "<svg" in page.text
    device = TOTPDevice.objects.get(user=patient, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    reponse = client.post(reverse("comptes:totp_ajout"), {"code": code})
    assert reponse.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    client.post(reverse("account_logout"))
    mail.outbox.clear()
    _mot_de_passe(client, patient.email)
    assert mail.outbox == []  # TOTP is now preferred: no email sent
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    reponse = client.post(
        reverse("comptes:otp"), {"methode": "totp", "code": f"{totp(device.bin_key):06d}"}
    )
    assert reponse.status_code == 302
    assert client.get("/dossier/").status_code == 200


def test_backup_code_works_once(client, patient):
    codes = otp.generer_codes_secours(patient)
    assert len(codes) == 10
    _mot_de_passe(client, patient.email)
    reponse = client.post(reverse("comptes:otp"), {"methode": "secours", "code": codes[0]})
    assert reponse.status_code == 302
    client.post(reverse("account_logout"))
    _mot_de_passe(client, patient.email)
    reponse = client.post(reverse("comptes:otp"), {"methode": "secours", "code": codes[0]})
    assert reponse.status_code == 200 and "Code incorrect" in reponse.text


def test_backup_codes_page_shows_them_once(client, patient):

    connecter(client, patient)
    client.post(reverse("account_reauthenticate"), {"password": MOT_DE_PASSE})
    page = client.post(reverse("comptes:codes_secours"))
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", page.text)
    assert len(codes) == 10
    carnet = patient.carnetsecours_set.get()
    assert all(carnet.codes.filter(empreinte=carnet.empreinte(code)).exists() for code in codes)
    assert client.get(reverse("comptes:securite")).status_code == 200


def test_admin_requires_the_second_factor(client, admin_user):
    client.force_login(admin_user)
    reponse = client.get("/admin/")
    assert reponse.status_code == 302 and reponse.url.startswith("/compte/verification/")


def test_admin_login_page_redirects_to_the_common_login(client):
    reponse = client.get("/admin/login/?next=/admin/comptes/profil/")
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))


def test_non_staff_verified_user_cannot_enter_admin(client_de):
    client = client_de("patient")
    reponse = client.get("/admin/", follow=True)
    assert reponse.status_code == 404


def test_open_redirect_after_code_is_refused(client, patient):
    _mot_de_passe(client, patient.email)
    reponse = client.post(
        reverse("comptes:otp"),
        {"methode": "email", "code": _code_recu(patient.email), "next": "https://evil.example/"},
    )
    assert reponse.status_code == 302 and reponse.url == "/dossier/"


def test_public_signup_is_closed(client):
    reponse = client.post(
        reverse("account_signup"),
        {
            "email": "nouveau@exemple.fr",
            "password1": "Un-mot-de-passe-2026",
            "password2": "Un-mot-de-passe-2026",
        },
    )
    assert reponse.status_code == 200
    assert not User.objects.filter(email="nouveau@exemple.fr").exists()


def test_idle_sessions_expire_and_activity_keeps_them_alive(client, patient, time_machine):
    """30 idle minutes (the production setting), the expiry pushed at most once a minute: the
    clock is moved, not waited for, so both the session's expiry date (checked by the
    database session engine) and the activity middleware's ``time.time()`` see it move."""
    from datetime import timedelta

    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_ACTIVITE_PAS == 60
    figer(time_machine)
    connecter(client, patient)
    for _ in range(3):  # an hour of activity: twice the idle timeout
        assert client.get("/dossier/").status_code == 200
        time_machine.shift(timedelta(minutes=20))
    assert client.get("/dossier/").status_code == 200
    time_machine.shift(timedelta(minutes=29))  # idle, but not for long enough
    assert client.get("/dossier/").status_code == 200
    time_machine.shift(timedelta(minutes=31))  # idle longer than the timeout
    reponse = client.get("/dossier/")
    assert reponse.status_code == 302 and "/compte/connexion/" in reponse["Location"]


def test_old_failed_attempts_are_purged_and_recent_ones_kept(settings):
    from datetime import timedelta

    from django.utils import timezone

    from espace_sante.comptes import verrouillage
    from espace_sante.comptes.enums import PorteeTentative
    from espace_sante.comptes.models import Tentative

    verrouillage.enregistrer_echec(portee=PorteeTentative.CONNEXION, compte="a@b.fr", ip="1.2.3.4")
    ancienne = timezone.now() - settings.LOCKOUT_WINDOW - timedelta(minutes=1)
    Tentative.objects.create(portee=PorteeTentative.CONNEXION, cle="x", horodatage=ancienne)
    assert verrouillage.purger_anciennes() == 1
    assert Tentative.objects.count() == 2


def test_the_login_is_said_successful_only_after_the_code_and_never_names_the_person(
    client, patient
):
    """Issue 21, point 12: the password alone must not greet the person by name."""
    nom = patient.nom_complet
    page_code = client.get(_mot_de_passe(client, patient.email).url)
    assert "réussie" not in page_code.text and nom not in page_code.text
    apres = client.post(
        reverse("comptes:otp"), {"methode": "email", "code": _code_recu(patient.email)}, follow=True
    )
    assert "Connexion réussie." in html.unescape(apres.text)
