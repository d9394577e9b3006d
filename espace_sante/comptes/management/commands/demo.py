"""Demo personas with known logins (idempotent): `manage.py demo`."""

from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from stdnum import luhn

from espace_sante.comptes import services
from espace_sante.comptes.enums import Profession, Sexe, StatutProfil
from espace_sante.comptes.models import Profil, User
from espace_sante.lib import nir as nir_lib

MOT_DE_PASSE = "EspaceSante-Demo-2026"
DOMAINE = "demo.espace-sante.fr"


def _nir(debut13: str) -> str:
    return debut13 + nir_lib.cle(debut13)


def _rpps(debut10: str) -> str:
    return debut10 + luhn.calc_check_digit(debut10)


PERSONAS = [
    ("patient", "Camille", "Martin", "Patiente adulte"),
    ("parent", "Nadia", "Benali", "Parent d'un enfant mineur (Yanis)"),
    ("medecin", "Jeanne", "Lefèvre", "Médecin généraliste"),
    ("pharmacien", "Paul", "Moreau", "Pharmacien"),
    ("mediateur", "Sophie", "Bernard", "Médiatrice France services"),
    ("admin", "Alex", "Admin", "Administrateur (Django admin)"),
]


def email_de(cle: str) -> str:
    return f"{cle}@{DOMAINE}"


class Command(BaseCommand):
    help = "Crée (ou complète) les personas de démonstration. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        users = self._comptes()
        self._profils(users)
        self._roles(users)
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {MOT_DE_PASSE})")
        for cle, _, _, role in PERSONAS:
            self.stdout.write(f"  {email_de(cle):38} {role}")
        self.stdout.write("Le code de connexion (second facteur) s'affiche dans la console.")

    def _comptes(self) -> dict[str, User]:
        users = {}
        for cle, prenom, nom, _ in PERSONAS:
            user = User.objects.filter(email=email_de(cle)).first()
            if user is None:
                extra = {"is_staff": True, "is_superuser": True} if cle == "admin" else {}
                user = services.utilisateur_creer(
                    email=email_de(cle), mot_de_passe=MOT_DE_PASSE, prenom=prenom, nom=nom, **extra
                )
            users[cle] = user
        return users

    def _profils(self, users: dict[str, User]) -> None:
        self._profil(
            "2850575056048",
            "Martin",
            "Camille Anne",
            date(1985, 5, 14),
            Sexe.FEMININ,
            "75056",
            titulaire=users["patient"],
        )
        nadia = self._profil(
            "288112A004015",
            "Benali",
            "Nadia",
            date(1988, 11, 3),
            Sexe.FEMININ,
            "2A004",
            titulaire=users["parent"],
        )
        yanis = self._profil(
            "1140393066021",
            "Benali",
            "Yanis",
            date(2014, 3, 12),
            Sexe.MASCULIN,
            "93066",
            statut=StatutProfil.CREE,
        )
        if not yanis.representants.filter(representant=nadia).exists():
            services.representation_creer(representant=nadia, mineur=yanis)

    def _roles(self, users: dict[str, User]) -> None:
        if not hasattr(users["medecin"], "professionnel"):
            services.professionnel_creer(
                user=users["medecin"],
                rpps=_rpps("1000000001"),
                profession=Profession.MEDECIN,
                specialite="Médecine générale",
                structure="Cabinet médical des Lilas",
            )
        if not hasattr(users["pharmacien"], "professionnel"):
            services.professionnel_creer(
                user=users["pharmacien"],
                rpps=_rpps("1000000002"),
                profession=Profession.PHARMACIEN,
                structure="Pharmacie de la Mairie",
            )
        if not hasattr(users["mediateur"], "mediateur"):
            services.mediateur_creer(
                user=users["mediateur"],
                site="France services de Montreuil",
                habilite_depuis=date(2026, 1, 1),
            )

    def _profil(
        self,
        debut13,
        nom,
        prenoms,
        naissance,
        sexe,
        lieu,
        *,
        titulaire=None,
        statut=StatutProfil.ACTIVE,
    ):
        nir = _nir(debut13)
        profil = Profil.objects.par_nir(nir).first()
        if profil is None:
            profil = services.profil_creer(
                nir=nir,
                nom_naissance=nom,
                prenoms=prenoms,
                date_naissance=naissance,
                sexe=sexe,
                code_lieu_naissance=lieu,
                statut=statut,
                titulaire=titulaire,
            )
        return profil
