"""The demo catalogue (`manage.py demo`): four labelled services,
one of them connected to Camille's record (scope by scope, through the service, as she
would) with one read in her history, and the service of the example client
(`examples/client_smart.py`) with a known registration token, for development only.
Idempotent: a catalogue that has services is left as it is."""

from __future__ import annotations

from catalogue import services
from catalogue.models import Critere, PorteeDemandee, Service
from catalogue.oauth import clients
from consentement import acces
from dossier import public as dossier
from espace_sante.lib import crypto

# Known in development only (the README's example run uses it); production services get a
# random one from the admin action, shown once.
JETON_ENREGISTREMENT_DEMO = "demo-enregistrement-balance-exemple"
RETOUR_EXEMPLE = "http://127.0.0.1:8139/retour"


SERVICES = [
    {
        "nom": "Tensio",
        "slug": "tensio",
        "editeur": "Tensio SAS",
        "categorie": "suivi",
        "description": "Suivez votre tension artérielle avec votre tensiomètre connecté : "
        "les mesures arrivent dans votre dossier, et l'application vous montre leur évolution.",
        "site_web": "https://tensio.example.fr/",
        "redirect_uris": "https://tensio.example.fr/retour",
        "portees": {
            "patient/Observation.rs": "Afficher l'évolution de vos mesures.",
            "patient/Observation.c": "Ajouter les mesures de votre tensiomètre à votre dossier.",
        },
    },
    {
        "nom": "Carnet Vaccins",
        "slug": "carnet-vaccins",
        "editeur": "Vaccinum",
        "categorie": "vaccination",
        "description": "Vos vaccinations et les rappels à venir, pour vous et vos enfants.",
        "site_web": "https://vaccins.example.fr/",
        "redirect_uris": "https://vaccins.example.fr/retour",
        "portees": {
            "patient/Patient.rs": "Calculer les rappels selon votre âge.",
            "patient/Immunization.rs": "Afficher vos vaccinations et vos rappels.",
        },
    },
    {
        "nom": "Classeur Santé",
        "slug": "classeur-sante",
        "editeur": "Classeur SAS",
        "categorie": "documents",
        "description": "Classez vos comptes rendus et ordonnances, et numérisez vos papiers.",
        "site_web": "https://classeur.example.fr/",
        "redirect_uris": "https://classeur.example.fr/retour",
        "portees": {
            "patient/DocumentReference.rs": "Classer vos documents par thème.",
            "patient/DocumentReference.c": "Ajouter les papiers que vous numérisez.",
        },
    },
    {
        "nom": "Balance Exemple",
        "slug": "balance-exemple",
        "editeur": "Exemple (développeurs)",
        "categorie": "mesures",
        "description": "Le service de démonstration du client d'exemple (examples/) : il lit "
        "votre identité et vos mesures, et ajoute votre poids.",
        "site_web": "https://espace-sante.example.fr/catalogue/developpeurs/",
        "redirect_uris": RETOUR_EXEMPLE,
        "portees": {
            "patient/Patient.rs": "Afficher votre nom.",
            "patient/Observation.rs": "Afficher vos mesures.",
            "patient/Observation.c": "Ajouter votre poids.",
        },
    },
]


def _service(donnees: dict, criteres) -> Service:
    donnees = dict(donnees)
    raisons = donnees.pop("portees")
    service = Service.objects.create(url_suppression=donnees["site_web"] + "suppression", **donnees)
    service.criteres.set(criteres)
    for portee, pourquoi in raisons.items():
        PorteeDemandee.objects.create(service=service, portee=portee, pourquoi=pourquoi)
    clients.client_creer(service=service, nom=service.nom, redirections=service.redirections)
    return service


def peupler(sender, *, comptes, profils, ecrire, **kwargs) -> None:
    if Service.objects.exists():
        return
    criteres = list(Critere.objects.all())  # the published ones (data migration)
    crees = {d["slug"]: _service(d, criteres) for d in SERVICES}
    exemple = crees["balance-exemple"]
    exemple.jeton_enregistrement = crypto.keyed_hash(clients.USAGE_JETON, JETON_ENREGISTREMENT_DEMO)
    exemple.save(update_fields=["jeton_enregistrement"])
    # Camille connected Tensio, reading and adding measures; it has read them once.
    camille = profils["camille"]
    acteur = acces.en_patient_de(acces.acteur_de_connexion(comptes["patient"]), camille)
    tensio = crees["tensio"]
    connexion = services.connexion_autoriser(
        acteur=acteur, service=tensio, choisies=["patient/Observation.rs", "patient/Observation.c"]
    )
    application = acces.acteur_application(
        user=comptes["patient"],
        profil=camille,
        application=tensio,
        scopes={"patient/Observation.rs", "patient/Observation.c"},
    )
    lues = dossier.mesures_visibles(acteur=application).count()
    services.api_lecture(
        acteur=application, operation="search Observation", ressources={"Observation": lues}
    )
    services.derniere_utilisation(connexion)  # « Mes services connectés » shows that read
    ecrire(
        f"Catalogue : {len(crees)} services référencés ; Tensio connecté au dossier de Camille. "
        f"Client d'exemple : jeton d'enregistrement « {JETON_ENREGISTREMENT_DEMO} » "
        f"(service Balance Exemple, retour {RETOUR_EXEMPLE})."
    )
