"""No GET request changes state (issue 20, point 4).

On the demo (a lived-in year, seeded through the services), every URL pattern of the
project — the admin's included — is requested with GET by each persona: anonymous, the
patient, the parent on her own profile and on her minor son's, a doctor, a pharmacist, a
mediator inside an accompagnement in progress, an admin. Path parameters are filled with
real objects (every kind of object a URL takes, a few per profile), so the views run their
whole body for the people they belong to, not only their 404.

After each request, PostgreSQL's own per-transaction counters (``pg_stat_xact_user_tables``:
rows inserted, updated, deleted so far in this test's transaction) must not have moved but
for what a read may write:

- the audit journal (``journal_entree``, insert only, and its chain heads): a read of health
  data is journaled, and the journal's trigger refuses any update or delete;
- the session (``django_session``): flash messages, the idle expiry;
- for ``messagerie:conversation`` only, the reader's own read cursor (``messagerie_suivi``):
  opening a conversation marks it read, as a mail client marks what it shows — a decision
  documented in README (*GET never writes*): the cursor is the reader's own, never shown to
  the other side, and a second click to mark a message read would be forgotten;
- for ``dossier:document`` only, the "new" mark of a document a professional added
  (``dossier_document.nouveau``, issue 21): the holder opening it clears their own mark, as
  the conversation's cursor above; the checksum below ignores that one column only, so any
  other change to a document on GET still fails;
- for ``agenda:flux`` only, the day's fetch counter of a calendar subscription
  (``agenda_compteurflux``): a calendar application polls the feed with GET, and the rate
  limit must count in PostgreSQL.

Then, per persona, a checksum of every table (row count and md5 of every row) before and
after the walk must be equal, outside those same tables (the journal compared on the rows
that existed before: nothing of them changed).
"""

from __future__ import annotations

import io
import itertools
import time
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from agenda.models import Abonnement, RendezVous
from catalogue.models import Connexion, Service
from consentement import acces
from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from consentement.enums import StatutAccompagnement
from consentement.models import Accompagnement, Blocage, Decision
from consentement.services import accompagnement, cycle
from consentement.views.publiques import SESSION_RECUS
from dossier.enums import Rubrique, TypeMesure
from dossier.models import Document, InformationMedicale, Mesure, Signalement
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil, User
from messagerie.models import Conversation, PieceJointe
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

# What a GET may write, by table: "*" for every URL, else the URL names allowed to.
ECRITURES_PERMISES = {
    "journal_entree": "*",  # insert only: checked below
    "journal_tetechaine": "*",
    "django_session": "*",
    "messagerie_suivi": {"messagerie:conversation"},
    "agenda_compteurflux": {"agenda:flux"},
    "dossier_document": {"dossier:document"},  # the "new" mark only: see COLONNES_PERMISES
}
# Columns a GET may change, left out of the tables' checksums (every other column counts).
COLONNES_PERMISES = {"dossier_document": "nouveau"}
HORS_EMPREINTE = {"django_session", "journal_tetechaine", "messagerie_suivi", "agenda_compteurflux"}

# Which objects fill a URL's identifier, by URL name.
OBJETS = {
    Decision: [
        "consentement:recu",
        "consentement:cloture_faite",
        "consentement:recu_decision",
        "consentement:opposition_faite",
        "consentement:recu_public",
        "consentement:accompagnement_recu",
    ],
    Accompagnement: ["consentement:accompagnement_presence"],
    Blocage: ["dossier:blocage_lever"],
    Profil: [
        "dossier:document_ajouter",
        "dossier:information_ajouter",
        "dossier:mesure_ajouter",
        "dossier:pro_dossier",
        "messagerie:pro_ecrire_patient",
        "agenda:pro_proposer",
        "catalogue:fhir_ressource",
        "catalogue:fhir_everything",
        "catalogue:fhir_binaire",
        "catalogue:fhir_version",
    ],
    Document: [
        "dossier:document",
        "dossier:document_fichier",
        "dossier:document_restreindre",
        "dossier:document_supprimer",
        "dossier:document_liberer",
    ],
    Signalement: ["dossier:signalement_traiter"],
    Conversation: [
        "messagerie:conversation",
        "messagerie:repondre",
        "messagerie:fermer",
        "messagerie:archiver",
    ],
    PieceJointe: ["messagerie:piece", "messagerie:piece_fichier", "messagerie:piece_enregistrer"],
    RendezVous: [
        "agenda:rdv",
        "agenda:modifier",
        "agenda:accepter",
        "agenda:refuser",
        "agenda:annuler",
        "agenda:rdv_ics",
        "agenda:pro_annuler",
    ],
    Abonnement: ["agenda:revoquer"],
    Service: ["catalogue:logo"],
    Connexion: ["catalogue:portee_retirer", "catalogue:deconnecter"],
}
MODELE_DE_URL = {nom: modele for modele, noms in OBJETS.items() for nom in noms}
GENRES = {"document": Document, "information": InformationMedicale, "mesure": Mesure}


def _echantillon(queryset, par_profil=3, sans_profil=6):
    """The oldest and the newest few objects of each profile (every persona meets its own,
    past and to come), or the first few."""
    if queryset.count() <= 40:
        return list(queryset.order_by("pk"))  # the demo's documents, appointments, …
    if not any(f.name == "profil" for f in queryset.model._meta.fields):
        return list(queryset.order_by("pk")[:sans_profil])
    par_profil_ = {}
    for objet in queryset.order_by("profil_id", "pk"):
        par_profil_.setdefault(objet.profil_id, []).append(objet)
    garde = []
    for objets in par_profil_.values():
        garde += (
            objets if len(objets) <= 2 * par_profil else objets[:par_profil] + objets[-par_profil:]
        )
    return garde


def _motifs(resolver=None, namespace="", params=()):
    """Every URL pattern: (name, parameter names, the model admin for admin pages)."""
    for motif in (resolver or get_resolver()).url_patterns:
        propres = tuple(_parametres(motif))
        if isinstance(motif, URLResolver):
            ns = namespace + (f"{motif.namespace}:" if motif.namespace else "")
            yield from _motifs(motif, ns, params + propres)
        elif isinstance(motif, URLPattern):
            nom = namespace + motif.name if motif.name else None
            yield nom, params + propres, getattr(motif.callback, "model_admin", None)


def _parametres(motif):
    return list(motif.pattern.regex.groupindex)  # path() converters and re_path() groups


class _Valeurs:
    """Real values for each path parameter, computed once from the demo."""

    def __init__(self, jeton_flux: str):
        self.public_ids = {
            modele: [str(o.public_id) for o in _echantillon(modele.objects.all())]
            for modele in OBJETS
        }
        self.public_ids[Profil] = [
            str(p) for p in Profil.objects.order_by("pk").values_list("public_id", flat=True)[:15]
        ]
        self.elements = [
            {"genre": genre, "public_id": str(o.public_id)}
            for genre, modele in GENRES.items()
            for o in _echantillon(modele.objects.all(), par_profil=1)
        ]
        maintenant = timezone.localdate()
        self.simples = {
            "type_mesure": [t.value for t in TypeMesure],
            "rubrique": [Rubrique.values[0]],
            "annee": [maintenant.year],
            "numero": [maintenant.month],
            "code": ["dep-sein@50a"],
            "key": ["cle-invalide"],
            "uidb36": ["0"],
            "type_ressource": ["Observation", "Patient"],
            "version": ["1"],
            "reste": ["Encounter", "Observation/_history"],
            "slug": list(Service.objects.values_list("slug", flat=True)),
            "jeton": [jeton_flux, "Xq3s9v0cY2mWf8TnB4kLr7pZ1aE6uJ5hD0gC2iO8yQ"],
            "app_label": sorted({m._meta.app_label for m in admin.site._registry}),
        }

    def variantes(self, nom, params, model_admin) -> list[dict] | None:
        """Every kwargs to request ``nom`` with; None if a parameter has no known source."""
        params = set(params)
        if not params:
            return [{}]
        if {"genre", "public_id"} <= params:
            autres = params - {"genre", "public_id"}
            return [{**e, **k} for e in self.elements for k in self._produit(autres) or []]
        cle_admin = params & {"object_id", "pk", "id"}
        modele = model_admin.model if model_admin is not None else _modele_admin(nom)
        if modele is not None and len(cle_admin) == 1 and params == cle_admin:
            (champ,) = cle_admin
            pks = list(modele._default_manager.order_by("pk").values_list("pk")[:1])
            return [{champ: str(pk)} for (pk,) in pks] or [{champ: "0"}]
        if "content_type_id" in params:
            return [{"content_type_id": 1, "object_id": "1"}]
        identifiant = params & {"public_id", "profil", "identifiant"}
        if identifiant:
            (champ,) = identifiant
            modele = MODELE_DE_URL.get(nom)
            if modele is None:
                return None
            autres = self._produit(params - {champ})
            if autres is None:
                return None
            return [{champ: v, **k} for v in self.public_ids[modele] for k in autres]
        return self._produit(params)

    def _produit(self, params) -> list[dict] | None:
        if any(p not in self.simples for p in params):
            return None
        noms = sorted(params)
        return [
            dict(zip(noms, vals, strict=True))
            for vals in itertools.product(*(self.simples[p] for p in noms))
        ]


def _modele_admin(nom):
    """The model of an admin page named ``admin:<app>_<model>_<view>`` (custom views too)."""
    for modele in admin.site._registry:
        if nom.startswith(f"admin:{modele._meta.app_label}_{modele._meta.model_name}_"):
            return modele
    if nom == "admin:auth_user_password_change":  # Django's UserAdmin names it so, always
        return get_user_model()
    return None


def _fermer(reponse) -> None:
    """Close a streamed file now, without the end-of-request signal closing the test's
    database connection (as Django's test client does for a consumed stream)."""
    request_finished.disconnect(close_old_connections)
    try:
        reponse.close()
    finally:
        request_finished.connect(close_old_connections)


def _compteurs() -> dict[str, tuple[int, int, int]]:
    with connection.cursor() as c:
        c.execute("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables")
        return {nom: (ins, upd, sup) for nom, ins, upd, sup in c.fetchall()}


def _ecarts(avant, apres, nom_url) -> list[str]:
    ecarts = []
    for table, valeurs in apres.items():
        delta = tuple(a - b for a, b in zip(valeurs, avant.get(table, (0, 0, 0)), strict=True))
        if not any(delta):
            continue
        permis = ECRITURES_PERMISES.get(table)
        if permis == "*" or (permis and nom_url in permis):
            if table == "journal_entree" and (delta[1] or delta[2]):
                ecarts.append(f"{table}: lignes du journal modifiées ou supprimées {delta}")
            continue
        ecarts.append(f"{table} (+{delta[0]} ~{delta[1]} -{delta[2]})")
    return ecarts


def _empreintes() -> dict[str, tuple]:
    """Row count and md5 of every row of every table (the journal's rows that exist now)."""
    with connection.cursor() as c:
        c.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
        tables = [t for (t,) in c.fetchall() if t not in HORS_EMPREINTE]
        c.execute("SELECT coalesce(max(id), 0) FROM journal_entree")
        (dernier,) = c.fetchone()
        resultat = {}
        for table in tables:
            filtre = f" WHERE t.id <= {int(dernier)}" if table == "journal_entree" else ""
            ligne = "t::text"
            if table in COLONNES_PERMISES:
                ligne = f"(to_jsonb(t) - '{COLONNES_PERMISES[table]}')::text"
            c.execute(
                f"SELECT count(*), md5(coalesce(string_agg({ligne}, ',' ORDER BY {ligne}), '')) "
                f'FROM "{table}" t{filtre}'
            )
            resultat[table] = c.fetchone()
        resultat["journal_entree:jusqua"] = dernier
        return resultat


def _comparer(avant, apres) -> list[str]:
    changees = []
    for table, valeur in avant.items():
        if table == "journal_entree:jusqua":
            continue
        if table == "journal_entree":
            # The rows that existed before the walk, unchanged (new ones are allowed).
            with connection.cursor() as c:
                c.execute(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), "
                    "'')) FROM journal_entree t WHERE t.id <= %s",
                    [avant["journal_entree:jusqua"]],
                )
                if c.fetchone() != valeur:
                    changees.append(table)
        elif apres.get(table) != valeur:
            changees.append(table)
    return changees


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())


def _personas(client_factory):
    """(label, user or None, what to put in the session)."""
    users = {
        cle: User.objects.get(email=f"{cle}@demo.espace-sante.fr")
        for cle in ("patient", "parent", "medecin", "pharmacien", "mediateur", "admin")
    }
    yanis = Profil.objects.get(prenoms="Yanis")
    lucas = Profil.objects.get(prenoms="Lucas Henri")
    maintenant = timezone.now()
    acc = Accompagnement.objects.create(
        mediateur=users["mediateur"].mediateur,
        profil=lucas,
        statut=StatutAccompagnement.OUVERT,
        preuve="code",
        ouvert_le=maintenant,
        expire_le=maintenant + timedelta(minutes=30),
    )
    # A mediator's search waiting for the proof of presence (its page shows until then).
    Accompagnement.objects.create(
        mediateur=users["mediateur"].mediateur, profil=lucas, statut=StatutAccompagnement.PRESENCE
    )
    # The public receipts are shown to the session that took the decision.
    recus = [str(p) for p in Decision.objects.values_list("public_id", flat=True)]
    return [
        ("anonyme", None, {SESSION_RECUS: recus}),
        ("patient", users["patient"], {}),
        ("parent", users["parent"], {}),
        ("parent pour son fils", users["parent"], {SESSION_PROFIL_ACTIF: str(yanis.public_id)}),
        ("médecin", users["medecin"], {}),
        ("pharmacien", users["pharmacien"], {}),
        (
            "médiateur en accompagnement",
            users["mediateur"],
            {accompagnement.SESSION: str(acc.public_id)},
        ),
        ("admin", users["admin"], {}),
    ]


def _ouvrir_session(client, user, session_extra):
    """Logged in, second factor verified, and the password typed just now (so the pages
    behind a fresh re-authentication show too); or anonymous, with what the session holds."""
    client.logout()
    if user is None:
        session = client.session
        session.update(session_extra)
        session.save()
        return
    connecter(client, user)
    session = client.session
    session.update(session_extra)
    session["account_authentication_methods"] = [{"method": "password", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def _jeton_flux() -> str:
    """A live subscription of the patient's, with its token (shown once at creation)."""
    from agenda.services import flux

    camille = User.objects.get(email="patient@demo.espace-sante.fr")
    acteur = acces.acteur_personne(camille, camille.profil)
    _, jeton = flux.abonnement_creer(acteur=acteur, nom="Téléphone", details=False)
    return jeton


def test_no_get_request_changes_anything_for_any_persona(client, demo):
    personas = _personas(client)  # their accompagnements first: the walk fills them in
    valeurs = _Valeurs(_jeton_flux())
    requetes, sans_source, ecritures = [], set(), []
    for nom, params, model_admin in _motifs():
        if nom is None:
            # Unnamed: only the admin's redirects of old change URLs and its catch-all 404.
            if not set(params) <= {"object_id", "url"}:
                sans_source.add(f"motif sans nom {sorted(params)}")
            continue
        variantes = valeurs.variantes(nom, params, model_admin)
        if variantes is None:
            sans_source.add(f"{nom} {sorted(set(params))}")
            continue
        requetes += [(nom, reverse(nom, kwargs=k)) for k in variantes]
    assert not sans_source, f"Paramètres sans objets réels pour : {sorted(sans_source)}"
    assert len({nom for nom, _ in requetes}) > 100  # the project's and the admin's URLs

    repondues_2xx = set()
    for libelle, user, session_extra in personas:
        _ouvrir_session(client, user, session_extra)
        empreintes = _empreintes()
        for nom, url in requetes:
            avant = _compteurs()
            reponse = client.get(url)
            _fermer(reponse)
            ecarts = _ecarts(avant, _compteurs(), nom)
            if ecarts:
                ecritures.append(f"{libelle} GET {url} ({nom}) a écrit : {', '.join(ecarts)}")
            if 200 <= reponse.status_code < 300:
                repondues_2xx.add(nom)
            if user is not None and "_auth_user_id" not in client.session:
                # A GET that ended the session (none should): check, then log in again.
                ecritures += [
                    f"{libelle} GET {url}: {t}" for t in _comparer(empreintes, _empreintes())
                ]
                _ouvrir_session(client, user, session_extra)
                empreintes = _empreintes()
        changees = _comparer(empreintes, _empreintes())
        ecritures += [f"{libelle} : table {t} changée par les GET" for t in changees]
    assert not ecritures, "Des GET ont écrit :\n" + "\n".join(ecritures)
    # The walk reached real pages, not only refusals: each object-keyed page served its
    # owner at least once (the others are POST-only, or the API's, which needs a token).
    jamais = {n for n in MODELE_DE_URL if n not in repondues_2xx}
    assert jamais <= SANS_PAGE_GET, f"Jamais servies (2xx) : {sorted(jamais - SANS_PAGE_GET)}"


# Object-keyed URLs that never answer a GET with a page: POST-only actions (405), the FHIR
# API without a bearer token (401); and what the demo has none of (a service's logo, a
# decision taken inside an accompagnement).
SANS_PAGE_GET = {
    "catalogue:logo",
    "consentement:accompagnement_recu",
    "dossier:blocage_lever",
    "dossier:signalement_traiter",
    "dossier:document_liberer",
    "messagerie:repondre",
    "messagerie:fermer",
    "messagerie:archiver",
    "messagerie:piece_enregistrer",
    "agenda:accepter",
    "agenda:revoquer",
    "catalogue:portee_retirer",
    "catalogue:deconnecter",
    "catalogue:fhir_ressource",
    "catalogue:fhir_everything",
    "catalogue:fhir_binaire",
    "catalogue:fhir_version",
}


def test_the_activation_steps_change_nothing_on_get(client, annonce):
    """The activation's last step used to activate the profile on GET: it only asks now, and
    the POST activates."""
    identite = {
        "nir": annonce.nir,
        "date_naissance": annonce.date_naissance.isoformat(),
        "code": cycle.formater_code(annonce.code_clair),
    }
    client.post(reverse("consentement:activation"), identite)
    mot_de_passe = "Un-Mot-De-Passe-Solide-42"
    client.post(
        reverse("consentement:activation_compte"),
        {"email": "camille@exemple.fr", "mot_de_passe": mot_de_passe, "confirmation": mot_de_passe},
    )
    connecter(client, User.objects.get(email="camille@exemple.fr"))  # the second factor
    avant = _compteurs()
    page = client.get(reverse("consentement:activation_terminer"))
    assert page.status_code == 200 and "Activer mon profil" in page.text
    assert not _ecarts(avant, _compteurs(), "consentement:activation_terminer")
    assert Profil.objects.get(pk=annonce.pk).statut == StatutProfil.ANNONCE
    reponse = client.post(reverse("consentement:activation_terminer"))
    assert reponse.url == reverse("consentement:bienvenue")
    assert Profil.objects.get(pk=annonce.pk).statut == StatutProfil.ACTIVE
