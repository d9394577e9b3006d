#!/usr/bin/env python3
"""A SMART on FHIR client for espace-santé, with the standard library only (plain HTTP):
register, authorize with PKCE (S256), read, write a measure, refresh, revoke.

Against `make run` (the demo): the service « Balance Exemple » and its registration token
are in the demo; the person is Camille (patient@demo.espace-sante.fr). A real service
sends the person's browser to the authorization page; this script plays the browser
too, so the whole flow runs in a terminal:

    EMAIL_FILE_PATH=var/courriels make run                  # terminal 1
    python examples/client_smart.py --courriels var/courriels  # terminal 2

Without --courriels, the script asks for the 6-digit code printed in make run's console.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.cookiejar
import json
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

RETOUR = "http://127.0.0.1:8139/retour"  # declared for « Balance Exemple »; never called
SCOPE = (
    "launch/patient patient/Patient.rs patient/Observation.rs patient/Observation.c offline_access"
)


class SansRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as an HTTPError we read


class Client:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.ouvreur = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), SansRedirection
        )

    def requete(self, methode, chemin, *, donnees=None, json_=None, en_tetes=None):
        """(status, headers, body) — redirects are returned, not followed."""
        url = chemin if chemin.startswith("http") else self.base + chemin
        en_tetes = dict(en_tetes or {})
        corps = None
        if donnees is not None:
            corps = urllib.parse.urlencode(donnees, doseq=True).encode()
            en_tetes["Content-Type"] = "application/x-www-form-urlencoded"
        if json_ is not None:
            corps = json.dumps(json_).encode()
            en_tetes.setdefault("Content-Type", "application/json")
        if methode == "POST" and donnees is not None:
            en_tetes.setdefault("Referer", url)  # Django's CSRF check over plain HTTP too
        requete = urllib.request.Request(url, data=corps, headers=en_tetes, method=methode)
        try:
            with self.ouvreur.open(requete, timeout=30) as reponse:
                return reponse.status, reponse.headers, reponse.read()
        except urllib.error.HTTPError as erreur:
            return erreur.code, erreur.headers, erreur.read()


def csrf(html: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()


def champ(html: bytes, nom: str) -> str:
    return re.search(rb'name="' + nom.encode() + rb'" value="([^"]+)"', html).group(1).decode()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def code_recu(dossier: str | None, depuis: float, courriel: str) -> str:
    """The newest code emailed to ``courriel`` since the login (make run with
    EMAIL_FILE_PATH); after a few seconds with none (a code re-sent at most every 30 s),
    the last one of the past 9 minutes."""
    if not dossier:
        return input("Code à 6 chiffres affiché dans la console de make run : ").strip()
    for essai in range(100):
        limite = depuis if essai < 25 else depuis - 540
        recents = [f for f in Path(dossier).glob("*") if f.stat().st_mtime >= limite]
        for fichier in sorted(recents, key=lambda f: f.stat().st_mtime, reverse=True):
            texte = fichier.read_text(errors="replace")
            if courriel in texte and (trouve := re.findall(r"\b(\d{6})\b", texte)):
                return trouve[-1]
        time.sleep(0.2)
    sys.exit(f"Aucun courriel de code dans {dossier}.")


def etape(titre: str, detail: str = "") -> None:
    print(f"\n== {titre}" + (f"\n   {detail}" if detail else ""))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", default="http://127.0.0.1:8000")
    p.add_argument("--jeton-enregistrement", default="demo-enregistrement-balance-exemple")
    p.add_argument("--courriel", default="patient@demo.espace-sante.fr")
    p.add_argument("--mot-de-passe", default="EspaceSante-Demo-2026")
    p.add_argument("--courriels", help="dossier EMAIL_FILE_PATH de make run (code lu seul)")
    args = p.parse_args()
    c = Client(args.base)

    etape("1. Découverte SMART")
    _, _, corps = c.requete("GET", "/.well-known/smart-configuration")
    config = json.loads(corps)
    print(
        "  ",
        config["authorization_endpoint"],
        "| PKCE :",
        config["code_challenge_methods_supported"],
    )

    etape("2. Enregistrement du client (RFC 7591)")
    statut, _, corps = c.requete(
        "POST",
        "/oauth/enregistrement/",
        json_={"client_name": "Client d'exemple", "redirect_uris": [RETOUR]},
        en_tetes={"Authorization": f"Bearer {args.jeton_enregistrement}"},
    )
    assert statut == 201, corps
    client_id = json.loads(corps)["client_id"]
    print("   client_id :", client_id)

    etape("3. La personne se connecte (mot de passe + code) et consent, portée par portée")
    _, _, page = c.requete("GET", "/compte/connexion/")
    depuis = time.time() - 1
    statut, _, _ = c.requete(
        "POST",
        "/compte/connexion/",
        donnees={
            "csrfmiddlewaretoken": csrf(page),
            "login": args.courriel,
            "password": args.mot_de_passe,
        },
    )
    assert statut == 302, f"mot de passe refusé ({statut})"  # on to the code page
    _, _, page = c.requete("GET", "/compte/verification/")
    code = code_recu(args.courriels, depuis, args.courriel)
    statut, _, _ = c.requete(
        "POST",
        "/compte/verification/",
        donnees={
            "csrfmiddlewaretoken": csrf(page),
            "code": code,
            "methode": champ(page, "methode"),
        },
    )
    assert statut == 302, f"code refusé ({statut})"
    verifier, challenge = pkce()
    autoriser = "/oauth/autoriser/?" + urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": RETOUR,
            "scope": SCOPE,
            "state": secrets.token_urlsafe(12),
            "aud": args.base + "/fhir",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    statut, _, page = c.requete("GET", autoriser)
    assert statut == 200, statut
    offertes = re.findall(rb'name="portees" value="([^"]+)"', page)
    profil = re.search(rb'name="profil" value="([^"]+)"', page).group(1).decode()
    cochees = [o.decode() for o in offertes]  # this demo ticks everything it is offered
    print("   portées cochées :", ", ".join(cochees))
    statut, en_tetes, _ = c.requete(
        "POST",
        autoriser,
        donnees={
            "csrfmiddlewaretoken": csrf(page),
            "profil": profil,
            "portees": cochees,
            "autoriser": "1",
        },
    )
    retour = urllib.parse.urlparse(en_tetes["Location"])
    code_autorisation = urllib.parse.parse_qs(retour.query)["code"][0]
    print("   retour au service :", en_tetes["Location"].split("?")[0], "avec un code")

    etape("4. Code + code_verifier → jetons")
    statut, _, corps = c.requete(
        "POST",
        "/oauth/jeton/",
        donnees={
            "grant_type": "authorization_code",
            "code": code_autorisation,
            "redirect_uri": RETOUR,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    jetons = json.loads(corps)
    assert statut == 200, jetons
    patient = jetons["patient"]
    print("   patient :", patient, "| portées :", jetons["scope"])
    c.cookies.clear()  # from here on, the service: its token only

    def fhir(methode, chemin, **kw):
        en_tetes = {
            "Authorization": f"Bearer {jetons['access_token']}",
            "Accept": "application/fhir+json",
            **kw.pop("en_tetes", {}),
        }
        statut, _, corps = c.requete(methode, "/fhir/" + chemin, en_tetes=en_tetes, **kw)
        return statut, json.loads(corps) if corps else None

    etape("5. Lecture")
    statut, moi = fhir("GET", f"Patient/{patient}")
    print("   Patient :", statut, moi["name"][0].get("family"), moi["name"][0].get("given"))
    statut, bundle = fhir("GET", "Observation?_count=3&code=http://loinc.org|29463-7")
    print(
        f"   Observation (poids) : {statut}, {bundle['total']} au total, 3 par page,",
        "page suivante" if any(x["relation"] == "next" for x in bundle["link"]) else "fin",
    )

    etape("6. Écriture d'une mesure (poids)")
    statut, cree = fhir(
        "POST",
        "Observation",
        en_tetes={"Content-Type": "application/fhir+json"},
        json_={
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
            "effectiveDateTime": datetime.now(UTC).isoformat(timespec="seconds"),
            "valueQuantity": {
                "value": 64.2,
                "unit": "kg",
                "system": "http://unitsofmeasure.org",
                "code": "kg",
            },
        },
    )
    print("   créée :", statut, f"Observation/{cree['id']}")
    statut, hors_bornes = fhir(
        "POST",
        "Observation",
        en_tetes={"Content-Type": "application/fhir+json"},
        json_={
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
            "valueQuantity": {"value": 900, "unit": "kg"},
        },
    )
    print("   900 kg :", statut, hors_bornes["issue"][0]["diagnostics"])
    statut, refus = fhir("GET", "Condition")
    print("   Condition (non autorisé) :", statut, refus["issue"][0]["code"])

    etape("7. Renouvellement (offline_access)")
    statut, _, corps = c.requete(
        "POST",
        "/oauth/jeton/",
        donnees={
            "grant_type": "refresh_token",
            "refresh_token": jetons["refresh_token"],
            "client_id": client_id,
        },
    )
    ancien, jetons = jetons["access_token"], json.loads(corps)
    assert statut == 200, jetons
    print(
        "   nouveau jeton :",
        statut,
        "| l'ancien :",
        c.requete("GET", "/fhir/Observation", en_tetes={"Authorization": f"Bearer {ancien}"})[0],
    )

    etape("8. Révocation (RFC 7009)")
    statut, _, _ = c.requete(
        "POST",
        "/oauth/revoquer/",
        donnees={
            "token": jetons["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": client_id,
        },
    )
    print("   révoqué :", statut, "| lecture ensuite :", fhir("GET", "Observation")[0])
    print("\nLa personne voit ces lectures dans son historique, au nom de « Balance Exemple ».")


if __name__ == "__main__":
    main()
