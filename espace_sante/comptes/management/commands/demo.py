"""Demo personas with known logins (idempotent): `manage.py demo`.

The kernel creates the accounts, profiles and professionals, then sends ``demo_preparee``:
each app fills in its own part (the record, the choices, messages…) from its ``demo``
module, connected in its AppConfig.ready — the kernel imports no app.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from stdnum import luhn

from espace_sante.comptes import services
from espace_sante.comptes.enums import Civilite, Profession, Sexe, StatutProfil
from espace_sante.comptes.models import Profil, User
from espace_sante.comptes.signals import demo_preparee
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
M, MME = Civilite.MONSIEUR, Civilite.MADAME
# Other professionals of the demo record (same password): authors, a blocked one, an emergency.
AUTRES_PROS = [
    ("cardiologue", "Marc", "Dubois", Profession.MEDECIN, "Cardiologie", "Paris", M),
    ("biologiste", "Inès", "Garnier", Profession.MEDECIN, "Biologie médicale", "Paris", MME),
    ("urgentiste", "Claire", "Roux", Profession.MEDECIN, "Médecine d'urgence", "Montreuil", MME),
    ("dentiste", "Hugo", "Lambert", Profession.CHIRURGIEN_DENTISTE, "", "Paris", M),
]


def email_de(cle: str) -> str:
    return f"{cle}@{DOMAINE}"


class Command(BaseCommand):
    help = "Crée (ou complète) les personas de démonstration. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        users = self._comptes()
        profils = self._profils(users)
        self._roles(users)
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {MOT_DE_PASSE})")
        for cle, _, _, role in PERSONAS:
            self.stdout.write(f"  {email_de(cle):38} {role}")
        self.stdout.write("Le code de connexion (second facteur) s'affiche dans la console.")
        demo_preparee.send(
            sender=self.__class__, comptes=users, profils=profils, ecrire=self.stdout.write
        )

    def _comptes(self) -> dict[str, User]:
        users = {}
        comptes = [(c, p, n) for c, p, n, _ in PERSONAS] + [
            (c, p, n) for c, p, n, *_ in AUTRES_PROS
        ]
        for cle, prenom, nom in comptes:
            user = User.objects.filter(email=email_de(cle)).first()
            if user is None:
                extra = {"is_staff": True, "is_superuser": True} if cle == "admin" else {}
                user = services.utilisateur_creer(
                    email=email_de(cle), mot_de_passe=MOT_DE_PASSE, prenom=prenom, nom=nom, **extra
                )
            users[cle] = user
        return users

    def _profils(self, users: dict[str, User]) -> dict[str, Profil]:
        camille = self._profil(
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
        # Created by an account-creation batch, not activated: the mediator can help him.
        lucas = self._profil(
            "1670169123011",
            "Petit",
            "Lucas Henri",
            date(1967, 1, 20),
            Sexe.MASCULIN,
            "69123",
            statut=StatutProfil.CREE,
        )
        coordonnees = {
            camille: (
                "camille.martin@exemple.fr",
                "0612345678",
                "12 rue des Lilas",
                "75020",
                "Paris",
            ),
            nadia: (
                "nadia.benali@exemple.fr",
                "0698765432",
                "3 avenue Jean Jaurès",
                "93100",
                "Montreuil",
            ),
            lucas: ("lucas.petit@exemple.fr", "", "8 place Bellecour", "69002", "Lyon"),
        }
        for profil, (email, telephone, adresse, code_postal, commune) in coordonnees.items():
            if not profil.email_contact:
                profil.email_contact, profil.telephone = email, telephone
                profil.adresse, profil.code_postal, profil.commune = adresse, code_postal, commune
                profil.save(
                    update_fields=[
                        "email_contact",
                        "telephone",
                        "adresse",
                        "code_postal",
                        "commune",
                    ]
                )
        return {"camille": camille, "nadia": nadia, "yanis": yanis, "lucas": lucas}

    def _roles(self, users: dict[str, User]) -> None:
        if not hasattr(users["medecin"], "professionnel"):
            services.professionnel_creer(
                user=users["medecin"],
                rpps=_rpps("1000000001"),
                profession=Profession.MEDECIN,
                civilite=MME,
                specialite="Médecine générale",
                structure="Cabinet médical des Lilas",
                commune="Paris",
            )
        if not hasattr(users["pharmacien"], "professionnel"):
            services.professionnel_creer(
                user=users["pharmacien"],
                rpps=_rpps("1000000002"),
                profession=Profession.PHARMACIEN,
                civilite=M,
                structure="Pharmacie de la Mairie",
                commune="Montreuil",
            )
        for numero, (cle, _, _, profession, specialite, commune, civilite) in enumerate(
            AUTRES_PROS, 3
        ):
            if not hasattr(users[cle], "professionnel"):
                services.professionnel_creer(
                    user=users[cle],
                    rpps=_rpps(f"10000000{numero:02d}"),
                    profession=profession,
                    civilite=civilite,
                    specialite=specialite,
                    commune=commune,
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
