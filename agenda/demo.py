"""The demo agenda (``manage.py demo``, after the kernel's accounts), through the services:
Camille's past and upcoming appointments with reminders (one due a few minutes after
``make run`` starts, so the console shows it), a proposal from her doctor awaiting her
answer; Yanis's calendar kept by his mother Nadia, and a confidential proposal from his
doctor she never sees. Idempotent: an agenda that has
appointments is left as it is, but each run makes sure a reminder leaves within minutes (a
physiotherapy session about two hours ahead, reminded two hours before), so every
``make run`` shows one in the console."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from agenda import services
from agenda.heures import PARIS
from agenda.models import RendezVous
from consentement import acces
from consentement.acces import Acteur, ouverture


def _a(jours: int, heure: int, minute: int = 0) -> datetime:
    jour = timezone.localdate() + timedelta(days=jours)
    return datetime.combine(jour, time(heure, minute), tzinfo=PARIS)


def _saisie(titre, debut, *, duree=30, **champs) -> services.Saisie:
    return services.Saisie(titre=titre, debut=debut, fin=debut + timedelta(minutes=duree), **champs)


def _camille(lecteur: Acteur, comptes) -> None:
    pros = {cle: comptes[cle].professionnel for cle in ("medecin", "cardiologue", "dentiste")}
    entrees = [
        _saisie(
            "Échographie cardiaque",
            _a(-60, 10),
            professionnel=pros["cardiologue"],
            lieu="Hôpital Saint-Antoine, Paris 12e",
            duree=45,
        ),
        _saisie("Détartrage", _a(-150, 14, 30), professionnel=pros["dentiste"]),
        _saisie(
            "Prise de sang",
            _a(-20, 8),
            professionnel_texte="Laboratoire des Lilas",
            lieu="12 rue des Lilas, Paris 19e",
            duree=15,
        ),
        _saisie(
            "Consultation de suivi de la tension",
            _a(3, 9, 30),
            professionnel=pros["medecin"],
            lieu="Cabinet des Lilas",
        ),
        _saisie(
            "Consultation de cardiologie",
            _a(24, 11),
            professionnel=pros["cardiologue"],
            lieu="Hôpital Saint-Antoine, Paris 12e",
        ),
    ]
    for saisie in entrees:
        services.rdv_ajouter(acteur=lecteur, saisie=saisie)
    services.rdv_proposer(
        acteur=_medecin_sur(comptes, lecteur.profil),
        saisie=_saisie("Bilan annuel", _a(45, 17), lieu="Cabinet des Lilas"),
    )


def _medecin_sur(comptes, profil) -> Acteur:
    """The demo's doctor on this patient's record (an access opened by NIR if needed)."""
    medecin = acces.acteur_de_connexion(comptes["medecin"])
    if acces.sur_dossier(medecin, profil) is None:
        ouverture.acces_ouvrir(acteur=medecin, nir=profil.nir, date_naissance=profil.date_naissance)
    return acces.sur_dossier(medecin, profil)


def _bientot(lecteur: Acteur) -> bool:
    """A session starting 2 h 05 from now, reminded 2 hours before: the beat's sweep sends
    the reminder about five minutes after ``make run`` starts (console backend)."""
    maintenant = timezone.now()
    proches = RendezVous.objects.filter(
        profil=lecteur.profil,
        debut__gt=maintenant + timedelta(hours=2),
        debut__lt=maintenant + timedelta(hours=3),
    )
    if proches.exists():
        return False
    bientot = maintenant.astimezone(PARIS).replace(second=0, microsecond=0)
    bientot += timedelta(hours=2, minutes=5)
    services.rdv_ajouter(
        acteur=lecteur,
        saisie=_saisie(
            "Séance de kinésithérapie",
            bientot,
            professionnel_texte="Cabinet de kinésithérapie",
            delais=(120,),
        ),
    )
    return True


def _yanis(parent: Acteur, comptes) -> None:
    entrees = [
        _saisie(
            "Examen médical des 11-13 ans",
            _a(-90, 17),
            professionnel=comptes["medecin"].professionnel,
        ),
        _saisie(
            "Rappel de vaccin (11-13 ans)",
            _a(10, 17, 30),
            professionnel=comptes["medecin"].professionnel,
        ),
        _saisie(
            "Examen bucco-dentaire M'T dents",
            _a(40, 16),
            professionnel_texte="Centre dentaire municipal",
        ),
    ]
    for saisie in entrees:
        services.rdv_ajouter(acteur=parent, saisie=saisie)
    # At Yanis's request, his doctor's proposal is confidential: Nadia never sees it.
    services.rdv_proposer(
        acteur=_medecin_sur(comptes, parent.profil),
        saisie=_saisie(
            "Consultation (confidentiel)",
            _a(12, 15, 30),
            lieu="Cabinet des Lilas",
            confidentiel=True,
        ),
    )


def peupler(sender, *, comptes, profils, ecrire, **kwargs) -> None:
    camille, yanis = profils["camille"], profils["yanis"]
    lecteur = acces.en_patient_de(acces.acteur_de_connexion(comptes["patient"]), camille)
    if _bientot(lecteur):
        ecrire("Agenda : un rappel de rendez-vous part dans environ cinq minutes (console).")
    if RendezVous.objects.filter(profil=camille).count() > 1:
        return
    _camille(lecteur, comptes)
    _yanis(acces.en_patient_de(acces.acteur_de_connexion(comptes["parent"]), yanis), comptes)
    ecrire(
        "Agendas de démonstration : Camille (rendez-vous passés et à venir, rappels, une "
        "proposition de son médecin), Yanis (tenu par Nadia)."
    )
