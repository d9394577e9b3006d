"""The demo record, seeded like a real year of care (`manage.py demo`, after the kernel's
accounts): documents of several categories and authors, measures with charts, a result held
for an announcement, a masked document, a blocked professional, an emergency access in the
history, decisions in *Mes choix*, a minor with a confidential act.

Everything goes through the services, as a user would: the journal, the policy and the
encryption see exactly what they would see in real life. Idempotent: a record that has
documents is left as it is.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.utils import timezone

from consentement import acces
from consentement.acces import choix, ouverture
from dossier import services
from dossier.models import Document
from espace_sante.lib import fichiers, pdf

# (days ago, category, title, author key or "" for the patient herself)
DOCUMENTS_CAMILLE = [
    (350, "compte_rendu", "Consultation de médecine générale — bilan annuel", "medecin"),
    (340, "biologie", "Bilan sanguin : numération, glycémie, cholestérol", "biologiste"),
    (300, "ordonnance", "Ordonnance — traitement de l'hypertension", "medecin"),
    (260, "imagerie", "Échographie cardiaque", "cardiologue"),
    (250, "compte_rendu", "Consultation de cardiologie", "cardiologue"),
    (200, "vaccination", "Certificat de vaccination — rappel DTP", "medecin"),
    (150, "autre", "Mutuelle — attestation de droits", ""),
    (120, "compte_rendu", "Soins dentaires — détartrage", "dentiste"),
    (90, "ordonnance", "Ordonnance — renouvellement", "medecin"),
    (45, "certificat", "Certificat d'aptitude au sport", "medecin"),
    (20, "biologie", "Bilan lipidique de contrôle", "biologiste"),
]


def _pdf(titre: str, auteur: str, quand: date) -> fichiers.FichierVerifie:
    contenu = pdf.document(
        [
            [
                ("titre", titre),
                ("texte", f"Document de démonstration rédigé par {auteur}."),
                ("petit", f"Acte du {quand:%d/%m/%Y}. Aucune donnée réelle."),
            ]
        ],
        titre=titre,
    )
    return fichiers.verifier(io.BytesIO(contenu))


def _acteur_pro(user, profil):
    """The professional's actor on this record, opening an access (NIR + birth date) first."""
    base = acces.acteur_de_connexion(user)
    if acces.sur_dossier(base, profil) is None:
        ouverture.acces_ouvrir(acteur=base, nir=profil.nir, date_naissance=profil.date_naissance)
    return acces.sur_dossier(base, profil)


def _documents(camille, comptes, lecteur) -> dict[str, Document]:
    aujourdhui = timezone.localdate()
    deposes = {}
    for jours, categorie, titre, auteur in DOCUMENTS_CAMILLE:
        quand = aujourdhui - timedelta(days=jours)
        acteur = _acteur_pro(comptes[auteur], camille) if auteur else lecteur
        deposes[titre] = services.document_ajouter(
            acteur=acteur,
            fichier=_pdf(titre, acteur.libelle, quand),
            titre=titre,
            categorie=categorie,
            date_acte=quand,
        )
    # A result the biologist holds until it is announced in consultation.
    biologiste = _acteur_pro(comptes["biologiste"], camille)
    titre = "Résultat d'examen anatomopathologique"
    services.document_ajouter(
        acteur=biologiste,
        fichier=_pdf(titre, biologiste.libelle, aujourdhui),
        titre=titre,
        categorie="biologie",
        date_acte=aujourdhui,
        annonce_requise=True,
    )
    return deposes


def _profil_medical(camille, lecteur, medecin) -> None:
    entrees = [
        (lecteur, "antecedent_medical", "Hypertension artérielle", date(2019, 4, 2)),
        (lecteur, "antecedent_chirurgical", "Appendicectomie", date(2001, 6, 15)),
        (lecteur, "antecedent_familial", "Diabète de type 2 (père)", None),
        (medecin, "traitement", "Amlodipine 5 mg, un comprimé le matin", date(2019, 4, 10)),
        (lecteur, "allergie", "Pénicilline (urticaire)", date(2010, 1, 1)),
        (medecin, "vaccination", "DTP (rappel)", timezone.localdate() - timedelta(days=200)),
        (lecteur, "vaccination", "Grippe saisonnière", timezone.localdate() - timedelta(days=40)),
        (lecteur, "personne_a_prevenir", "Julien Martin (frère) — 06 11 22 33 44", None),
        (lecteur, "don_organes", "donneur", None),
    ]
    for acteur, rubrique, libelle, quand in entrees:
        services.information_ajouter(acteur=acteur, rubrique=rubrique, libelle=libelle, date=quand)
    maintenant = timezone.now()
    for semaine in range(52):
        quand = maintenant - timedelta(weeks=semaine, hours=2)
        services.mesure_ajouter(
            acteur=lecteur, type_mesure="poids", valeur=f"{68 + (semaine % 9) / 4:.1f}", quand=quand
        )
        services.mesure_ajouter(
            acteur=lecteur,
            type_mesure="tension",
            valeur=f"{128 - semaine % 7}/{82 - semaine % 4}",
            quand=quand,
        )
    services.mesure_ajouter(
        acteur=lecteur, type_mesure="taille", valeur="168", quand=maintenant - timedelta(days=300)
    )


def _choix(camille, comptes, lecteur, documents) -> None:
    """Her decisions: médecin traitant, a masked document, a blocked dentist; an emergency."""
    choix.medecin_traitant_declarer(acteur=lecteur, professionnel=comptes["medecin"].professionnel)
    choix.element_masquer(
        acteur=lecteur, element=documents["Soins dentaires — détartrage"], masque=True
    )
    choix.professionnel_bloquer(acteur=lecteur, professionnel=comptes["dentiste"].professionnel)
    urgentiste = acces.acteur_de_connexion(comptes["urgentiste"])
    ouverture.acces_urgence_ouvrir(
        acteur=urgentiste,
        nir=camille.nir,
        date_naissance=camille.date_naissance,
        motif="Patiente admise aux urgences inconsciente après un malaise, antécédents à vérifier.",
    )


def _yanis(yanis, nadia_user, comptes) -> None:
    """The child's record: a vaccination from his mother, a confidential act from the doctor."""
    parent = acces.en_patient_de(acces.acteur_de_connexion(nadia_user), yanis)
    services.information_ajouter(
        acteur=parent, rubrique="vaccination", libelle="ROR (2 doses)", date=date(2016, 3, 1)
    )
    services.information_ajouter(acteur=parent, rubrique="allergie", libelle="Arachide")
    medecin = _acteur_pro(comptes["medecin"], yanis)
    titre = "Consultation demandée confidentielle par le patient"
    aujourdhui = timezone.localdate()
    document = services.document_ajouter(
        acteur=medecin,
        fichier=_pdf(titre, medecin.libelle, aujourdhui),
        titre=titre,
        categorie="compte_rendu",
        date_acte=aujourdhui,
        confidentiel=True,
    )
    choix.confidentialite_enregistrer(acteur=medecin, element=document)
    titre = "Certificat de non contre-indication au sport"
    services.document_ajouter(
        acteur=medecin,
        fichier=_pdf(titre, medecin.libelle, aujourdhui),
        titre=titre,
        categorie="certificat",
        date_acte=aujourdhui - timedelta(days=60),
    )


def peupler(sender, *, comptes, profils, ecrire, **kwargs) -> None:
    camille, yanis = profils["camille"], profils["yanis"]
    if Document.objects.filter(profil=camille).exists():
        return
    lecteur = acces.en_patient_de(acces.acteur_de_connexion(comptes["patient"]), camille)
    documents = _documents(camille, comptes, lecteur)
    _profil_medical(camille, lecteur, _acteur_pro(comptes["medecin"], camille))
    _choix(camille, comptes, lecteur, documents)
    _yanis(yanis, comptes["parent"], comptes)
    ecrire("Dossiers de démonstration : Camille Martin (un an de soins), Yanis Benali (mineur).")
