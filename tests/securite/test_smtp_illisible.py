"""Headers the email package cannot read (issue 18, point 2): they were read outside the
gateway's guarded parsing step, so a value like ``Message-ID: <<<<`` (an ``IndexError`` on
Python 3.12.1) or an odd file name answered ``451`` and the relay retried for days. Any
header a mail carries now gets a final answer: accepted (250) or refused for good (5xx),
with an ASCII, one-line, bounded reply; and a refused attachment is named as the patient
would see it."""

from __future__ import annotations

import base64
import smtplib

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothese
from hypothesis import strategies as st

from messagerie import adresses, passerelle
from messagerie.models import Conversation, Message
from tests.lib.corpus import pdf
from tests.messagerie.outils import passerelle_lancee, pdf_hostile

pytestmark = pytest.mark.django_db(transaction=True)

PDF = base64.encodebytes(pdf()).replace(b"\n", b"\r\n")
# Pieces of header values parsers stumble on: brackets, quotes, encoded words, RFC 2231
# continuations and charsets, percent escapes (of CR LF too), bidi and invisible characters.
_MORCEAUX = [
    "<",
    ">",
    "<<",
    '"',
    "'",
    "=",
    "?",
    "*",
    "%",
    ";",
    "\\",
    "(",
    ")",
    "@",
    ",",
    ":",
    ".",
    " ",
    "\t",
    "a",
    "Z",
    "0",
    "é",
    "\u202e",
    "\u2066",
    "\u200f",
    "\ufeff",
    "\r\n ",
    "=?utf-8?b?",
    "=?utf-8?q?",
    "=?x?",
    "?=",
    "QUFB",
    "''",
    "utf-8''",
    "us-ascii'fr'",
    "%E2%80%AE",
    "%0D%0A",
    "%FF",
    "*0*=",
    "*1=",
    "name=",
    "filename*=",
    "<id@x>",
]
VALEUR = st.lists(st.sampled_from(_MORCEAUX), max_size=30).map("".join)


def _brut(
    pro_user,
    profil,
    *,
    message_id="<1@x>",
    reponse="",
    references="",
    auteur="Dr",
    charset="utf-8",
    nom="bilan.pdf",
    etoile="",
    piece=PDF,
) -> bytes:
    return (
        (
            f"From: {auteur} <{pro_user.email}>\r\n"
            f"To: {adresses.adresse_patient(profil)}\r\n"
            "Subject: Résultats\r\n"
            f"Message-ID: {message_id}\r\nIn-Reply-To: {reponse}\r\nReferences: {references}\r\n"
            'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="frontiere"\r\n\r\n'
            f"--frontiere\r\nContent-Type: text/plain; charset={charset}\r\n\r\nBonjour.\r\n"
            f"--frontiere\r\nContent-Type: application/pdf; name{etoile}={nom}\r\n"
            f"Content-Disposition: attachment; filename{etoile}={nom}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + piece
        + b"\r\n--frontiere--\r\n"
    )


def _reponse_smtp(pro_user, profil, brut: bytes) -> str:
    """What the gateway answers to DATA for ``brut``: 250 or the refusal's status line (the
    SMTP layer answers 451 to any other exception: this test fails on one instead)."""
    try:
        passerelle.recevoir(
            expediteur=pro_user.email, destinataire=adresses.adresse_patient(profil), donnees=brut
        )
    except passerelle.RefusSmtp as refus:
        return str(refus)
    return "250 2.0.0 Message recu"


def _finale_et_propre(reponse: str) -> None:
    assert reponse[0] in "25", reponse  # never 4xx: the relay would retry for days
    assert reponse.isascii() and reponse.isprintable() and len(reponse) <= 512, reponse


@hypothese(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    message_id=VALEUR,
    reponse=VALEUR,
    references=VALEUR,
    auteur=VALEUR,
    charset=VALEUR,
    nom=VALEUR,
    etoile=st.sampled_from(["", "*", "*0*", "*0"]),
)
@example(
    message_id="<<<<",
    reponse="",
    references="",
    auteur="Dr",
    charset="utf-8",
    nom="bilan.pdf",
    etoile="",
)
@example(
    message_id="<1@x>",
    reponse="<<<<",
    references="<<<<",
    auteur="Dr",
    charset="utf-8",
    nom="utf-8''%E2%80%AEfdp.exe%0D%0A250",
    etoile="*",
)
def test_any_header_value_gets_a_final_answer(
    settings, patient, professionnel, message_id, reponse, references, auteur, charset, nom, etoile
):
    settings.MESSAGERIE_MESSAGES_PAR_HEURE = 100_000
    avant = Message.objects.count()
    brut = _brut(
        professionnel,
        patient.profil,
        message_id=message_id,
        reponse=reponse,
        references=references,
        auteur=auteur,
        charset=charset,
        nom=nom,
        etoile=etoile,
    )
    reponse_smtp = _reponse_smtp(professionnel, patient.profil, brut)
    _finale_et_propre(reponse_smtp)
    if reponse_smtp[0] == "5":
        assert Message.objects.count() == avant  # refused: nothing stored


def test_an_unreadable_message_id_is_refused_for_good_through_the_gateway(patient, professionnel):
    with (
        passerelle_lancee() as serveur,
        smtplib.SMTP(serveur.hostname, serveur.port, timeout=30) as client,
    ):
        client.ehlo("relais.messagerie.example")
        with pytest.raises(smtplib.SMTPDataError) as refus:
            client.sendmail(
                professionnel.email,
                [adresses.adresse_patient(patient.profil)],
                _brut(professionnel, patient.profil, message_id="<<<<"),
            )
    assert refus.value.smtp_code == 550 and refus.value.smtp_error.startswith(b"5.6.0 ")
    assert not Conversation.objects.exists() and not Message.objects.exists()


def test_a_refused_attachment_is_named_as_shown_on_one_line(patient, professionnel):
    """Its name decoded from RFC 2231 held a bidi override and CR LF: quoted raw, the reply
    broke into a second line the relay read as the answer to its next command."""
    nom = "utf-8''" + "%E2%80%AEfdp.exe%0D%0A250%202.0.0%20ok" + "x" * 150
    brut = _brut(
        professionnel,
        patient.profil,
        nom=nom,
        etoile="*",
        piece=base64.encodebytes(pdf_hostile()).replace(b"\n", b"\r\n"),
    )
    with (
        passerelle_lancee() as serveur,
        smtplib.SMTP(serveur.hostname, serveur.port, timeout=30) as client,
    ):
        client.ehlo("relais.messagerie.example")
        with pytest.raises(smtplib.SMTPDataError) as refus:
            client.sendmail(professionnel.email, [adresses.adresse_patient(patient.profil)], brut)
        assert client.noop() == (250, b"OK")  # no stray line waiting to answer it
    texte = refus.value.smtp_error.decode()
    assert refus.value.smtp_code == 550
    assert texte.startswith("5.7.1 Piece jointe refusee (fdp.exe  250 2.0.0 okxxx")  # CR LF: spaces
    nom_cite = texte[texte.index("(") + 1 : texte.index(") : ")]
    assert nom_cite.endswith("...") and len(nom_cite) == passerelle.NOM_MAX
    assert not Message.objects.exists()
