"""Notices: the email or letter that gives a person their activation code.

A notice to send is an ``EnvoiAvis`` row in PostgreSQL (Celery only carries it). Its
encrypted content lists (profile id, channel, code): the code is in clear nowhere
else, and the content is emptied once every email is sent and every letter printed.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from consentement import journal
from consentement.acces import ACTEUR_SYSTEME, Acteur
from consentement.acces.etats import STATUTS_AVISABLES, peut_recevoir_nouveau_code
from consentement.enums import MotifAvis
from consentement.models import EnvoiAvis, Lot
from consentement.services import cycle
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil
from espace_sante.lib import pdf, taches
from espace_sante.notifications.models import Canal
from espace_sante.notifications.services import Destination, notifier_en_masse

logger = logging.getLogger(__name__)

EMAIL, COURRIER, GUICHET = "email", "courrier", "guichet"
MESSAGE_SANS_NOUVEAU_CODE = (
    "Aucun nouvel avis ne peut être imprimé pour ce profil : il est déjà activé, clôturé, ou "
    "c'est celui d'un enfant mineur (il s'utilise depuis l'espace de son représentant légal)."
)


def canal_pour(profil: Profil) -> str:
    return EMAIL if profil.email_contact else COURRIER


def _date(d) -> str:
    return date_format(timezone.localtime(d) if hasattr(d, "hour") else d, "j F Y")


def _introduction(profil: Profil, motif: str) -> list[pdf.Bloc]:
    """Title and first paragraph: for a minor's representatives, a new adult, or anyone."""
    prenom = profil.prenoms.split(" ")[0] if profil.prenoms else ""
    if profil.est_mineur():
        return [
            ("titre", f"Le profil espace-santé de {prenom} {profil.nom_naissance}"),
            (
                "texte",
                "Madame, Monsieur, en tant que représentant légal, vous pourrez consulter le "
                "profil de cet enfant depuis votre propre espace, avec le sélecteur de profil, "
                "dès que le vôtre sera activé.",
            ),
        ]
    if motif == MotifAvis.MAJORITE:
        return [
            ("titre", "Vous avez 18 ans : votre profil espace-santé est à vous"),
            (
                "texte",
                f"Bonjour {prenom}, vos représentants légaux n'ont plus accès à votre profil. "
                "Activez-le avec le code ci-dessous pour le gérer vous-même.",
            ),
        ]
    return [
        ("titre", "Votre profil espace-santé"),
        (
            "texte",
            f"Bonjour {prenom}, un profil espace-santé a été préparé pour vous : votre "
            "dossier médical, vos échanges avec vos soignants et vos rendez-vous, au même "
            "endroit, sécurisés.",
        ),
    ]


def contenu_avis(profil: Profil, code: str, motif: str) -> list[pdf.Bloc]:
    """The notice's text, shared by the email and the printed letter."""
    url = settings.SITE_URL.rstrip("/")
    blocs = _introduction(profil, motif)
    blocs += [
        ("sous-titre", "Votre code personnel"),
        ("code", cycle.formater_code(code)),
    ]
    if profil.code_activation_expire_le:
        blocs.append(
            ("texte", f"Ce code est valable jusqu'au {_date(profil.code_activation_expire_le)}.")
        )
    if not profil.est_mineur():
        blocs.append(
            (
                "texte",
                f"Pour activer votre profil, rendez-vous sur {url}/activation/ avec votre "
                "numéro de sécurité sociale, votre date de naissance et ce code.",
            )
        )
    if profil.statut == StatutProfil.ANNONCE and profil.date_limite_opposition:
        blocs.append(
            (
                "texte",
                "Vous ne souhaitez pas de profil ? Vous pouvez vous opposer à sa création "
                f"jusqu'au {_date(profil.date_limite_opposition)} inclus sur {url}/opposition/ "
                "avec ce même code, dans une France services, ou par courrier à votre caisse "
                "d'assurance maladie. Sans réponse de votre part, le profil sera créé à cette "
                "date ; vous pourrez toujours le clôturer ensuite.",
            )
        )
    blocs.append(
        (
            "petit",
            "Ne communiquez ce code à personne. Aucun agent ne vous le demandera par "
            "téléphone. Besoin d'aide ? Une France services près de chez vous peut vous "
            "accompagner.",
        )
    )
    return blocs


def _page_lettre(profil: Profil, code: str, motif: str) -> list[pdf.Bloc]:
    adresse = "\n".join(
        filter(
            None,
            [
                f"{profil.prenoms} {profil.nom_usage or profil.nom_naissance}",
                profil.adresse,
                f"{profil.code_postal} {profil.commune}".strip(),
            ],
        )
    )
    return [("entete", "espace-santé — Assurance maladie"), ("texte", adresse), ("espace", "")] + (
        contenu_avis(profil, code, motif)
    )


def _courriel(profil: Profil, code: str, motif: str, envoi: EnvoiAvis):
    """(key, destination, context) of one notice email, for ``notifier``: the same text as
    the letter, to the address on file; the code is emptied from the row once sent."""
    blocs = contenu_avis(profil, code, motif)
    texte = "\n\n".join(texte for style, texte in blocs if style not in ("titre", "code"))
    texte = texte.replace(
        "Votre code personnel", f"Votre code personnel : {cycle.formater_code(code)}"
    )
    contexte = {
        "titre": blocs[0][1],
        "texte": texte,
        "code": cycle.formater_code(code),
        "url": settings.SITE_URL.rstrip("/"),
        "expire_le": _date(profil.code_activation_expire_le)
        if profil.code_activation_expire_le
        else "",
    }
    destination = Destination(Canal.EMAIL, profil.email_contact, profil)
    return f"avis:{envoi.public_id}:{profil.pk}", destination, contexte


def planifier(envoi: EnvoiAvis) -> None:
    """After commit, hand the notice to Celery; if the broker is down the sweep catches it."""
    taches.planifier("consentement.tasks.avis_envoyer", envoi.pk)


def avis_emettre(*, profil: Profil, motif: MotifAvis, acteur: Acteur = ACTEUR_SYSTEME):
    """A fresh code for the profile, sent to the address on file (email, else a letter)."""
    with transaction.atomic():
        code = cycle.code_renouveler(profil=profil)
        canal = canal_pour(profil)
        envoi = EnvoiAvis.objects.create(
            motif=motif,
            contenu=json.dumps([[profil.pk, canal, code]]),
            nb_emails=int(canal == EMAIL),
            nb_courriers=int(canal == COURRIER),
        )
        _journaliser(profil, motif, canal, acteur)
        planifier(envoi)
    return envoi


def avis_reimprimer(*, acteur: Acteur) -> bytes:
    """A new notice printed at a France services desk: the letter comes back as a PDF."""
    profil = acteur.profil
    if not peut_recevoir_nouveau_code(profil):
        raise cycle.ActionImpossible(MESSAGE_SANS_NOUVEAU_CODE)
    with transaction.atomic():
        code = cycle.code_renouveler(profil=profil)
        _journaliser(profil, MotifAvis.REEMISSION, GUICHET, acteur)
    return pdf.document(
        [_page_lettre(profil, code, MotifAvis.REEMISSION)], titre="Avis espace-santé"
    )


def _journaliser(profil, motif, canal, acteur: Acteur) -> None:
    journal.avis_emis(acteur, profil, motif=motif, canal=canal)


def _entrees(envoi: EnvoiAvis, canal: str) -> list[tuple[Profil, str]]:
    entrees = [e for e in json.loads(envoi.contenu or "[]") if e[1] == canal]
    profils = Profil.objects.in_bulk([e[0] for e in entrees])
    return [
        (profils[pid], code)
        for pid, _, code in entrees
        if pid in profils and profils[pid].statut in STATUTS_AVISABLES
    ]


def _enregistrer(envoi: EnvoiAvis, champ: str) -> None:
    """Save the one date this run owns (and the emptied content once both channels are
    done) on a row locked and read fresh: never another run's date from a stale copy."""
    emails_faits = not envoi.nb_emails or envoi.emails_envoyes_le
    courriers_faits = not envoi.nb_courriers or envoi.courriers_imprimes_le
    champs = [champ]
    if emails_faits and courriers_faits:
        envoi.contenu = None
        champs.append("contenu")
    envoi.save(update_fields=champs)


def courriels_confier(envoi_id: int) -> int:
    """Hand the emails of one notice row to ``notifier`` (one row each, keyed by the notice
    and the profile: a crash or a second worker can never send one twice)."""
    with transaction.atomic():
        # Waits for a printing run holding the row (rather than skip it): the row is read
        # fresh once locked, and a second worker then finds it sent.
        envoi = (
            EnvoiAvis.objects.select_for_update()
            .filter(pk=envoi_id, emails_envoyes_le__isnull=True, nb_emails__gt=0)
            .first()
        )
        if envoi is None:
            return 0
        lignes = [_courriel(p, code, envoi.motif, envoi) for p, code in _entrees(envoi, EMAIL)]
        notifier_en_masse(
            motif="avis", gabarit="consentement/notifications/avis", lignes=lignes, secret=True
        )
        envoi.emails_envoyes_le = timezone.now()
        _enregistrer(envoi, "emails_envoyes_le")
    return len(lignes)


def pdf_courriers(envois: list[EnvoiAvis]) -> tuple[bytes, int]:
    pages = [
        _page_lettre(p, code, envoi.motif)
        for envoi in envois
        for p, code in _entrees(envoi, COURRIER)
    ]
    return pdf.document(pages, titre="Courriers espace-santé"), len(pages)


def courriers_imprimer(envois: list[EnvoiAvis]) -> bytes:
    """The letters of these notices in one PDF; their codes are then emptied."""
    with transaction.atomic():
        envois = list(
            EnvoiAvis.objects.select_for_update()
            .filter(pk__in=[e.pk for e in envois], nb_courriers__gt=0, contenu__isnull=False)
            .order_by("pk")
        )
        contenu, _ = pdf_courriers(envois)
        for envoi in envois:
            envoi.courriers_imprimes_le = timezone.now()
            _enregistrer(envoi, "courriers_imprimes_le")
    return contenu


def lot_lettres_imprimer(lot_id: int) -> int:
    """One PDF with the letters of a whole batch, one page per person, kept on the batch."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update(skip_locked=True).filter(pk=lot_id).first()
        if lot is None or lot.lettres:
            return 0
        envois = list(lot.envoiavis_set.filter(nb_courriers__gt=0).order_by("pk"))
        contenu, n = pdf_courriers(envois)  # long for a big batch: no notice row held
        lot.lettres.save("lettres.pdf", ContentFile(contenu), save=False)
        lot.lettres_nombre = n
        lot.save(update_fields=["lettres", "lettres_nombre"])
        # Locked and read afresh to record the printing: the emails' run may have handed
        # a row over meanwhile, and its date must stay.
        for envoi in (
            EnvoiAvis.objects.select_for_update()
            .filter(pk__in=[e.pk for e in envois])
            .order_by("pk")
        ):
            envoi.courriers_imprimes_le = timezone.now()
            _enregistrer(envoi, "courriers_imprimes_le")
    return n
