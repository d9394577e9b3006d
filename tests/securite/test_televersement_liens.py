"""Issue 9, item 14: a PDF's links and actions may not run or fetch anything.

Only http, https and mailto links pass, however the target is written (escaped, octal,
hex, UTF-16, with whitespace or control characters); actions that open, play, hide,
switch or run something are refused. Each case is a small PDF written by hand.
"""

from __future__ import annotations

import pytest
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.lib.corpus import PAGES, annotation_lien, flux_d_objets, pdf, pdf_a_la_main
from tests.securite.test_televersement_pdf import verdict

ACTIF = (
    "Ce PDF contient du contenu actif (script, action automatique ou fichier joint) : "
    "il est refusé. Enregistrez-le de nouveau en « PDF simple » ou imprimez-le en PDF."
)
CATALOGUE = b"<< /Type /Catalog /Pages 2 0 R >>"


def pdf_avec_action(action: bytes, *autres: bytes, catalogue: bytes = CATALOGUE) -> bytes:
    """One page with one link annotation whose action is `action`; `autres` are objects 5…"""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>"
    lien = b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A %s >>" % action
    return pdf_a_la_main([catalogue, PAGES, page, lien, *autres])


def lien(cible: bytes) -> bytes:
    return pdf_avec_action(b"<< /S /URI /URI %s >>" % cible)


def hexa(texte: bytes) -> bytes:
    return b"<" + texte.hex().encode() + b">"


LIENS_REFUSES = {
    "javascript": b"(javascript:app.alert(1))",
    "majuscules": b"(JavaScript:app.alert(1))",
    "espaces_devant": b"(  \\t javascript:app.alert(1))",
    "tabulation_dedans": b"(java\tscript:app.alert(1))",
    "tabulation_echappee": b"(java\\tscript:app.alert(1))",
    "saut_de_ligne_continue": b"(java\\\nscript:app.alert(1))",
    "caractere_de_controle": b"(\x01javascript:app.alert(1))",
    "octal": b"(\\152\\141vascript:app.alert(1))",
    "lettres_echappees": b"(\\j\\a\\v\\a\\s\\c\\r\\i\\p\\t:app.alert(1))",
    "hexadecimal": hexa(b"javascript:app.alert(1)"),
    "hexadecimal_espace": b"<6A 61 76 61 73 63 72 69 70 74 3A 31>",
    "utf16": hexa("javascript:app.alert(1)".encode("utf-16-be")).replace(b"<", b"<FEFF", 1),
    "fichier": b"(file:///C:/Windows/System32/calc.exe)",
    "partage_reseau": b"(\\\\\\\\serveur\\\\partage\\\\ordonnance.exe)",
    "donnees": b"(data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "vbscript": b"(vbscript:msgbox)",
    "sans_schema": b"(ordonnance.html)",
    "vide": b"()",
}


@pytest.mark.parametrize("cible", list(LIENS_REFUSES))
def test_a_link_to_anything_but_http_https_or_mailto_is_refused(cible):
    assert verdict(lien(LIENS_REFUSES[cible])) == ACTIF


LIENS_ACCEPTES = {
    "https": b"(https://www.ameli.fr/assure/remboursements)",
    "http": b"(http://www.example.fr/)",
    "majuscules": b"(HTTPS://WWW.AMELI.FR/)",
    "mailto": b"(mailto:secretariat@cabinet-medical.fr)",
    "espace_devant": b"( https://www.ameli.fr/)",
    "octal": b"(\\150ttps://www.ameli.fr/)",
    "hexadecimal": hexa(b"https://www.ameli.fr/"),
    "utf16": hexa("https://www.ameli.fr/".encode("utf-16-be")).replace(b"<", b"<FEFF", 1),
    "parentheses_dans_l_adresse": b"(https://fr.wikipedia.org/wiki/Grippe_(maladie))",
}


@pytest.mark.parametrize("cible", list(LIENS_ACCEPTES))
def test_a_link_to_http_https_or_mailto_is_accepted_however_written(cible):
    assert verdict(lien(LIENS_ACCEPTES[cible])) == "accepté"


def test_a_link_written_by_pypdf_to_javascript_is_refused():
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject("javascript:app.alert('pwned')"),
        }
    )
    assert verdict(pdf(lambda w, page: w.add_annotation(page, annotation_lien(action)))) == ACTIF


def test_a_link_whose_target_is_another_object_is_refused_as_it_cannot_be_checked():
    assert verdict(pdf_avec_action(b"<< /S /URI /URI 5 0 R >>", b"(https://ok.fr)")) == ACTIF


def test_a_base_uri_to_javascript_is_refused():
    catalogue = b"<< /Type /Catalog /Pages 2 0 R /URI << /Base (javascript:void) >> >>"
    assert verdict(lien(b"(page.html)").replace(CATALOGUE, catalogue)) == ACTIF


def test_a_javascript_link_inside_a_compressed_object_stream_is_refused():
    action = b"5 0 << /S /URI /URI (javascript:app.alert(1)) >>"
    assert verdict(flux_d_objets(action)) == ACTIF
    assert verdict(flux_d_objets(action.replace(b"javascript:app.alert(1)", b"https://a.fr"))) == (
        "accepté"
    )


ACTIONS_REFUSEES = {
    "rendition_distante": b"<< /S /Rendition /OP 0 /R << /C << /D << /FS /URL /F (https://x/v.mp4) >> >> >> >>",
    "menu_nomme": b"<< /S /Named /N /Print >>",
    "vue_3d": b"<< /S /GoTo3DView /TA 6 0 R /V 0 >>",
    "son": b"<< /S /Sound /Sound 6 0 R >>",
    "film": b"<< /S /Movie /T (film) >>",
    "masquer": b"<< /S /Hide /T (champ) >>",
    "calques": b"<< /S /SetOCGState /State [/OFF 6 0 R] >>",
    "transition": b"<< /S /Trans /Trans << /S /Dissolve >> >>",
    "article": b"<< /S /Thread /F (autre.pdf) /D 0 >>",
    "multimedia": b"<< /S /RichMediaExecute /TA 6 0 R /TI 6 0 R >>",
    "type_echappe": b"<< /S /Tr#61ns /Trans << /S /R >> >>",
    "type_indirect": b"<< /S 5 0 R /D [3 0 R /Fit] >>",
}


@pytest.mark.parametrize("action", list(ACTIONS_REFUSEES))
def test_an_action_that_fetches_plays_hides_or_runs_something_is_refused(action):
    assert verdict(pdf_avec_action(ACTIONS_REFUSEES[action], b"/GoTo")) == ACTIF


def test_a_url_file_specification_is_refused():
    specification = b"<< /Type /Filespec /FS /URL /F (https://x.fr/ordonnance.pdf) >>"
    assert verdict(pdf_avec_action(b"<< /S /GoTo /D [3 0 R /Fit] >>", specification)) == ACTIF


def test_a_link_to_a_page_of_the_same_document_is_accepted():
    assert verdict(pdf_avec_action(b"<< /S /GoTo /D [3 0 R /Fit] >>")) == "accepté"


def test_a_page_transition_effect_is_not_taken_for_a_transition_action():
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Trans << /S /Dissolve /D 1 >> >>"
    assert verdict(pdf_a_la_main([CATALOGUE, PAGES, page])) == "accepté"
