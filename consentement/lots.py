"""Account-creation batches: an insured-persons CSV becomes announced profiles.

1. ``lot_creer`` checks the file (UTF-8, columns), stores it encrypted, records the batch.
2. ``decouper`` cuts it into chunks (each stored encrypted), one ``LotMorceau`` row each.
3. ``traiter_morceau`` handles one chunk in one transaction: the rows are validated,
   the good ones written with ``COPY`` (profiles, links to representatives, the notice
   row), the bad ones reported. A worker killed mid-chunk leaves nothing behind; the
   chunk is simply done again. Re-running a done chunk does nothing.
4. ``finaliser`` links the minors whose representatives were in a later chunk, then
   closes the batch; the notices are then delivered (``avis``).

Speed matters (a country is 68 million people): the per-row work is plain Python on
tuples, the encryption and keyed hashes use prepared keys, and PostgreSQL receives
each chunk in one ``COPY`` per table.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from consentement import cycle
from consentement.enums import MotifAvis, StatutLot
from consentement.models import EnvoiAvis, Lot, LotMorceau, LotRejet
from espace_sante.comptes.enums import Role, StatutProfil
from espace_sante.comptes.models import Profil, Representation
from espace_sante.journal.enums import Action
from espace_sante.journal.services import journaliser_cycle
from espace_sante.lib import crypto, taches
from espace_sante.lib import nir as nir_lib

logger = logging.getLogger(__name__)

COLONNES = [
    "nir",
    "nom_naissance",
    "nom_usage",
    "prenoms",
    "date_naissance",
    "sexe",
    "code_lieu_naissance",
    "email",
    "telephone",
    "adresse",
    "code_postal",
    "commune",
    "nir_representant_1",
    "nir_representant_2",
]
BOM = b"\xef\xbb\xbf"


class FichierRefuse(Exception):
    """The whole file is refused (encoding, columns, already imported)."""


# --- 1. Receiving the file -------------------------------------------------------------


def _normaliser_colonne(nom: str) -> str:
    return nom.strip().strip('"').lower().replace(" ", "_").replace("-", "_")


def lire_entete(contenu: bytes) -> tuple[str, list[str]]:
    """(separator, column names) of the header line, or FichierRefuse with the reason."""
    if contenu.startswith(BOM):
        contenu = contenu[len(BOM) :]
    premiere = contenu.split(b"\n", 1)[0].rstrip(b"\r")
    if not premiere.strip():
        raise FichierRefuse("Le fichier est vide ou sa première ligne (les en-têtes) est vide.")
    try:
        texte = premiere.decode("utf-8")
    except UnicodeDecodeError:
        raise FichierRefuse(_message_encodage(1)) from None
    separateur = ";" if texte.count(";") > texte.count(",") else ","
    entete = [_normaliser_colonne(c) for c in next(csv.reader([texte], delimiter=separateur))]
    manquantes = [c for c in COLONNES if c not in entete]
    if manquantes:
        raise FichierRefuse(
            "Colonnes manquantes dans la ligne d'en-tête : "
            + ", ".join(manquantes)
            + f". Colonnes trouvées : {', '.join(entete) or 'aucune'}. "
            "Le séparateur doit être la virgule ou le point-virgule."
        )
    doublons = sorted({c for c in entete if c and entete.count(c) > 1})
    if doublons:
        raise FichierRefuse("Colonnes en double dans l'en-tête : " + ", ".join(doublons) + ".")
    return separateur, entete


def _message_encodage(ligne: int) -> str:
    return (
        f"Le fichier n'est pas encodé en UTF-8 (caractère illisible ligne {ligne}). "
        "Enregistrez-le au format « CSV UTF-8 » puis déposez-le de nouveau."
    )


def verifier_fichier(contenu: bytes) -> tuple[str, list[str]]:
    separateur, entete = lire_entete(contenu)
    try:
        contenu.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FichierRefuse(_message_encodage(contenu[: e.start].count(b"\n") + 1)) from None
    return separateur, entete


def lot_creer(*, nom_fichier: str, contenu: bytes, user=None, date_avis: date | None = None) -> Lot:
    """Record a batch and hand it to the workers (after commit)."""
    separateur, entete = verifier_fichier(contenu)
    empreinte = Lot.calculer_empreinte(contenu)
    deja = Lot.objects.filter(empreinte=empreinte).first()
    if deja is not None:
        raise FichierRefuse(
            f"Ce fichier a déjà été importé : lot n° {deja.pk} du "
            f"{timezone.localtime(deja.cree_le):%d/%m/%Y à %H:%M}. Aucun profil n'a été créé "
            "de nouveau."
        )
    corps = contenu[len(BOM) :] if contenu.startswith(BOM) else contenu
    with transaction.atomic():
        lot = Lot(
            nom_fichier=nom_fichier[:255],
            empreinte=empreinte,
            separateur=separateur,
            entete=entete,
            cree_par=user,
            date_avis=date_avis or timezone.localdate(),
            lignes_total=max(corps.rstrip(b"\r\n").count(b"\n"), 0),
        )
        lot.fichier.save("fichier.csv", ContentFile(contenu), save=False)
        lot.save()
        journaliser_cycle(
            action=Action.LOT_IMPORTE,
            role=Role.ADMIN if user is not None else Role.SYSTEME,
            acteur=user,
            profil=None,
            objet=lot,
            details={"fichier": lot.nom_fichier, "lignes": lot.lignes_total},
        )
        _planifier("lot_demarrer", lot.pk)
    return lot


def _planifier(nom_tache: str, *args) -> None:
    """Enqueue after commit; with the broker down, ``lots_reprendre`` catches up later."""
    taches.planifier(f"consentement.tasks.{nom_tache}", *args)


# --- 2. Cutting into chunks -----------------------------------------------------------


def _stockage():
    from django.core.files.storage import storages

    return storages["sante"]


def _bornes(corps: bytes, taille: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``taille`` rows each, cut on a newline outside quotes."""
    if not corps:
        return []
    lignes = max(corps.count(b"\n"), 1)
    pas = max(len(corps) * taille // lignes, 1)
    bornes, debut = [], 0
    while debut < len(corps):
        fin = debut + pas
        while fin < len(corps):
            fin = corps.find(b"\n", fin)
            if fin < 0:
                fin = len(corps)
                break
            fin += 1
            if corps.count(b'"', debut, fin) % 2 == 0:
                break
        fin = min(fin, len(corps))
        bornes.append((debut, fin))
        debut = fin
    return bornes


def decouper(lot_id: int) -> list[int]:
    """Cut the batch into chunks (once); return the ids of chunks still to do."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        if lot.statut == StatutLot.RECU:
            with lot.fichier.open("rb") as f:
                contenu = f.read()
            if contenu.startswith(BOM):
                contenu = contenu[len(BOM) :]
            fin_entete = contenu.find(b"\n")
            corps = contenu[fin_entete + 1 :] if fin_entete >= 0 else b""
            stockage = _stockage()
            ligne = 2
            morceaux = []
            for numero, (debut, fin) in enumerate(_bornes(corps, settings.LOT_TAILLE_MORCEAU)):
                segment = corps[debut:fin]
                nom = stockage.save(
                    f"lots/{lot.public_id}/morceaux/{numero:06d}-{uuid.uuid4()}.csv",
                    ContentFile(segment),
                )
                n = segment.count(b"\n") + (0 if segment.endswith(b"\n") else 1)
                morceaux.append(
                    LotMorceau(lot=lot, numero=numero, ligne_debut=ligne, nb_lignes=n, fichier=nom)
                )
                ligne += n
            LotMorceau.objects.bulk_create(morceaux)
            lot.statut = StatutLot.EN_COURS
            lot.debut = timezone.now()
            lot.save(update_fields=["statut", "debut"])
        return list(lot.morceaux.filter(fait=False).values_list("pk", flat=True))


# --- 3. One chunk ---------------------------------------------------------------------

_VARIANTE = {f"{i:x}": "89ab"[i & 3] for i in range(16)}
_ECHAPPER = re.compile(r"[\\\t\n\r]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TELEPHONE = re.compile(r"^(?:0|\+33|0033)[1-9]\d{8}$")
_SEXES = {"M": "M", "H": "M", "1": "M", "F": "F", "2": "F"}
_PROFIL_COLONNES = (
    "id",
    "public_id",
    "statut",
    "nom_naissance",
    "nom_usage",
    "prenoms",
    "date_naissance",
    "sexe",
    "code_lieu_naissance",
    "nir",
    "nir_hash",
    "cree_le",
    "email_contact",
    "telephone",
    "adresse",
    "code_postal",
    "commune",
    "notifier_par_email",
    "notifier_par_sms",
    "lot_numero",
    "lot_ligne",
    "date_limite_opposition",
    "code_activation_hash",
    "code_activation_expire_le",
)
# Columns left to their NULL default by COPY.
_PROFIL_NULS = {
    "titulaire_id",
    "cloture_le",
    "suppression_prevue_le",
    "donnees_supprimees_le",
}


class _Rejet(Exception):
    def __init__(self, champ: str, motif: str):
        self.champ, self.motif = champ, motif


def _echapper(valeur: str) -> str:
    return (
        valeur.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _nir(valeur: str, champ: str, libelle: str) -> str:
    """Normalised NIR; fast path for the usual 15 digits, full messages otherwise."""
    if (
        len(valeur) == 15
        and valeur.isdigit()
        and valeur[0] in "1278"
        and 97 - int(valeur[:13]) % 97 == int(valeur[13:])
        and nir_lib._mois_valide(valeur[3:5])
    ):
        return valeur
    try:
        return nir_lib.valider(valeur)
    except ValidationError as e:
        raise _Rejet(champ, f"{libelle} : {e.messages[0]}") from None


def _date(valeur: str) -> date:
    try:
        if len(valeur) == 10 and valeur[4] == "-":
            return date.fromisoformat(valeur)
        if len(valeur) == 10 and valeur[2] == "/" and valeur[5] == "/":
            return date(int(valeur[6:]), int(valeur[3:5]), int(valeur[:2]))
    except ValueError:
        raise _Rejet("date_naissance", f"Date de naissance impossible : « {valeur} ».") from None
    raise _Rejet(
        "date_naissance",
        f"Date de naissance illisible : « {valeur} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA).",
    )


@dataclass
class _Candidat:
    ligne: int
    valeurs: tuple  # the profile's text columns, cleaned
    nir: str
    nir_hash: str
    naissance: date
    representants: list[tuple[str, str]]  # (column, NIR hash)
    mineur: bool
    remarques: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Resultat:
    lignes: int = 0
    crees: int = 0
    rejets: list[LotRejet] = field(default_factory=list)
    differees: list[int] = field(default_factory=list)

    @property
    def rejetes(self) -> int:
        return sum(1 for r in self.rejets if not r.avertissement)


class _Traitement:
    def __init__(self, lot: Lot, *, definitif: bool):
        _verifier_colonnes()
        self.lot = lot
        self.definitif = definitif  # phase 2: unresolved representatives are final
        self.index = {nom: i for i, nom in enumerate(lot.entete)}
        self.largeur = len(lot.entete)
        self.hacher_nir = crypto.keyed_hasher("nir")
        self.hacher_code = cycle.hacheur_code()
        self.majorite = cycle.date_majorite(lot.date_avis)
        self.aujourdhui = timezone.localdate()
        self.maintenant = timezone.now()
        self.limite_opposition = lot.date_limite_opposition
        self.expiration_code = self.maintenant + cycle.VALIDITE_CODE

    # -- validation of one row (pure) --

    def nettoyer(self, ligne: int, brute: list[str]) -> _Candidat:
        if len(brute) < self.largeur:
            raise _Rejet(
                "",
                f"Ligne incomplète : {len(brute)} colonnes au lieu de {self.largeur}. "
                "Vérifiez le séparateur et les guillemets.",
            )
        i = self.index
        v = [c.strip() for c in brute]
        nir = _nir(v[i["nir"]], "nir", "NIR invalide")
        nom, nom_usage, prenoms = v[i["nom_naissance"]], v[i["nom_usage"]], v[i["prenoms"]]
        if not nom:
            raise _Rejet("nom_naissance", "Le nom de naissance est obligatoire.")
        if len(nom) > 100 or len(nom_usage) > 100:
            raise _Rejet("nom_naissance", "Nom trop long (100 caractères au plus).")
        if not prenoms:
            raise _Rejet("prenoms", "Le ou les prénoms sont obligatoires.")
        if len(prenoms) > 200:
            raise _Rejet("prenoms", "Prénoms trop longs (200 caractères au plus).")
        naissance = _date(v[i["date_naissance"]])
        if naissance > self.aujourdhui:
            raise _Rejet("date_naissance", "La date de naissance est dans le futur.")
        if nir[1:3] != f"{naissance.year % 100:02d}" or (
            nir[3:5] <= "12" and int(nir[3:5]) != naissance.month
        ):
            raise _Rejet(
                "date_naissance",
                "La date de naissance ne correspond pas au NIR (année et mois, positions 2 à 5).",
            )
        sexe = _SEXES.get(v[i["sexe"]].upper())
        if sexe is None:
            raise _Rejet("sexe", f"Sexe inconnu : « {v[i['sexe']]} » (attendu M ou F).")
        if (nir[0] == "1" and sexe != "M") or (nir[0] == "2" and sexe != "F"):
            raise _Rejet("sexe", "Le sexe ne correspond pas au premier chiffre du NIR.")
        lieu = v[i["code_lieu_naissance"]].upper()
        if len(lieu) != 5 or not (
            lieu.isdigit() or (lieu[:2] in ("2A", "2B") and lieu[2:].isdigit())
        ):
            raise _Rejet(
                "code_lieu_naissance",
                "Le code du lieu de naissance doit être un code INSEE de 5 caractères.",
            )
        email = v[i["email"]].lower()
        if email and (len(email) > 254 or not _EMAIL.match(email)):
            raise _Rejet("email", f"Adresse électronique invalide : « {email} ».")
        telephone = v[i["telephone"]].replace(" ", "").replace(".", "").replace("-", "")
        if telephone and not _TELEPHONE.match(telephone):
            raise _Rejet("telephone", "Numéro de téléphone invalide (10 chiffres attendus).")
        adresse, code_postal, commune = v[i["adresse"]], v[i["code_postal"]], v[i["commune"]]
        if code_postal and not (len(code_postal) == 5 and code_postal.isdigit()):
            raise _Rejet("code_postal", "Le code postal doit comporter 5 chiffres.")
        if not email and not (adresse and code_postal and commune):
            raise _Rejet(
                "adresse",
                "Ni adresse électronique ni adresse postale complète (adresse, code postal, "
                "commune) : l'avis ne peut pas être envoyé.",
            )
        if len(adresse) > 250 or len(commune) > 100:
            raise _Rejet("adresse", "Adresse ou commune trop longue.")
        mineur = naissance > self.majorite
        representants, remarques = [], []
        for numero in ("1", "2"):
            colonne = f"nir_representant_{numero}"
            brut = v[i[colonne]]
            if not brut:
                continue
            rep = _nir(brut, colonne, f"NIR du représentant légal {numero} invalide")
            if rep == nir:
                raise _Rejet(
                    colonne, "Une personne ne peut pas être son propre représentant légal."
                )
            if mineur:
                representants.append((colonne, self.hacher_nir(rep)))
            else:
                remarques.append((colonne, "Personne majeure : représentant légal ignoré."))
        if mineur and not representants:
            raise _Rejet(
                "nir_representant_1",
                "Personne mineure sans représentant légal : renseignez nir_representant_1.",
            )
        texte = (
            nom,
            nom_usage,
            prenoms,
            sexe,
            lieu,
            email,
            telephone,
            adresse,
            code_postal,
            commune,
        )
        return _Candidat(
            ligne, texte, nir, self.hacher_nir(nir), naissance, representants, mineur, remarques
        )

    # -- a whole chunk --

    def traiter(self, texte: str, ligne_debut: int, seulement: set[int] | None = None) -> _Resultat:
        res = _Resultat()
        lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=self.lot.separateur)
        lues = 0
        candidats: list[_Candidat] = []
        for brute in lecteur:
            ligne, lues = ligne_debut + lues, lecteur.line_num
            if not brute or (len(brute) == 1 and not brute[0].strip()):
                continue
            if seulement is not None and ligne not in seulement:
                continue
            res.lignes += 1
            try:
                candidats.append(self.nettoyer(ligne, brute))
            except _Rejet as r:
                res.rejets.append(LotRejet(lot=self.lot, ligne=ligne, champ=r.champ, motif=r.motif))
        self._ecrire(candidats, res)
        return res

    def _existants(self, hashes: list[str]) -> dict[str, tuple]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT nir_hash, id, statut, lot_numero, lot_ligne, date_naissance"
                " FROM comptes_profil WHERE nir_hash = ANY(%s)",
                [hashes],
            )
            return {r[0]: r[1:] for r in cur.fetchall()}

    def _ecrire(self, candidats: list[_Candidat], res: _Resultat) -> None:
        lot = self.lot
        hashes = {c.nir_hash for c in candidats}
        hashes.update(h for c in candidats for _, h in c.representants)
        existants = self._existants(list(hashes))
        retenus: dict[str, _Candidat] = {}
        for c in candidats:
            ex = existants.get(c.nir_hash)
            deja = retenus.get(c.nir_hash)
            motif = None
            if deja is not None or (ex and ex[2] == lot.pk):
                motif = (
                    "Doublon dans le fichier : même NIR qu'à la ligne "
                    f"{deja.ligne if deja else ex[3]}."
                )
            elif ex and ex[1] == StatutProfil.OPPOSE:
                motif = "Cette personne s'est opposée à la création de son profil : il n'est pas recréé."
            elif ex and ex[1] == StatutProfil.CLOTURE:
                motif = "Cette personne a clôturé son profil : il n'est pas recréé."
            elif ex:
                motif = "Un profil existe déjà pour ce NIR."
            if motif:
                res.rejets.append(LotRejet(lot=lot, ligne=c.ligne, champ="nir", motif=motif))
            else:
                retenus[c.nir_hash] = c
        # Representatives: an adult of this chunk, or an adult profile that already exists.
        ids = self._allouer_ids(len(retenus))
        id_de = {h: ids[k] for k, h in enumerate(retenus)}
        utilisables = (StatutProfil.ANNONCE, StatutProfil.CREE, StatutProfil.ACTIVE)
        adultes_existants = {
            h: ex[0]
            for h, ex in existants.items()
            if ex[1] in utilisables and ex[4] and ex[4] <= self.majorite
        }

        def representant(h: str) -> int | None:
            autre = retenus.get(h)
            if autre is not None:
                return None if autre.mineur else id_de[h]
            return adultes_existants.get(h)

        liens: list[tuple[int, int]] = []
        crees: list[_Candidat] = []
        for h, c in list(retenus.items()):
            if c.mineur:
                trouves = [(col, representant(r)) for col, r in c.representants]
                connus = [rid for _, rid in trouves if rid is not None]
                inconnus = [col for col, rid in trouves if rid is None]
                if inconnus and not self.definitif:
                    res.differees.append(c.ligne)
                    del retenus[h]
                    continue
                if not connus:
                    res.rejets.append(
                        LotRejet(
                            lot=lot,
                            ligne=c.ligne,
                            champ="nir_representant_1",
                            motif="Mineur sans représentant légal connu : aucun NIR indiqué ne "
                            "correspond à un profil (dans ce fichier ou déjà existant).",
                        )
                    )
                    del retenus[h]
                    continue
                for col in inconnus:
                    c.remarques.append(
                        (col, "Représentant légal introuvable : ce lien n'a pas été créé.")
                    )
                liens += [(rid, id_de[h]) for rid in connus]
            crees.append(c)
            for col, motif in c.remarques:
                res.rejets.append(
                    LotRejet(lot=lot, ligne=c.ligne, champ=col, motif=motif, avertissement=True)
                )
        codes = self._copier_profils(crees, id_de)
        self._copier_liens(liens)
        if crees:
            contenu = [
                [id_de[c.nir_hash], "email" if c.valeurs[5] else "courrier", codes[k]]
                for k, c in enumerate(crees)
            ]
            emails = sum(1 for e in contenu if e[1] == "email")
            EnvoiAvis.objects.create(
                lot=lot,
                motif=MotifAvis.CREATION,
                contenu=json.dumps(contenu, separators=(",", ":")),
                nb_emails=emails,
                nb_courriers=len(contenu) - emails,
            )
        LotRejet.objects.bulk_create(res.rejets)
        res.crees = len(crees)

    def _allouer_ids(self, n: int) -> list[int]:
        if not n:
            return []
        with connection.cursor() as cur:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence('comptes_profil', 'id'))"
                " FROM generate_series(1, %s)",
                [n],
            )
            return [r[0] for r in cur.fetchall()]

    def _copier_profils(self, crees: list[_Candidat], id_de: dict[str, int]) -> list[str]:
        """COPY the new profiles; return their activation codes (in clear, for the notices)."""
        if not crees:
            return []
        fixe_debut = "\tannonce\t"
        cree_le = self.maintenant.isoformat()
        suite = f"\tt\tf\t{self.lot.pk}\t"
        fin = f"\t{self.limite_opposition.isoformat()}\t"
        expiration = self.expiration_code.isoformat()
        hacher_code, chiffrer = self.hacher_code, crypto.encrypt
        # Time-ordered ids (UUID version 7): new rows land at the right edge of the index.
        temps = f"{int(time.time() * 1000):012x}"
        temps = f"{temps[:8]}-{temps[8:]}-7"
        aleas = os.urandom(16 * len(crees)).hex()
        codes, lignes = [], []
        for k, c in enumerate(crees):
            h = aleas[32 * k : 32 * k + 32]
            public_id = f"{temps}{h[:3]}-{_VARIANTE[h[3]]}{h[4:7]}-{h[7:19]}"
            code = cycle.generer_code()
            codes.append(code)
            valeurs = c.valeurs
            if _ECHAPPER.search("".join(valeurs)):
                valeurs = tuple(_echapper(v) for v in valeurs)
            nom, nom_usage, prenoms, sexe, lieu, email, tel, adresse, cp, commune = valeurs
            texte = f"{nom}\t{nom_usage}\t{prenoms}"
            contact = f"{email}\t{tel}\t{adresse}\t{cp}\t{commune}"
            nir_chiffre = chiffrer(c.nir.encode(), f"comptes.profil.nir:{public_id}".encode())
            lignes.append(
                f"{id_de[c.nir_hash]}\t{public_id}{fixe_debut}{texte}\t{c.naissance.isoformat()}"
                f"\t{sexe}\t{lieu}\t\\\\x{nir_chiffre.hex()}\t{c.nir_hash}\t{cree_le}\t{contact}"
                f"{suite}{c.ligne}{fin}{hacher_code(public_id, code)}\t{expiration}\n"
            )
        with connection.cursor() as cur:
            with cur.copy(
                f"COPY comptes_profil ({', '.join(_PROFIL_COLONNES)}) FROM STDIN"
            ) as copie:
                copie.write("".join(lignes))
        return codes

    def _copier_liens(self, liens: list[tuple[int, int]]) -> None:
        if not liens:
            return
        debut = self.aujourdhui.isoformat()
        with connection.cursor() as cur:
            with cur.copy(
                "COPY comptes_representation (public_id, representant_id, mineur_id, date_debut,"
                " motif_fin) FROM STDIN"
            ) as copie:
                copie.write("".join(f"{uuid.uuid4()}\t{r}\t{m}\t{debut}\t\n" for r, m in liens))


@cache
def _verifier_colonnes() -> None:
    """The COPY above must name every column of the profile table (fails loudly in tests)."""
    colonnes = {f.column for f in Profil._meta.concrete_fields}
    manquantes = colonnes - set(_PROFIL_COLONNES) - _PROFIL_NULS
    if manquantes:
        raise RuntimeError(f"lots._PROFIL_COLONNES ne couvre pas : {sorted(manquantes)}")
    colonnes_liens = {f.column for f in Representation._meta.concrete_fields}
    if colonnes_liens != {
        "id",
        "public_id",
        "representant_id",
        "mineur_id",
        "date_debut",
        "date_fin",
        "motif_fin",
    }:
        raise RuntimeError("lots._copier_liens ne couvre plus les colonnes de Representation.")


def _lire_morceau(morceau: LotMorceau) -> str:
    with _stockage().open(morceau.fichier, "rb") as f:
        return f.read().decode("utf-8")


def _morceau_libre(morceau_id: int, **etat) -> LotMorceau | None:
    """Lock the chunk (not its batch) unless another worker holds it or it is done."""
    return (
        LotMorceau.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("lot")
        .filter(pk=morceau_id, **etat)
        .first()
    )


def traiter_morceau(morceau_id: int) -> bool:
    """Process one chunk in one transaction; False if already done or taken by another worker."""
    with transaction.atomic():
        morceau = _morceau_libre(morceau_id, fait=False)
        if morceau is None:
            return False
        with connection.cursor() as cur:
            # Safe: the chunk and its "done" mark commit together, or are redone together.
            cur.execute("SET LOCAL synchronous_commit TO OFF")
        lot = morceau.lot
        res = _Traitement(lot, definitif=False).traiter(_lire_morceau(morceau), morceau.ligne_debut)
        morceau.fait = True
        morceau.differees = res.differees
        morceau.differees_faites = not res.differees
        morceau.traite_le = timezone.now()
        morceau.save(update_fields=["fait", "differees", "differees_faites", "traite_le"])
        Lot.objects.filter(pk=lot.pk).update(
            lignes_traitees=F("lignes_traitees") + res.lignes,
            crees=F("crees") + res.crees,
            rejetes=F("rejetes") + res.rejetes,
        )
    return True


def morceaux_restants(lot_id: int) -> bool:
    return LotMorceau.objects.filter(lot_id=lot_id, fait=False).exists()


def finaliser(lot_id: int) -> bool:
    """Phase 2 (deferred minors), then close the batch. True once the batch is finished."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        if lot.statut == StatutLot.TERMINE:
            return True
        if morceaux_restants(lot_id):
            return False
        if lot.statut != StatutLot.FINALISATION:
            lot.statut = StatutLot.FINALISATION
            lot.save(update_fields=["statut"])
    for morceau_id in LotMorceau.objects.filter(lot_id=lot_id, differees_faites=False).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            morceau = _morceau_libre(morceau_id, differees_faites=False)
            if morceau is None:
                continue
            res = _Traitement(morceau.lot, definitif=True).traiter(
                _lire_morceau(morceau), morceau.ligne_debut, set(morceau.differees)
            )
            morceau.differees_faites = True
            morceau.save(update_fields=["differees_faites"])
            Lot.objects.filter(pk=lot_id).update(
                crees=F("crees") + res.crees, rejetes=F("rejetes") + res.rejetes
            )
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        if lot.statut == StatutLot.TERMINE:
            return True
        if LotMorceau.objects.filter(lot_id=lot_id, differees_faites=False).exists():
            return False
        lot.statut = StatutLot.TERMINE
        lot.fin = timezone.now()
        lot.lignes_total = lot.lignes_traitees
        lot.save(update_fields=["statut", "fin", "lignes_total"])
        journaliser_cycle(
            action=Action.LOT_IMPORTE,
            role=Role.SYSTEME,
            profil=None,
            objet=lot,
            details={"termine": True, "crees": lot.crees, "rejetes": lot.rejetes},
        )
    return True


def rapport_csv(lot: Lot):
    """The error report, streamed: line, field, reason (and whether the row was imported)."""
    yield "\ufeffligne;champ;motif;ligne importée\r\n"
    for ligne, champ, motif, avert in (
        lot.rejets.order_by("ligne", "pk")
        .values_list("ligne", "champ", "motif", "avertissement")
        .iterator(chunk_size=2000)
    ):
        sortie = io.StringIO()
        csv.writer(sortie, delimiter=";", lineterminator="\r\n").writerow(
            [ligne, champ, motif, "oui (remarque)" if avert else "non"]
        )
        yield sortie.getvalue()
