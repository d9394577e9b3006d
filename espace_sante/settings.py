"""Settings for espace-sante: one file, everything from the environment.

Development (DEBUG on) gets safe throwaway defaults so `make run` works on a fresh
clone; production (DEBUG off) refuses to start without its secrets.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

# Secrets may come from files: SECRET_KEY_FILE=/run/secrets/secret_key, etc.
env = environ.FileAwareEnv()

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default=False)

# Throwaway keys for development and tests only; never valid when DEBUG is off.
_DEV_SECRET_KEY = "dev-insecure-secret-key-for-local-use-only-not-for-production-0123456789"
_DEV_ENCRYPTION_KEYS = "dev1:ZGV2LW9ubHktbWFzdGVyLWtleS0zMi1ieXRlcy0hISE="
_DEV_HASH_KEY = "dev-only-lookup-hash-key-change-me-in-production"
_DEV_JOURNAL_KEY = "dev-only-journal-chain-key-change-me-in-production"
_DEV_JOURNAL_SIGNING_KEY = "ZGV2LW9ubHktam91cm5hbC1zaWduaW5nLWtleS0zMmI="


def _secret(name: str, dev_default: str) -> str:
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG or TESTING:
        return dev_default
    raise ImproperlyConfigured(
        f"La variable d'environnement {name} (ou {name}_FILE) est obligatoire en production "
        f"(DEBUG désactivé). Voir la liste des variables dans le README."
    )


SECRET_KEY = _secret("SECRET_KEY", _DEV_SECRET_KEY)
# Master keys for envelope encryption, newest first: "kid:base64(32 bytes),kid2:…".
ENCRYPTION_KEYS = _secret("ENCRYPTION_KEYS", _DEV_ENCRYPTION_KEYS)
# Key for keyed look-up hashes (NIR, activation codes). Rotating it means rehashing.
HASH_KEY = _secret("HASH_KEY", _DEV_HASH_KEY)
# Key of the journal's HMAC chains. Kept outside the database so that whoever holds only
# the database cannot recompute a chain after editing it. Its own secret rather than a
# sub-key of SECRET_KEY: rotating SECRET_KEY (sessions, reset links) must not break every
# chain, and an auditor can be given this key without the one that signs sessions.
JOURNAL_KEY = _secret("JOURNAL_KEY", _DEV_JOURNAL_KEY)
# Ed25519 private key, base64 of its 32 raw bytes: signs the checkpoints of the chain
# heads and the attestations given to patients (checked at start-up by a system check).
JOURNAL_SIGNING_KEY = _secret("JOURNAL_SIGNING_KEY", _DEV_JOURNAL_SIGNING_KEY)
# Public keys (base64) of retired signing keys: old checkpoints and attestations still verify.
JOURNAL_PREVIOUS_PUBLIC_KEYS = env.list("JOURNAL_PREVIOUS_PUBLIC_KEYS", default=[])
# Append-only JSON-lines files of signed checkpoints, outside PostgreSQL. In production,
# a mount on WORM / object-lock storage, so that not even this host can rewrite them.
JOURNAL_CHECKPOINT_DIR = Path(
    env.str("JOURNAL_CHECKPOINT_DIR", default=str(BASE_DIR / "var" / "journal-checkpoints"))
)
# The official list of France services desks, written by `manage.py france_services_charger`
# (help page search); without it, the marked sample shipped in espace_sante/donnees/.
FRANCE_SERVICES_FICHIER = env.str(
    "FRANCE_SERVICES_FICHIER", default=str(BASE_DIR / "var" / "france_services.csv")
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "dsfr",
    "widget_tweaks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_email",
    "allauth",
    "allauth.account",
    "oauth2_provider",
    # Shared kernel
    "espace_sante.comptes",
    "espace_sante.journal",
    "espace_sante.lib",
    "espace_sante.notifications",
    # Feature apps: consentement first, the four others build on it
    "consentement",
    "dossier",
    "messagerie",
    "agenda",
    "catalogue",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id; the request's own line last.
    "espace_sante.lib.traces.TraceRequeteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their long cache; every page gets no-store.
    "espace_sante.comptes.middleware.PasDeCacheMiddleware",
    # Early, so its process_view refuses a NUL byte before any other reads the form.
    "espace_sante.lib.requetes.OctetNulMiddleware",
    # CORS of the API for registered browser apps: preflights answered before the login.
    "catalogue.api.cors.CorsApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "espace_sante.comptes.middleware.ActiviteSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "espace_sante.comptes.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "espace_sante.comptes.middleware.OTPRequiredMiddleware",
    # Who acts, resolved once per request (lazily): request.acteur.
    "consentement.acces.middleware.ActeurMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The kernel's refusals a view let through: 404, 400 with the message, 403 (lib.refus).
    "espace_sante.pages.RefusMiddleware",
    # Last, so its check runs before any view middleware (CSRF) reads the body.
    "espace_sante.lib.televersement.PlafondMiddleware",
]

ROOT_URLCONF = "espace_sante.urls"
WSGI_APPLICATION = "espace_sante.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "consentement.context_processors.espace",
                "consentement.context_processors.accompagnement",
                "messagerie.context_processors.non_lus",
            ],
            # Tests set this to fail loudly on an undefined variable.
            "string_if_invalid": env.str("TEMPLATE_STRING_IF_INVALID", default=""),
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://localhost/espace_sante")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is checked before its first use in a request: after a PostgreSQL
# restart each worker reconnects instead of answering one 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL that does not answer a connection holds a request 5 s at most; the person
# then gets the "service momentanément indisponible" page (503), never a 500.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
)
# Seconds a browser or a load balancer is told to wait (Retry-After) while the database
# cannot be reached (espace_sante.pages.erreur_serveur).
INDISPONIBLE_REESSAYER_SECONDES = env.int("INDISPONIBLE_REESSAYER_SECONDES", default=30)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# DATABASE_URL is the role the web, worker and beat processes connect as. With
# DATABASE_OWNER_URL (given to the migrate job only), `migrate` connects as the owner of
# the tables and then grants the DATABASE_URL role what it needs: on the journal, only
# INSERT and SELECT, and never ownership, so it cannot drop or disable the trigger.
DATABASE_OWNER = env.db("DATABASE_OWNER_URL") if env.str("DATABASE_OWNER_URL", default="") else None
DATABASE_APP_ROLE = DATABASES["default"]["USER"] if DATABASE_OWNER else ""
if DATABASE_OWNER and (
    DATABASE_OWNER["NAME"] != DATABASES["default"]["NAME"]
    or DATABASE_OWNER["USER"] == DATABASE_APP_ROLE
):
    raise ImproperlyConfigured(
        "DATABASE_OWNER_URL doit désigner la même base que DATABASE_URL, avec un autre rôle "
        "(le propriétaire des tables) : l'application ne doit pas se connecter en propriétaire."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Every Redis call of a web request (cache, broker publish, health check): connect and read
# timeouts, then a breaker that skips the server for REDIS_DISJONCTEUR_SECONDES after a
# failure (espace_sante.lib.disjoncteur): a dead or frozen Redis costs each process one
# timeout per period, and pages answer from PostgreSQL meanwhile.
REDIS_DELAI_SECONDES = env.float("REDIS_DELAI_SECONDES", default=0.3)
REDIS_DISJONCTEUR_SECONDES = env.float("REDIS_DISJONCTEUR_SECONDES", default=5)
CACHES = {
    "default": {
        # Django's Redis cache behind the breaker: an unreachable Redis is a miss.
        "BACKEND": "espace_sante.lib.cache.CacheRedisTolerant",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "espace-sante",
    }
}

AUTH_USER_MODEL = "comptes.User"
AUTHENTICATION_BACKENDS = [
    "espace_sante.comptes.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "comptes:accueil"
LOGOUT_REDIRECT_URL = "account_login"

# Sessions: server-side in PostgreSQL only (the truth). Not through the cache: a session
# written or deleted while Redis is frozen would come back stale when it resumes (a logout,
# a closed accompagnement undone), and a Redis outage must sign no one out. The idle timeout is pushed forward at most once a minute
# (espace_sante.comptes.middleware.ActiviteSessionMiddleware), not written on every request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ACTIVITE_PAS = 60  # seconds between two pushes of the idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Flash messages stay on the server: they may name the person (a cookie would carry it).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = True

# allauth: email login, no public sign-up (profiles are created by batches and
# activated with a code), mandatory email verification, rate limits done by us in
# PostgreSQL (comptes.verrouillage) so that they fail closed without Redis.
SITE_ID = 1
ACCOUNT_ADAPTER = "espace_sante.comptes.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[espace-santé] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG or TESTING else "https"

# Two factors at every login, for every role.
OTP_EMAIL_TOKEN_VALIDITY = 10 * 60
OTP_EMAIL_SUBJECT = "Votre code de connexion à espace-santé"
OTP_EMAIL_BODY_TEMPLATE_PATH = "comptes/email/code_connexion.txt"
OTP_EMAIL_COOLDOWN_DURATION = 30
OTP_TOTP_ISSUER = "espace-santé"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lock-out thresholds (counted in PostgreSQL; see comptes/verrouillage.py).
LOCKOUT_MAX_FAILURES = env.int("LOCKOUT_MAX_FAILURES", default=5)
LOCKOUT_IP_MAX_FAILURES = env.int("LOCKOUT_IP_MAX_FAILURES", default=20)
LOCKOUT_WINDOW = timedelta(minutes=env.int("LOCKOUT_WINDOW_MINUTES", default=15))
# Longest wait between two identification attempts on one NIR (a delay, never a lock).
LOCKOUT_MAX_DELAY_SECONDS = env.int("LOCKOUT_MAX_DELAY_SECONDS", default=60)

# Proxies of ours in front of the web process (each appends to X-Forwarded-For); 0: none,
# the header is ignored. Lock-outs, send limits and the journal read the address through
# espace_sante.lib.requetes.adresse_client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Outgoing mail: the console in development, SMTP otherwise (tests use locmem).
if env.str("EMAIL_HOST", default="") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "espace_sante.notifications.courriel.EmailBackend",
            "OPTIONS": {
                "host": env.str("EMAIL_HOST", default="localhost"),
                "port": env.int("EMAIL_PORT", default=25),
                "username": env.str("EMAIL_HOST_USER", default=""),
                "password": env.str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env.bool("EMAIL_USE_TLS", default=False),
                # Per socket operation; a whole send stops after EMAIL_DELAI_ENVOI, well
                # within the notifications' lease (NOTIFICATIONS_BAIL_SECONDES).
                "timeout": env.int("EMAIL_TIMEOUT", default=15),
                "delai_envoi": env.int("EMAIL_DELAI_ENVOI", default=40),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
if env.str("EMAIL_FILE_PATH", default=""):
    # One file per email in this folder (browser and worker tests read them back).
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": env.str("EMAIL_FILE_PATH")},
        }
    }
# SMS: the console in development, a memory outbox in tests, a provider's class otherwise.
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default="espace_sante.notifications.sms.MemoireSms"
    if TESTING
    else "espace_sante.notifications.sms.ConsoleSms",
)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="espace-santé <ne-pas-repondre@espace-sante.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OTP_EMAIL_SENDER = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# Our wording over the libraries' (allauth says "e-mail"; the site says "adresse électronique").
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Health content: encrypted before it reaches the underlying storage.
    "sante": {
        "BACKEND": "espace_sante.lib.storage.EncryptedStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "sante")},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600
# Per-profile storage quota for documents, and uploads per person per hour (rows counted
# in PostgreSQL): a runaway script or a hostile account cannot fill the disk.
QUOTA_PROFIL_OCTETS = env.int("QUOTA_PROFIL_OCTETS", default=1024 * 1024 * 1024)
TELEVERSEMENTS_PAR_HEURE = env.int("TELEVERSEMENTS_PAR_HEURE", default=60)
# Health documents: 20 MB at most, held in memory only (never a clear temporary file).
TELEVERSEMENT_TAILLE_MAX = env.int("TELEVERSEMENT_TAILLE_MAX", default=20 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = TELEVERSEMENT_TAILLE_MAX + 64 * 1024
# Requests sent to addresses others chose (lib.sortant): https to public addresses only.
# The networks exempted from "public" exist for the test suite's loopback receiver: leave
# empty in production. SORTANT_CA: a CA bundle file (default: certifi's).
SORTANT_RESEAUX_PERMIS = env.list("SORTANT_RESEAUX_PERMIS", default=[])
SORTANT_CA = env.str("SORTANT_CA", default="")

# Content Security Policy: nonces for scripts, nothing inline, nothing remote.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "espace_sante.pages.csrf_echec"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe the health endpoints over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^sante/"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Celery: Redis carries the work, PostgreSQL holds the truth (see DESIGN.md).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# Workers log through LOGGING too (JSON lines, no exception messages: lib/traces.py).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A publish never hangs on a frozen Redis (kombu waits forever without a socket timeout);
# web requests publish through espace_sante.lib.taches, behind the Redis breaker.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_DELAI_SECONDES
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_DELAI_SECONDES,
    # Workers too: their BRPOP is read by the event loop once readable, never blocking.
    "socket_timeout": REDIS_DELAI_SECONDES,
}
# ---------------------------------------------------------------------------------------
# The feature apps' settings: secure messaging and its SMTP gateway, notifications'
# retention, the agenda's feeds, the catalogue's OAuth 2 provider and API, and the
# periodic tasks (the kernel's, then the apps').

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

CELERY_BEAT_SCHEDULE = BEAT_NOYAU | BEAT_APPLICATIONS

# Account-creation batches: rows per chunk (one transaction, one COPY per table).
LOT_TAILLE_MORCEAU = env.int("LOT_TAILLE_MORCEAU", default=10000)

# Health (espace_sante.sante): /sante/pret says "degrade" beyond these; /sante/metriques
# answers the networks of METRIQUES_RESEAUX, or anyone with "Authorization: Bearer
# METRIQUES_JETON" (empty: no token accepted); to anyone else it does not exist (404).
SANTE_FILE_MAX = env.int("SANTE_FILE_MAX", default=10000)
SANTE_RETARD_MAX_SECONDES = env.int("SANTE_RETARD_MAX_SECONDES", default=300)
METRIQUES_RESEAUX = env.list("METRIQUES_RESEAUX", default=["127.0.0.1/32", "::1/128"])
METRIQUES_JETON = env.str("METRIQUES_JETON", default="")

# Logs: one line per record on stderr, JSON lines with LOG_FORMAT=json (for a collector),
# each with the request's id. Never health data: exception messages are left out (they
# may quote what a person typed), SQL parameters are never logged (espace_sante.lib.traces).
LOG_FORMAT = env.str("LOG_FORMAT", default="texte")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"requete": {"()": "espace_sante.lib.traces.FiltreRequete"}},
    "formatters": {
        "texte": {"()": "espace_sante.lib.traces.FormatTexte"},
        "json": {"()": "espace_sante.lib.traces.FormatJson"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["requete"],
            "formatter": "json" if LOG_FORMAT == "json" else "texte",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

DSFR_USE_INTEGRITY_CHECKSUMS = False

ACCOUNT_FORMS = {
    "login": "espace_sante.comptes.forms.LoginForm",
    "reset_password": "espace_sante.comptes.forms.ResetPasswordForm",
    "reset_password_from_key": "espace_sante.comptes.forms.ResetPasswordKeyForm",
    "change_password": "espace_sante.comptes.forms.ChangePasswordForm",
    "set_password": "espace_sante.comptes.forms.SetPasswordForm",
    "reauthenticate": "espace_sante.comptes.forms.ReauthenticateForm",
    "add_email": "espace_sante.comptes.forms.AddEmailForm",
}
# One address per account: changing it verifies the new one before replacing the old.
ACCOUNT_CHANGE_EMAIL = True
# Changing the email or password asks for the password again (step-up).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
