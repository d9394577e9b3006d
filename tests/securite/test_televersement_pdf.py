"""Issue 9, item 1: checking an uploaded PDF takes linear time, whatever its bytes.

An 80 KB upload used to hold a worker for 14.6 s (a lazy ".*?endstream" and a repeated
string pattern, both quadratic), blocking an unrelated request; the cap is 20 MB. Each
20 MB worst case below must be checked in under 2 s (the one timed bound the issue asks
for), a generated corpus must stay linear, and the real upload view must refuse the
hostile file quickly and store nothing.
"""

from __future__ import annotations

import io
import resource
import time
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.models import Document
from espace_sante.journal.models import Entree
from espace_sante.lib.fichiers import TAILLE_MAX, FichierInvalide, verifier
from espace_sante.lib.fichiers_pdf import LECTURE_MAX, motif_de_refus
from tests.actions import Action
from tests.conftest import connecter
from tests.dossier.test_vues import fichiers_stockes, televerser, texte
from tests.lib.corpus import PAGE, PAGES, flux_d_objets, pdf_a_la_main

ACTIF = "Ce PDF contient du contenu actif"
ILLISIBLE = "Le PDF est illisible ou endommagé."
COMPLEXE = "Ce PDF est trop complexe pour être vérifié"
CHIFFRE = "Les PDF protégés par un mot de passe ne sont pas acceptés."
ENTETE = b"%PDF-1.4\n"
BORNE = 2.0  # seconds for 20 MB


def remplir(motif: bytes, taille: int = TAILLE_MAX, debut: bytes = ENTETE) -> bytes:
    return debut + motif * ((taille - len(debut)) // len(motif))


def verdict(donnees: bytes) -> str:
    try:
        verifier(io.BytesIO(donnees))
    except FichierInvalide as refus:
        return str(refus)
    return "accepté"


def temps_de_calcul() -> float:
    """CPU seconds of this thread and of the processes it has waited for: the check runs
    in a process of its own (``pdf_isole``), and a busy neighbour on a shared machine
    stretches the wall clock, not the work."""
    enfants = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.thread_time() + enfants.ru_utime + enfants.ru_stime


def chronometrer(donnees: bytes, essais: int = 3) -> tuple[float, str]:
    """The least CPU time of up to `essais` runs, and what the check said."""
    meilleur = float("inf")
    for _ in range(essais):
        debut = temps_de_calcul()
        issue = verdict(donnees)
        meilleur = min(meilleur, temps_de_calcul() - debut)
        if meilleur < BORNE / 2:
            break
    return meilleur, issue


# --- 20 MB worst cases ---------------------------------------------------------------

# Built when a test runs: thirty of them held at once would take 600 MB.
PIRES_CAS = {
    # The two files of the issue, at the cap.
    "echappements_dans_une_chaine": (
        lambda: ENTETE + b"(" + b"\\(" * (TAILLE_MAX // 2 - 8),
        ILLISIBLE,
    ),
    "mots_stream": (lambda: remplir(b"stream\n"), ILLISIBLE),
    "parentheses_ouvertes": (lambda: remplir(b"("), ILLISIBLE),
    "chaines_imbriquees_au_plus_profond": (lambda: remplir(b"(" * 16 + b")" * 16), ILLISIBLE),
    "chaines_trop_imbriquees": (lambda: remplir(b"(" * 17 + b")" * 17), ILLISIBLE),
    "chaines_vides": (lambda: remplir(b"()"), ILLISIBLE),
    "chaine_jamais_fermee": (lambda: ENTETE + b"(" + b"a" * (TAILLE_MAX - 20), ILLISIBLE),
    "dictionnaires_ouverts": (lambda: remplir(b"<<"), ILLISIBLE),
    "dictionnaires_vides": (lambda: remplir(b"<<>>"), ILLISIBLE),
    "tableaux_ouverts": (lambda: remplir(b"["), ILLISIBLE),
    "tableaux_vides": (lambda: remplir(b"[]"), ILLISIBLE),
    "chaines_hexadecimales": (lambda: remplir(b"<>"), ILLISIBLE),
    "chaine_hexadecimale_jamais_fermee": (
        lambda: ENTETE + b"<" + b"0" * (TAILLE_MAX - 20),
        ILLISIBLE,
    ),
    "chevrons_seuls": (lambda: remplir(b"<x"), ILLISIBLE),
    "parentheses_fermantes_seules": (lambda: remplir(b"x)"), ILLISIBLE),
    "commentaires": (lambda: remplir(b"%\n"), ILLISIBLE),
    "entetes_d_objets": (lambda: remplir(b"1 0 obj "), COMPLEXE),
    "flux_vides": (lambda: remplir(b"<<>>stream\nendstream\n"), COMPLEXE),
    "flux_jamais_fermes": (lambda: remplir(b"<<>>stream\n"), ILLISIBLE),
    "nom_long": (lambda: ENTETE + b"/" + b"a" * (TAILLE_MAX - 20), ILLISIBLE),
    "noms_proches_d_un_nom_interdit": (lambda: remplir(b"/A"), ILLISIBLE),
    "noms_s": (lambda: remplir(b"/S"), ILLISIBLE),
    "liens_sans_cible": (lambda: remplir(b"/URI/Base"), ILLISIBLE),
    "transitions": (lambda: remplir(b"/Trans "), COMPLEXE),
    "noms_echappes": (lambda: remplir(b"/#41"), COMPLEXE),
    "liens_a_decoder": (lambda: remplir(b"/URI( https:)"), COMPLEXE),
    "liens_indirects": (lambda: remplir(b"/URI 1 0 R "), ACTIF),
    "types_d_action_indirects": (lambda: remplir(b"/S 1 0 R "), ACTIF),
    "marques_de_flux_d_objets": (lambda: remplir(b"/First "), COMPLEXE),
    "noms_interdits": (lambda: remplir(b"/JS "), ACTIF),
    "chiffrement_a_la_fin": (lambda: remplir(b"/a", TAILLE_MAX - 8) + b"/Encrypt", CHIFFRE),
    # A stream's body read from its first "n g obj" on, as a rebuilding reader does (18.1).
    "entetes_dans_un_flux": (lambda: dans_un_flux(b"1 0 obj\n"), COMPLEXE),
    "flux_dans_un_flux_en_cascade": (lambda: dans_un_flux(b"1 0 obj <<>> stream\n"), COMPLEXE),
    "mots_obj_dans_un_flux": (lambda: dans_un_flux(b" 1 1 1 1 1 1 1 1 1 1 1 obj "), COMPLEXE),
}


def dans_un_flux(motif: bytes) -> bytes:
    return remplir(motif, TAILLE_MAX - 16, ENTETE + b"<<>>stream\n") + b"\nendstream\n"


@pytest.mark.parametrize("cas", list(PIRES_CAS))
def test_a_20_mb_worst_case_is_refused_in_under_two_seconds(cas):
    fabrique, attendu = PIRES_CAS[cas]
    donnees = fabrique()
    assert len(donnees) <= TAILLE_MAX
    duree, issue = chronometrer(donnees)
    assert issue.startswith(attendu)
    assert duree < BORNE, f"{cas}: {duree:.2f} s"


def test_an_object_stream_bomb_stops_at_the_decoding_budget_in_under_two_seconds():
    # 20 KB of Flate that would inflate to 8 GB, ten times over.
    bombe = zlib.compressobj(9)
    morceau = bombe.compress(b"()" * (64 * 1024 * 1024)) + bombe.flush()
    objets = [b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE]
    for _ in range(10):
        objets.append(
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\n"
            b"endstream" % (len(morceau), morceau)
        )
    duree, issue = chronometrer(pdf_a_la_main(objets))
    assert issue.startswith(COMPLEXE)
    assert duree < BORNE


@pytest.mark.parametrize("motif", [b"/S", b"<x", b"()"], ids=["noms", "chevrons", "chaines"])
def test_object_streams_inflating_to_the_reading_budget_are_checked_in_under_two_seconds(motif):
    # What the pass reads is the file outside its stream bodies plus the decoded object
    # streams: a small file inflating to the whole budget, or a full one to what is left.
    petit = flux_d_objets(motif * ((LECTURE_MAX - 100_000) // len(motif)))
    plein = flux_d_objets(motif * (2 * 1024 * 1024 // len(motif)))
    plein += motif * ((TAILLE_MAX - len(plein)) // len(motif))
    for donnees, attendu in ((petit, "accepté"), (plein, COMPLEXE)):
        duree, issue = chronometrer(donnees)
        assert issue.startswith(attendu)
        assert duree < BORNE


def test_a_plain_20_mb_pdf_of_thirty_thousand_objects_is_accepted_in_under_two_seconds():
    note = b"<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (%s) >>"
    objets = [b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE]
    objets += [note % (b"Compte rendu (suite) %d " % i * 18) for i in range(30_000)]
    donnees = pdf_a_la_main(objets)
    assert len(donnees) > 15 * 1024 * 1024
    duree, issue = chronometrer(donnees)
    assert issue == "accepté"
    assert duree < BORNE


# --- A generated corpus stays linear -------------------------------------------------

FRAGMENTS = [
    b"(",
    b")",
    b"\\",
    b"\\(",
    b"<",
    b">",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"%",
    b"\n",
    b"\r",
    b" ",
    b"/",
    b"#",
    b"#4A",
    b"/JS",
    b"/A",
    b"/URI",
    b"/Base",
    b"/S",
    b"/Type",
    b"/ObjStm",
    b"/First",
    b"obj",
    b"endobj",
    b"1 0 obj",
    b"1 0 R",
    b"stream\n",
    b"endstream",
    b"javascript:",
    b"https:",
    b"j",
    b"0",
    b"a",
    b"\x00",
    b"\xff",
]
BLOCS = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.binary(min_size=1, max_size=3)),
    min_size=1,
    max_size=10,
).map(b"".join)


def meilleur_temps(donnees: bytes) -> float:
    """The linear pass alone: the process the whole check runs in takes a tenth of a second
    to start, which would hide the growth this measures."""
    temps = []
    for _ in range(3):
        debut = time.thread_time()
        motif_de_refus(donnees)
        temps.append(time.thread_time() - debut)
    return min(temps)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bloc=BLOCS, debut=st.sampled_from([ENTETE, ENTETE + b"(", ENTETE + b"1 0 obj <<"]))
def test_the_check_time_grows_linearly_with_any_repeated_block(bloc, debut):
    petit = meilleur_temps(remplir(bloc, 48 * 1024, debut))
    grand = meilleur_temps(remplir(bloc, 8 * 48 * 1024, debut))
    # 8 times the bytes: about 8 times the time if linear, 64 if quadratic. A floor of
    # 2 ms keeps timer noise on tiny times from reading as growth.
    assert grand / max(petit, 0.002) < 8 * 3


# --- Through the real upload view ----------------------------------------------------


@pytest.mark.django_db
def test_the_hostile_20_mb_upload_is_refused_quickly_in_french_and_stores_nothing(client, patient):
    connecter(client, patient)
    hostile = PIRES_CAS["echappements_dans_une_chaine"][0]()
    debut = time.perf_counter()
    reponse = televerser(client, patient.profil, hostile, nom="compte-rendu.pdf")
    duree = time.perf_counter() - debut
    assert reponse.status_code == 400
    assert ILLISIBLE in texte(reponse)
    assert Document.objects.count() == 0 and fichiers_stockes(patient.profil) == []
    assert Entree.objects.filter(profil=patient.profil, action=Action.DOCUMENT_REFUSE).exists()
    # The whole request, reading and parsing the 20 MB body included.
    assert duree < 3 * BORNE


# --- What the linear reading still sees ----------------------------------------------


def test_an_escaped_backslash_before_a_closing_parenthesis_ends_the_string():
    # "\\)" is a backslash, then the end of the string: what follows is read as names.
    catalogue = b"<< /Type /Catalog /Pages 2 0 R /Lang (fr\\\\) /OpenAction [3 0 R /Fit] (x) >>"
    assert verdict(pdf_a_la_main([catalogue, PAGES, PAGE])).startswith(ACTIF)


def test_a_percent_sign_inside_a_string_does_not_hide_the_rest_of_the_line():
    catalogue = b"<< /Type /Catalog /Pages 2 0 R /Lang (100%) /OpenAction [3 0 R /Fit] >>"
    assert verdict(pdf_a_la_main([catalogue, PAGES, PAGE])).startswith(ACTIF)


def test_a_parenthesis_inside_a_comment_does_not_open_a_string():
    catalogue = b"<< /Type /Catalog /Pages 2 0 R % une note (\n /OpenAction [3 0 R /Fit] >>"
    assert verdict(pdf_a_la_main([catalogue, PAGES, PAGE])).startswith(ACTIF)


def test_names_inside_strings_and_comments_are_not_counted():
    catalogue = b"<< /Type /Catalog /Pages 2 0 R /Lang (fr /JavaScript /AA) >>\n% /OpenAction"
    assert verdict(pdf_a_la_main([catalogue, PAGES, PAGE])) == "accepté"


def test_a_stream_body_is_not_read_as_syntax():
    image = b"<< /Type /XObject /Subtype /Image /Length 12 >>\nstream\n/JS (((( /AA\nendstream"
    assert verdict(pdf_a_la_main([b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, image])) == (
        "accepté"
    )


@pytest.mark.parametrize(
    "dictionnaire",
    [b"/Type /ObjStm /N 1 /First 4", b"/N 1 /First 4", b"/Type /Obj#53tm /N 1"],
    ids=["type", "first-only", "escaped-type"],
)
def test_an_object_stream_is_read_however_it_is_marked(dictionnaire):
    donnees = flux_d_objets(b"5 0 << /S /J#61vaScript /JS (app.alert(1)) >>", dictionnaire)
    assert b"JavaScript" not in donnees
    assert verdict(donnees).startswith(ACTIF)


def test_an_object_stream_with_a_filter_not_read_here_is_refused():
    donnees = flux_d_objets(b"5 0 << >>").replace(b"/FlateDecode", b"/LZWDecode")
    assert verdict(donnees) == ILLISIBLE


def test_an_object_stream_cannot_hold_a_stream():
    assert verdict(flux_d_objets(b"5 0 << /Length 1 >>\nstream\nx\nendstream")) == ILLISIBLE
