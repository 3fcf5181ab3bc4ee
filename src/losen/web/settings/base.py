"""Settings shared by every Losen deployment.

Configuration comes from the environment so that one installed package can serve any
municipality: ``DATABASE_URL``, ``LOSEN_VAR_DIR``, ``LOSEN_SECRET_KEY``, ``LOSEN_ALLOWED_HOSTS``,
``LOSEN_OIDC_*``. See ``docs/operations.md``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/losen
PROJECT_DIR = PACKAGE_DIR.parents[1]  # the checkout (holds var/ and node_modules/)
VAR_DIR = Path(os.environ.get("LOSEN_VAR_DIR", PROJECT_DIR / "var")).resolve()
NODE_MODULES_DIR = Path(os.environ.get("LOSEN_NODE_MODULES", PROJECT_DIR / "node_modules"))


def _secret_key() -> str:
    """Return the secret key from the environment, or one kept in ``var/secret_key``."""
    from_env = os.environ.get("LOSEN_SECRET_KEY")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key, encoding="ascii")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()


def _positive_int(name: str, default: int) -> int:
    """A whole number above zero from the environment, or a message that says what to write."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} må være et helt tall over 0 (nå: «{text}»).")
    return int(text)


DEBUG = False
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("LOSEN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "losen.web",
    "losen.apps.accounts",
    "losen.apps.audit",
    "losen.apps.persons",
    "losen.apps.clinical",
    "losen.apps.insight",
    "losen.apps.priorities",
    "losen.apps.cases",
    "losen.apps.criteria",
    "losen.apps.knowledge",
    "losen.apps.guidance",
    "losen.apps.jobs",
    "losen.apps.interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "losen.web.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # --- Faults and load (sessions refreshed sparingly; database outages answer 503) ---
    "losen.web.middleware.SessionRefreshMiddleware",
    "losen.web.middleware.DatabaseOutageMiddleware",
    # --- end faults and load ---
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "losen.apps.accounts.middleware.MunicipalityMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "losen.web.urls"
WSGI_APPLICATION = "losen.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "losen.web.context_processors.losen",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite under var/ is the embedded default; DATABASE_URL=postgresql://... switches.
DEFAULT_SQLITE_PATH = VAR_DIR / "losen.sqlite3"
#: The databases Losen is built and tested for (the import writes with each one's own SQL).
SUPPORTED_ENGINES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")


def database_from_environment() -> dict:
    """Build the default database settings from ``DATABASE_URL`` or the embedded SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config = dj_database_url.parse(f"sqlite:///{DEFAULT_SQLITE_PATH}")
    if config["ENGINE"] not in SUPPORTED_ENGINES:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"DATABASE_URL peker på {config['ENGINE']}; Losen kjører på SQLite og PostgreSQL "
            "(postgresql://bruker@vert:5432/database)."
        )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions serialise writers, so the audit chain's head is never read
        # stale by two processes at once; the timeout waits for the lock instead of failing.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {"default": database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # The database cache works across processes and on both engines; rate limits rely on it.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "losen_cache",
    }
}

# --- Background work: the task queue (django-tasks) -------------------------------------------
# Imports started from the web and the nightly fetch of national statistics run as tasks on the
# Django tasks interface, in ``losen worker``. The embedded default keeps the queue in the
# database (django-tasks-db, on SQLite and PostgreSQL alike); installations on several machines
# can use RQ on Redis instead: LOSEN_TASK_BACKEND=rq and LOSEN_REDIS_URL=redis://host:6379/0.
# A job's progress goes to the "tasks" cache: files under var/tasks/ on one machine, Redis when
# LOSEN_REDIS_URL is set. See docs/operations.md, "Background work".
LOSEN_REDIS_URL = os.environ.get("LOSEN_REDIS_URL", "").strip()
LOSEN_TASK_BACKEND = os.environ.get("LOSEN_TASK_BACKEND", "db").strip().lower() or "db"
#: Seconds between two heartbeats of a running job; three missed ones mean its worker is gone.
LOSEN_JOB_HEARTBEAT_SECONDS = _positive_int("LOSEN_JOB_HEARTBEAT_SECONDS", 5)
#: Seconds an RQ job may run before RQ stops it (a national table takes minutes, not hours).
LOSEN_TASK_TIMEOUT_SECONDS = 3 * 3600


def task_settings(backend: str, redis_url: str, var_dir: Path) -> dict:
    """``TASKS``, the ``tasks`` cache and, for RQ, its app and queues, from the two settings."""
    from django.core.exceptions import ImproperlyConfigured

    if backend not in {"db", "rq"}:
        raise ImproperlyConfigured(
            f"LOSEN_TASK_BACKEND må være «db» (køen i databasen) eller «rq» (Redis); nå: "
            f"«{backend}»."
        )
    if backend == "rq" and not redis_url:
        raise ImproperlyConfigured(
            "LOSEN_TASK_BACKEND=rq trenger LOSEN_REDIS_URL (for eksempel redis://127.0.0.1:6379/0)."
        )
    if redis_url:
        cache = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "losen",
        }
    else:
        cache = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(var_dir / "tasks"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    if backend == "rq":
        return {
            "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
            "RQ_QUEUES": {
                "default": {"URL": redis_url, "DEFAULT_TIMEOUT": LOSEN_TASK_TIMEOUT_SECONDS}
            },
            "apps": ["django_rq"],
            "cache": cache,
        }
    return {
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        "RQ_QUEUES": {},
        "apps": [],
        "cache": cache,
    }


_tasks = task_settings(LOSEN_TASK_BACKEND, LOSEN_REDIS_URL, VAR_DIR)
TASKS = _tasks["TASKS"]
RQ_QUEUES = _tasks["RQ_QUEUES"]
INSTALLED_APPS += _tasks["apps"]
CACHES["tasks"] = _tasks["cache"]

# The schedule ``losen worker`` keeps (local time, TIME_ZONE): each entry's task is enqueued
# once per due time, whichever worker (on whichever machine) sees it first; a run missed while
# no worker ran is made when one starts within LOSEN_SCHEDULE_CATCH_UP_HOURS of it.
LOSEN_SCHEDULE = {
    "nasjonal-statistikk": {
        "task": "losen.apps.insight.tasks.fetch_national_statistics",
        "at": os.environ.get("LOSEN_NIGHTLY_FETCH_AT", "03:15"),
    },
}
LOSEN_SCHEDULE_CATCH_UP_HOURS = 12
# What the nightly fetch asks SSB for: the catalogue's tables (losen.apps.insight.catalogue),
# each with the contents and dimension values the dashboard uses, for every region, over the
# last LOSEN_NIGHTLY_FETCH["years"] periods.
LOSEN_NIGHTLY_FETCH = {"tables": ["12003", "12209", "12367"], "years": 6}
# --- end background work ---

# --- Accounts and sessions --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "losen.apps.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Faults and load: sessions ----------------------------------------------------------------
# Sessions end after at most 30 idle minutes and always when the browser closes. The session
# row is not rewritten on every request (each would be a database write, and on SQLite writes
# wait for each other): losen.web.middleware.SessionRefreshMiddleware moves the expiry forward
# when the last refresh is more than five minutes old, so an idle session ends 25 to 30
# minutes after the last request. See docs/operations.md, "SQLite under load".
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
LOSEN_SESSION_REFRESH_SECONDS = 5 * 60
# --- end faults and load: sessions ---
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it; forms carry the token


# --- Sign-in and client address -----------------------------------------------------------------
# The proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-For is believed;
# the client address is then the right-most entry that is not one of them. Without any, the
# header is ignored and REMOTE_ADDR is the client. See losen.apps.accounts.client.
def _trusted_proxies() -> list[str]:
    import ipaddress

    entries = [p.strip() for p in os.environ.get("LOSEN_TRUSTED_PROXIES", "").split(",")]
    for entry in filter(None, entries):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                f"LOSEN_TRUSTED_PROXIES: «{entry}» er ikke en IP-adresse eller et nett (skriv "
                "for eksempel 10.0.0.5 eller 10.0.0.0/24, skilt med komma)."
            ) from None
    return [entry for entry in entries if entry]


LOSEN_TRUSTED_PROXIES = _trusted_proxies()

# Login rate limit (django-axes, losen.apps.accounts.throttle): five failures lock a user name
# from that client address for 15 minutes; 40 failures from one address, whatever the names,
# lock the address. The lock answers 429 with the same page for every user name.
AXES_FAILURE_LIMIT = 5
LOSEN_LOGIN_FAILURES_PER_ADDRESS = _positive_int("LOSEN_LOGIN_FAILURES_PER_ADDRESS", 40)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "losen.apps.accounts.throttle.LoginThrottle"
AXES_CLIENT_IP_CALLABLE = "losen.apps.accounts.client.client_address"
AXES_USERNAME_CALLABLE = "losen.apps.accounts.throttle.username_key"  # a keyed hash, not the text
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False  # the failure log would store usernames and addresses
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit log; no second, unpruned record
# --- end sign-in and client address ---

# OpenID Connect (HelseID, Entra ID): off by default, switched on by environment.
OIDC_ENABLED = os.environ.get("LOSEN_OIDC_ENABLED", "").lower() in {"1", "true", "yes"}
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("losen.apps.accounts.oidc.LosenOIDCBackend")
    OIDC_RP_CLIENT_ID = os.environ["LOSEN_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("LOSEN_OIDC_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("LOSEN_OIDC_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["LOSEN_OIDC_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["LOSEN_OIDC_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["LOSEN_OIDC_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("LOSEN_OIDC_JWKS_ENDPOINT", "")
    OIDC_RP_SCOPES = os.environ.get("LOSEN_OIDC_SCOPES", "openid email profile")
    OIDC_CREATE_USER = False  # an identity must match an account an administrator created

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "web" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
STATICFILES_DIRS = [
    # Front-end packages installed from npm at set-up (package.json), never copied into git.
    ("vendor/designsystemet-css", NODE_MODULES_DIR / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security headers ----------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging: no personal data in application log lines -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "losen.web.logging.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Request logs repeat URLs and may carry query strings; warnings only.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

LOSEN_ANNOUNCE_SYNTHETIC = True

# --- Audit key and anchor (the keyed audit chain and signed backups) ---------------------------
# The chain's HMAC key and the backups' signature key, kept outside the database:
# LOSEN_AUDIT_KEY (at least 32 bytes; the production settings require it), or else a random key
# in var/audit_key (mode 0600) that losen.apps.audit.keys creates on first use. The anchor file
# remembers how far the chain had come; see docs/operations.md, "Audit log".
AUDIT_KEY_MIN_BYTES = 32


def audit_key_from_environment(*, required: bool = False) -> bytes | None:
    """``LOSEN_AUDIT_KEY`` as bytes, checked; ``None`` when unset and not *required*."""
    from django.core.exceptions import ImproperlyConfigured

    value = os.environ.get("LOSEN_AUDIT_KEY", "").strip()
    if not value:
        if required:
            raise ImproperlyConfigured(
                "LOSEN_AUDIT_KEY mangler: produksjonsinnstillingene krever en nøkkel til "
                f"revisjonsloggen på minst {AUDIT_KEY_MIN_BYTES} byte, holdt utenfor databasen. "
                'Lag en med: python -c "import secrets; print(secrets.token_urlsafe(48))", og ta '
                "vare på den: uten den kan verken loggen eller sikkerhetskopiene kontrolleres."
            )
        return None
    key = value.encode("utf-8")
    if len(key) < AUDIT_KEY_MIN_BYTES:
        raise ImproperlyConfigured(
            f"LOSEN_AUDIT_KEY er for kort ({len(key)} byte): den må ha minst "
            f"{AUDIT_KEY_MIN_BYTES}. "
            'Lag en med: python -c "import secrets; print(secrets.token_urlsafe(48))".'
        )
    return key


AUDIT_KEY = audit_key_from_environment()
AUDIT_KEY_FILE = VAR_DIR / "audit_key"
AUDIT_ANCHOR_FILE = Path(os.environ.get("LOSEN_AUDIT_ANCHOR") or VAR_DIR / "audit_anchor")
AUDIT_ANCHOR_EVERY = 100
# --- end audit key and anchor ---
