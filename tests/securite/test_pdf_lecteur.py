"""Issue 18, item 1: a PDF is judged by what a reader reads of it, not by one linear scan.

A reader fetches each object at the offset its cross-reference table gives. Each hostile
file below shows a clean document to a scan from the first byte to the last, and hides what
a viewer runs inside the body of a stream that nothing references: the xref (or a later
revision's, or an object stream the xref names, or a reader rebuilding a broken xref) finds
the hidden objects, and pypdf reads them as the document's (checked in each case). Each is
sent through the three ways in, the portal's upload, a mail to the SMTP gateway and the
FHIR API, and must be refused with a clear reason and store nothing; a plain PDF made with
reportlab is still accepted, and what is stored opens in a reader.
"""

from __future__ import annotations

import base64
import io
import json
import zlib
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from dossier.models import Document
from espace_sante.lib import pdf as lettres
from espace_sante.lib.fichiers import verifier
from messagerie import adresses, passerelle
from messagerie.models import Conversation, Message, PieceJointe
from tests.catalogue.factories import lancer, service_et_client
from tests.conftest import connecter
from tests.dossier.test_vues import fichiers_stockes, televerser, texte
from tests.lib.corpus import PAGE, PAGES

pytestmark = pytest.mark.django_db

ACTIF = "Ce PDF contient du contenu actif"
ENTETE = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
CATALOGUE = b"<< /Type /Catalog /Pages 2 0 R >>"
PROPRES = {1: CATALOGUE, 2: PAGES, 3: PAGE}
SCRIPT = b"<< /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"


def objet(numero: int, corps: bytes) -> bytes:
    return b"%d 0 obj\n%s\nendobj\n" % (numero, corps)


def cacher(
    visibles: dict[int, bytes],
    caches: dict[int, bytes],
    *,
    debut: bytes = ENTETE,
    precedente: int | None = None,
    xref_cassee: bool = False,
) -> bytes:
    """`visibles` written plainly, then a stream no object references whose body holds
    `caches`: the xref gives the offsets of the hidden copies. With `precedente`, this is
    an incremental update of the file `debut`, whose xref starts there."""
    sortie, positions = bytearray(debut), {}
    for numero, corps in visibles.items():
        positions[numero] = len(sortie)
        sortie += objet(numero, corps)
    conteneur = max((*visibles, *caches, 9)) + 1
    cache, relatives = bytearray(), {}
    for numero, corps in caches.items():
        relatives[numero] = len(cache)
        cache += objet(numero, corps)
    positions[conteneur] = len(sortie)
    sortie += b"%d 0 obj\n<< /Length %d >>\nstream\n" % (conteneur, len(cache))
    positions |= {numero: len(sortie) + relative for numero, relative in relatives.items()}
    sortie += cache + b"\nendstream\nendobj\n"
    xref = len(sortie)
    sortie += b"xref\n0 1\n0000000000 65535 f \n"
    sortie += b"".join(b"%d 1\n%010d 00000 n \n" % (n, p) for n, p in sorted(positions.items()))
    suite = b"" if precedente is None else b" /Prev %d" % precedente
    sortie += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (conteneur + 1, suite)
    # A broken xref: startxref points nowhere, and a reader rebuilds it by looking for
    # every "n 0 obj" in the file; the later copy of an object wins.
    sortie += b"startxref\n%d\n%%%%EOF\n" % (xref + 3 if xref_cassee else xref)
    return bytes(sortie)


def mise_a_jour_incrementale() -> bytes:
    """A clean document, then an update that redefines the catalog, hidden likewise."""
    propre = cacher(PROPRES, {})
    precedente = int(propre.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    caches = {1: CATALOGUE[:-2] + b"/OpenAction 5 0 R >>", 5: SCRIPT}
    return cacher({}, caches, debut=propre, precedente=precedente)


def flux_d_objets_cache() -> bytes:
    """PDF 1.5: the xref stream puts the catalog in object stream 6, which sits inside the
    body of stream 4; the catalog and its script are compressed in it."""
    catalogue = CATALOGUE[:-2] + b"/OpenAction 7 0 R >>"
    index = b"1 0 7 %d\n" % (len(catalogue) + 1)
    compresse = zlib.compress(index + catalogue + b"\n" + SCRIPT)
    dans_le_flux = objet(
        6,
        b"<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>"
        b"\nstream\n" % (len(index), len(compresse)),
    )
    dans_le_flux = dans_le_flux.replace(b"\nendobj\n", b"") + compresse + b"\nendstream\nendobj\n"
    sortie, positions = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"), {}
    for numero, corps in PROPRES.items():
        positions[numero] = len(sortie)
        sortie += objet(numero, corps)
    positions[4] = len(sortie)
    sortie += b"4 0 obj\n<< /Length %d >>\nstream\n" % len(dans_le_flux)
    positions[6] = len(sortie)
    sortie += dans_le_flux + b"\nendstream\nendobj\n"
    positions[5] = len(sortie)

    def entree(genre: int, champ: int, rang: int) -> bytes:
        return bytes([genre]) + champ.to_bytes(4, "big") + rang.to_bytes(2, "big")

    lignes = [
        entree(0, 0, 65535),
        entree(2, 6, 0),
        *(entree(1, positions[n], 0) for n in (2, 3)),
        entree(1, positions[4], 0),
        entree(1, positions[5], 0),
        entree(1, positions[6], 0),
        entree(2, 6, 1),
    ]
    table = b"".join(lignes)
    sortie += objet(
        5,
        b"<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        b"%s\nendstream" % (len(table), table),
    )
    sortie += b"startxref\n%d\n%%%%EOF\n" % positions[5]
    return bytes(sortie)


def page_avec(corps: bytes) -> bytes:
    return PAGE[:-2] + corps + b" >>"


LIEN_JAVASCRIPT = (
    b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /Border [0 0 0]"
    b" /A << /S /URI /URI (javascript:app.alert\\(1\\)) >> >>]"
)
HOSTILES = {
    "openaction_javascript": (
        lambda: cacher(PROPRES, {1: CATALOGUE[:-2] + b"/OpenAction 5 0 R >>", 5: SCRIPT}),
        "/JavaScript",
    ),
    "lien_javascript": (lambda: cacher(PROPRES, {3: page_avec(LIEN_JAVASCRIPT)}), "javascript:"),
    "launch": (
        lambda: cacher(
            PROPRES, {1: CATALOGUE[:-2] + b"/OpenAction << /S /Launch /F (calc.exe) >> >>"}
        ),
        "/Launch",
    ),
    "actions_additionnelles": (
        lambda: cacher(PROPRES, {3: page_avec(b"/AA << /O 5 0 R >>"), 5: SCRIPT}),
        "/AA",
    ),
    "mise_a_jour_incrementale": (mise_a_jour_incrementale, "/JavaScript"),
    "flux_d_objets": (flux_d_objets_cache, "/JavaScript"),
    "xref_cassee": (
        lambda: cacher(
            PROPRES, {1: CATALOGUE[:-2] + b"/OpenAction 5 0 R >>", 5: SCRIPT}, xref_cassee=True
        ),
        "/JavaScript",
    ),
}


def lu_par_pypdf(donnees: bytes, *, strict: bool) -> str:
    """Every name, key and string a reader reaches from the document's catalog."""
    lecteur = PdfReader(io.BytesIO(donnees), strict=strict)
    vus, pile, lus = set(), [lecteur.trailer.raw_get("/Root")], []
    while pile:
        valeur = pile.pop()
        if isinstance(valeur, IndirectObject):
            if valeur.idnum in vus:
                continue
            vus.add(valeur.idnum)
            valeur = valeur.get_object()
        if isinstance(valeur, dict):
            lus += valeur.keys()
            pile += [valeur.raw_get(cle) for cle in valeur]
        elif isinstance(valeur, list):
            pile += [
                valeur.raw_get(i) if hasattr(valeur, "raw_get") else v for i, v in enumerate(valeur)
            ]
        else:
            lus.append(str(valeur))
    return " ".join(lus)


@pytest.mark.parametrize("cas", list(HOSTILES))
def test_a_reader_finds_the_hidden_content_that_a_linear_scan_does_not(cas):
    fabrique, cache = HOSTILES[cas]
    assert cache in lu_par_pypdf(fabrique(), strict=cas != "xref_cassee")


def test_the_same_files_without_the_hidden_copies_are_clean_documents():
    # The bait the linear scan sees: the xref pointing at the visible objects instead.
    assert "/JavaScript" not in lu_par_pypdf(cacher(PROPRES, {}), strict=True)
    verifier(io.BytesIO(cacher(PROPRES, {})))


# --- Through the portal ----------------------------------------------------------------


@pytest.mark.parametrize("cas", list(HOSTILES))
def test_the_portal_refuses_a_pdf_hiding_active_content_and_stores_nothing(client, patient, cas):
    connecter(client, patient)
    reponse = televerser(client, patient.profil, HOSTILES[cas][0](), nom="compte-rendu.pdf")
    assert reponse.status_code == 400
    assert ACTIF in texte(reponse)
    assert not Document.objects.exists() and fichiers_stockes(patient.profil) == []


# --- Through the SMTP gateway ----------------------------------------------------------


def courriel(pro_user, profil, contenu: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = pro_user.email
    message["To"] = adresses.adresse_patient(profil)
    message["Subject"] = "Compte rendu"
    message["Message-ID"] = adresses.nouveau_message_id()
    message.set_content("Bonjour, voici le compte rendu.")
    message.add_attachment(
        contenu, maintype="application", subtype="pdf", filename="compte-rendu.pdf"
    )
    return message.as_bytes()


def recevoir(pro_user, profil, contenu: bytes):
    return passerelle.recevoir(
        expediteur=pro_user.email,
        destinataire=adresses.adresse_patient(profil),
        donnees=courriel(pro_user, profil, contenu),
    )


def pieces_stockees(profil) -> list[Path]:
    racine = Path(settings.MEDIA_ROOT)
    return [p for p in racine.rglob(f"messagerie/{profil.public_id}/*") if p.is_file()]


@pytest.mark.parametrize("cas", list(HOSTILES))
def test_the_smtp_gateway_refuses_the_mail_with_a_550_and_stores_nothing(
    patient, professionnel, cas
):
    with pytest.raises(passerelle.RefusSmtp) as refus:
        recevoir(professionnel, patient.profil, HOSTILES[cas][0]())
    assert str(refus.value).startswith("550 5.7.1 Piece jointe refusee (compte-rendu.pdf)")
    assert "contenu actif" in str(refus.value)
    assert not Conversation.objects.exists() and not Message.objects.exists()
    assert not PieceJointe.objects.exists() and pieces_stockees(patient.profil) == []


# --- Through the FHIR API --------------------------------------------------------------


@pytest.fixture
def jeton(client, patient):
    connecter(client, patient)
    _, application = service_et_client(nom="Laboratoire connecté", slug="labo")
    reponse = lancer(
        client,
        application,
        scope="launch/patient patient/DocumentReference.c",
        cocher=["patient/DocumentReference.c"],
    )
    client.logout()
    return reponse["access_token"]


def poster_document(client, jeton, contenu: bytes):
    corps = {
        "resourceType": "DocumentReference",
        "status": "current",
        "description": "Bilan",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(contenu).decode(),
                }
            }
        ],
    }
    return client.post(
        "/fhir/DocumentReference",
        json.dumps(corps),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {jeton}",
    )


@pytest.mark.parametrize("cas", list(HOSTILES))
def test_the_fhir_api_refuses_the_document_with_an_operation_outcome(client, patient, jeton, cas):
    reponse = poster_document(client, jeton, HOSTILES[cas][0]())
    assert reponse.status_code == 422
    issue = reponse.json()
    assert issue["resourceType"] == "OperationOutcome"
    assert ACTIF in json.dumps(issue, ensure_ascii=False)
    assert not Document.objects.exists() and fichiers_stockes(patient.profil) == []


# --- A plain PDF still goes through, and what is stored opens ----------------------------


def compte_rendu() -> bytes:
    page = [("titre", "Compte rendu de consultation"), ("texte", "Tension artérielle normale.")]
    return lettres.document([page], titre="Compte rendu")


def lisible(stocke: bytes) -> None:
    lecteur = PdfReader(io.BytesIO(stocke), strict=True)
    assert "Tension artérielle normale." in lecteur.pages[0].extract_text()
    # What is stored is the rewrite, read with the same check: stable from then on.
    assert verifier(io.BytesIO(stocke)).contenu == stocke


def test_a_plain_pdf_uploaded_on_the_portal_is_stored_and_opens(client, patient):
    connecter(client, patient)
    assert televerser(client, patient.profil, compte_rendu()).status_code == 302
    document = Document.objects.get()
    with document.fichier.storage.open_raw(document.fichier.name) as brut:
        assert brut.read(2) == b"ES"  # encrypted at rest
    with document.fichier.open("rb") as fichier:
        lisible(fichier.read())


def test_a_plain_pdf_sent_by_mail_is_stored_and_opens(patient, professionnel):
    message = recevoir(professionnel, patient.profil, compte_rendu())
    piece = message.pieces.get()
    with piece.fichier.open("rb") as fichier:
        lisible(fichier.read())


def test_a_plain_pdf_posted_to_the_api_is_stored_and_opens(client, patient, jeton):
    assert poster_document(client, jeton, compte_rendu()).status_code == 201
    with Document.objects.get(profil=patient.profil).fichier.open("rb") as fichier:
        lisible(fichier.read())


def test_what_is_stored_keeps_no_unreferenced_object_nor_older_revision():
    # A clean file with an unreferenced stream and an update: only what the reader
    # reaches is written back, once.
    donnees = cacher(PROPRES, {9: b"<< /Note (brouillon) >>"})
    stocke = verifier(io.BytesIO(donnees)).contenu
    assert b"brouillon" not in stocke and stocke.count(b"startxref") == 1
    assert len(PdfReader(io.BytesIO(stocke), strict=True).pages) == 1
