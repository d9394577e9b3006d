"""Start-up checks of the journal's keys and database roles."""

from django.conf import settings
from django.core import checks

from espace_sante.journal import signature


@checks.register()
def cles_du_journal(app_configs=None, **kwargs):
    erreurs = []
    try:
        signature.cle_publique()
    except signature.CleInvalide as erreur:
        erreurs.append(checks.Error(str(erreur), id="journal.E001"))
    for cle in settings.JOURNAL_PREVIOUS_PUBLIC_KEYS:
        if not signature.publique_valide(cle):
            erreurs.append(
                checks.Error(
                    f"JOURNAL_PREVIOUS_PUBLIC_KEYS : « {cle} » n'est pas une clé publique "
                    "Ed25519 en base64 (32 octets).",
                    id="journal.E002",
                )
            )
    return erreurs


@checks.register(checks.Tags.security, deploy=True)
def role_de_l_application(app_configs=None, **kwargs):
    if settings.DATABASE_OWNER:
        return []
    return [
        checks.Warning(
            "DATABASE_OWNER_URL n'est pas renseignée : l'application se connecte sans doute en "
            "propriétaire des tables et pourrait désactiver le déclencheur du journal.",
            hint="Migrations avec DATABASE_OWNER_URL (propriétaire), web et workers avec un "
            "rôle sans propriété (DATABASE_URL) : voir le README, « Journal ».",
            id="journal.W001",
        )
    ]
