"""Writing one chunk's candidates: duplicates, representatives, COPY, the notice row.

Everything happens in the chunk's transaction (the caller's): a crash leaves nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import NamedTuple

from consentement.enums import MotifAvis
from consentement.models import EnvoiAvis, Lot, LotRejet
from consentement.services import cycle
from consentement.services.lots.lignes import Candidat
from espace_sante.comptes import copie
from espace_sante.comptes.enums import StatutProfil

UTILISABLES = (StatutProfil.ANNONCE, StatutProfil.CREE, StatutProfil.ACTIVE)


@dataclass
class Resultat:
    lignes: int = 0
    crees: int = 0
    rejets: list[LotRejet] = field(default_factory=list)
    differees: list[int] = field(default_factory=list)

    @property
    def rejetes(self) -> int:
        return sum(1 for r in self.rejets if not r.avertissement)

    def rejeter(self, lot: Lot, ligne: int, champ: str, motif: str, *, avertissement=False):
        self.rejets.append(
            LotRejet(lot=lot, ligne=ligne, champ=champ, motif=motif, avertissement=avertissement)
        )


def motif_doublon(originale: int) -> str:
    return f"Doublon dans le fichier : même NIR qu'à la ligne {originale}."


class LigneAvis(NamedTuple):
    """One notice to send, as stored in ``EnvoiAvis.contenu`` (a JSON list per profile)."""

    profil_id: int
    canal: str  # "email" or "courrier"
    code: str


def _motif_existant(
    c: Candidat, ex: copie.ProfilExistant | None, deja: Candidat | None, lot: Lot
) -> str | None:
    if deja is not None or (ex and ex.lot_numero == lot.pk):
        return motif_doublon(deja.ligne if deja else ex.lot_ligne)
    if ex and ex.statut == StatutProfil.OPPOSE:
        return "Cette personne s'est opposée à la création de son profil : il n'est pas recréé."
    if ex and ex.statut == StatutProfil.CLOTURE:
        return "Cette personne a clôturé son profil : il n'est pas recréé."
    if ex:
        return "Un profil existe déjà pour ce NIR."
    return None


class Ecriture:
    def __init__(self, lot: Lot, *, definitif: bool, majorite, maintenant, aujourdhui):
        self.lot, self.definitif = lot, definitif  # phase 2: unresolved representatives are final
        self.majorite, self.maintenant, self.aujourdhui = majorite, maintenant, aujourdhui

    def ecrire(self, candidats: list[Candidat], res: Resultat) -> None:
        hashes = {c.nir_hash for c in candidats}
        hashes.update(h for c in candidats for _, h in c.representants)
        existants = copie.profils_existants(list(hashes))
        retenus: dict[str, Candidat] = {}
        for c in candidats:
            motif = _motif_existant(c, existants.get(c.nir_hash), retenus.get(c.nir_hash), self.lot)
            if motif:
                res.rejeter(self.lot, c.ligne, "nir", motif)
            else:
                retenus[c.nir_hash] = c
        ids = copie.ids_allouer(len(retenus))
        id_de = {h: ids[k] for k, h in enumerate(retenus)}
        adultes = {
            h: ex.id
            for h, ex in existants.items()
            if ex.statut in UTILISABLES and ex.date_naissance and ex.date_naissance <= self.majorite
        }
        crees, liens = self._lier(retenus, id_de, adultes, res)
        codes = self._copier(crees, id_de)
        copie.representations_copier(liens, debut=self.aujourdhui)
        self._avis(crees, id_de, codes)
        LotRejet.objects.bulk_create(res.rejets)
        res.crees = len(crees)

    def _lier(self, retenus, id_de, adultes, res) -> tuple[list[Candidat], list[copie.Lien]]:
        """Representatives: an adult of this chunk, or an adult profile that already exists."""

        def representant(h: str) -> int | None:
            autre = retenus.get(h)
            if autre is not None:
                return None if autre.mineur else id_de[h]
            return adultes.get(h)

        liens, crees = [], []
        for c in list(retenus.values()):
            if c.mineur:
                trouves = [(col, representant(r)) for col, r in c.representants]
                connus = [rid for _, rid in trouves if rid is not None]
                inconnus = [col for col, rid in trouves if rid is None]
                if inconnus and not self.definitif:
                    res.differees.append(c.ligne)
                    continue
                if not connus:
                    res.rejeter(
                        self.lot,
                        c.ligne,
                        "nir_representant_1",
                        "Mineur sans représentant légal connu : aucun NIR indiqué ne "
                        "correspond à un profil (dans ce fichier ou déjà existant).",
                    )
                    continue
                for col in inconnus:
                    c.remarques.append(
                        (col, "Représentant légal introuvable : ce lien n'a pas été créé.")
                    )
                liens += [copie.Lien(rid, id_de[c.nir_hash]) for rid in connus]
            crees.append(c)
            for col, motif in c.remarques:
                res.rejeter(self.lot, c.ligne, col, motif, avertissement=True)
        return crees, liens

    def _copier(self, crees: list[Candidat], id_de: dict[str, int]) -> list[str]:
        """COPY the new profiles; return their activation codes (in clear, for the notices)."""
        hacher_code = cycle.hacheur_code()
        codes = [cycle.generer_code() for _ in crees]
        nouveaux = [
            copie.NouveauProfil(
                id=id_de[c.nir_hash],
                public_id=public_id,
                texte=c.valeurs,
                date_naissance=c.naissance,
                nir=c.nir,
                nir_hash=c.nir_hash,
                lot_ligne=c.ligne,
                code_hash=hacher_code(public_id, code),
            )
            for c, code, public_id in zip(crees, codes, copie.public_ids(len(crees)), strict=True)
        ]
        copie.profils_copier(
            nouveaux,
            lot_numero=self.lot.pk,
            cree_le=self.maintenant,
            limite_opposition=self.lot.date_limite_opposition,
            expiration_code=self.maintenant + cycle.VALIDITE_CODE,
        )
        return codes

    def _avis(self, crees: list[Candidat], id_de: dict[str, int], codes: list[str]) -> None:
        if not crees:
            return
        contenu = [
            LigneAvis(id_de[c.nir_hash], "email" if c.email else "courrier", code)
            for c, code in zip(crees, codes, strict=True)
        ]
        emails = sum(1 for e in contenu if e.canal == "email")
        EnvoiAvis.objects.create(
            lot=self.lot,
            motif=MotifAvis.CREATION,
            contenu=json.dumps(contenu, separators=(",", ":")),
            nb_emails=emails,
            nb_courriers=len(contenu) - emails,
        )
