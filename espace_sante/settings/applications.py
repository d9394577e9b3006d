"""The periodic tasks (the kernel's, then the apps'), and the feature apps' settings: secure messaging and its SMTP gateway, notifications'
retention, the agenda's feeds, the catalogue's OAuth 2 provider and API. Read by
``espace_sante.settings`` once its own values (``env``, ``DEBUG``, ``TESTING``) exist."""

from datetime import timedelta

from espace_sante.settings import DEBUG, TESTING, env

# Secure messaging: patients' addresses are <INS>@patient.<MESSAGERIE_DOMAINE>; the SMTP
# gateway listens on a loopback port (make run) or behind the health messaging's relay.
MESSAGERIE_DOMAINE = env.str("MESSAGERIE_DOMAINE", default="espace-sante.localhost")
MESSAGERIE_SMTP_HOTE = env.str("MESSAGERIE_SMTP_HOTE", default="127.0.0.1")
MESSAGERIE_SMTP_PORT = env.int("MESSAGERIE_SMTP_PORT", default=2525)
# Who may hand mail to the gateway: the health messaging operator's relays, which
# authenticate the professionals (addresses or networks). Any other client is refused at
# connection (554, holding no session place), so nobody can claim a professional's address
# by connecting directly.
MESSAGERIE_SMTP_RELAIS = env.list("MESSAGERIE_SMTP_RELAIS", default=["127.0.0.1", "::1"])
# Largest mail the gateway accepts: one file at the upload bound (20 MiB, lib.fichiers),
# base64-encoded in lines of 76 (27.4 MiB), and its headers and text.
MESSAGERIE_SMTP_TAILLE_MAX = env.int("MESSAGERIE_SMTP_TAILLE_MAX", default=28 * 1024 * 1024)
# Sessions open at once (one more is answered 421) and mails parsed and stored at once:
# the gateway's memory is bounded by these and the size above.
MESSAGERIE_SMTP_SESSIONS_MAX = env.int("MESSAGERIE_SMTP_SESSIONS_MAX", default=8)
MESSAGERIE_SMTP_TRAITEMENTS_MAX = env.int("MESSAGERIE_SMTP_TRAITEMENTS_MAX", default=2)
# Sessions one relay may hold at once (the others keep at least one place), and seconds a
# session may stay silent before it is closed (NOOP and RSET count, within a bound).
MESSAGERIE_SMTP_SESSIONS_PAR_RELAIS = env.int("MESSAGERIE_SMTP_SESSIONS_PAR_RELAIS", default=6)
MESSAGERIE_SMTP_INACTIVITE = env.int("MESSAGERIE_SMTP_INACTIVITE", default=30)
MESSAGERIE_CONSERVATION_JOURS = env.int("MESSAGERIE_CONSERVATION_JOURS", default=730)
MESSAGERIE_CONSERVATION = timedelta(days=MESSAGERIE_CONSERVATION_JOURS)
# Messages one person (or professional address) may send per hour, counted in PostgreSQL.
MESSAGERIE_MESSAGES_PAR_HEURE = env.int("MESSAGERIE_MESSAGES_PAR_HEURE", default=60)
# Requests per minute one client may make to the FHIR API (counted in Redis; when Redis
# cannot count, the API answers 503 rather than serve unmetered).
API_REQUETES_PAR_MINUTE = env.int("API_REQUETES_PAR_MINUTE", default=120)
# How long a consent to a service lasts before the person is asked again.
CATALOGUE_DUREE_AUTORISATION_JOURS = env.int("CATALOGUE_DUREE_AUTORISATION_JOURS", default=365)
# Client registrations (RFC 7591) counted in PostgreSQL (fail closed): per service and
# day, per source address and hour.
CATALOGUE_ENREGISTREMENTS_PAR_JOUR = env.int("CATALOGUE_ENREGISTREMENTS_PAR_JOUR", default=10)
CATALOGUE_ENREGISTREMENTS_PAR_HEURE_ET_ADRESSE = env.int(
    "CATALOGUE_ENREGISTREMENTS_PAR_HEURE_ET_ADRESSE", default=20
)

# The apps' periodic tasks, added to CELERY_BEAT_SCHEDULE.
BEAT_APPLICATIONS = {
    "messagerie-conservation": {
        "task": "messagerie.tasks.conservation_appliquer",
        "schedule": 86400,
    },
    "messagerie-conservation-prevenir": {
        "task": "messagerie.tasks.conservation_prevenir",
        "schedule": 86400,
    },
}

# Sent notifications are deleted after this many days (the body never holds health content).
NOTIFICATIONS_CONSERVATION_JOURS = env.int("NOTIFICATIONS_CONSERVATION_JOURS", default=90)
# A notification handed to a provider is held by its worker this long; then (the worker
# died, or the send was not recorded) the sweep, every NOTIFICATIONS_RELANCE_SECONDES, sends
# it again with the same idempotency key: at most 2 min 30 s in all (120 + 30). The lease
# must exceed a send's total duration (at most 2 × EMAIL_TIMEOUT for the connect and the
# greeting + 2 × EMAIL_DELAI_ENVOI for login and send = 110 s, enforced by notifications.courriel), or a
# slow send would be claimed again and sent twice.
NOTIFICATIONS_BAIL_SECONDES = env.int("NOTIFICATIONS_BAIL_SECONDES", default=120)
# One sweep stops starting sends after this many seconds (the next sweep goes on).
NOTIFICATIONS_BUDGET_SECONDES = env.int("NOTIFICATIONS_BUDGET_SECONDES", default=120)
NOTIFICATIONS_RELANCE_SECONDES = env.int("NOTIFICATIONS_RELANCE_SECONDES", default=30)

# Agenda: fetches of one calendar subscription per day (a client polling every 5 minutes
# makes 288), and fetches with an unknown token per address per day; beyond, 429.
AGENDA_FLUX_LECTURES_PAR_JOUR = env.int("AGENDA_FLUX_LECTURES_PAR_JOUR", default=400)
AGENDA_FLUX_REFUS_PAR_JOUR = env.int("AGENDA_FLUX_REFUS_PAR_JOUR", default=30)
# Connected services (catalogue): OAuth 2 by django-oauth-toolkit, SMART App Launch scopes.
# Authorization code with PKCE S256 only, exact redirect URIs, tokens stored hashed, refresh
# tokens rotated with replay detection; access tokens live 1 hour.
# The library's models, named as settings (its swappable foreign keys read them).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = "oauth2_provider.DeviceGrant"
OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "catalogue.oauth.validateur.Validateur",
    "SCOPES_BACKEND_CLASS": "catalogue.oauth.validateur.Portees",
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 90 * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    # Loopback http callbacks (native apps, the example client) in development only.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if DEBUG or TESTING else ["https"],
    "ALLOW_URI_WILDCARDS": False,
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none", "client_secret_basic"],
    **{
        f"COMPLIANT_BCP_RFC9700_{gate}": True
        for gate in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": not (DEBUG or TESTING),
}


# Workers also run the due-work sweeps below (periods of 5 minutes or less) on their own
# timer, one worker at a time by an advisory lock: beat's absence stops no reminder
# (espace_sante.balayeur).
BALAYAGE_TRAVAILLEUR = env.bool("BALAYAGE_TRAVAILLEUR", default=True)

# The apps' health checks, read by /sante/pret and /sante/metriques (espace_sante.sante).
SANTE_CONTROLES = ["agenda.sante.rappels"]

# Seconds between two signed checkpoints of the journal's chain heads.
JOURNAL_CHECKPOINT_SECONDS = env.int("JOURNAL_CHECKPOINT_SECONDS", default=600)

# The kernel's and consentement's periodic tasks.
BEAT_NOYAU = {
    "purger-tentatives": {"task": "espace_sante.comptes.tasks.purger_tentatives", "schedule": 3600},
    "stockage-partiels-purger": {
        "task": "espace_sante.lib.tasks.stockage_partiels_purger",
        "schedule": 3600,
    },
    "lots-reprendre": {"task": "consentement.tasks.lots_reprendre", "schedule": 120},
    "avis-relancer": {"task": "consentement.tasks.avis_relancer", "schedule": 300},
    "annonces-echoir": {"task": "consentement.tasks.annonces_echoir", "schedule": 3600},
    "suppressions-executer": {"task": "consentement.tasks.suppressions_executer", "schedule": 3600},
    "majorites-traiter": {"task": "consentement.tasks.majorites_traiter", "schedule": 3600},
    "journal-point-de-controle": {
        "task": "espace_sante.journal.tasks.point_de_controle",
        "schedule": JOURNAL_CHECKPOINT_SECONDS,
    },
    "notifications-relancer": {
        "task": "espace_sante.notifications.tasks.notifications_relancer",
        "schedule": NOTIFICATIONS_RELANCE_SECONDES,
    },
    # Agenda: reminders are rows swept every minute (no ETA/countdown tasks).
    "rappels-balayer": {"task": "agenda.tasks.rappels_balayer", "schedule": 60},
    "prevention-planifier": {"task": "agenda.tasks.prevention_planifier", "schedule": 86400},
    "flux-compteurs-purger": {"task": "agenda.tasks.compteurs_purger", "schedule": 86400},
    "catalogue-suppressions": {
        "task": "catalogue.tasks.suppressions_relancer",
        "schedule": 60,
    },
    "notifications-purger": {
        "task": "espace_sante.notifications.tasks.notifications_purger",
        "schedule": 86400,
    },
}
