"""SafeGrid settings: the one module that reads the environment.

Defaults are the embedded setup (SQLite, in-memory channel layer, local media) so that
`make run` works on a bare machine. Production sets DJANGO_DEBUG=0 and must then provide
every secret; nothing insecure is a default outside DEBUG.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


DEBUG = env_bool("DJANGO_DEBUG", False)
# Under pytest the test switches (fast hasher, no throttling) are on unless told otherwise.
TESTING = env_bool("SAFEGRID_TESTING", "pytest" in sys.modules)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG-on-0123456789"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "import_export",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "config.realtime",
    "config.media",
    "grids",
    "inspections",
    "inspections.open311",
    "inspections.tips",
    "points",
    "volunteers",
    "dispatch",
]

MIDDLEWARE = [
    # First: nothing below it may see who visits an anonymous path (config/privacy.py).
    "config.privacy.AnonymousPathsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.api.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates", BASE_DIR / "fieldapp" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions make concurrent writers queue instead of failing with
    # "database is locked" half-way through a transaction; WAL lets readers go on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif env_bool("DATABASE_POOL", True):
    # Under ASGI every request runs in a thread of its own; psycopg's pool keeps
    # connections warm instead of opening one per request.
    # CONN_HEALTH_CHECKS makes the pool check a connection before handing it out: after
    # PostgreSQL restarted every idle one is broken, and without the check each served one
    # failing request before the pool dropped it; config.postgres checks them all after
    # the first broken one. A request waits at most DATABASE_POOL_TIMEOUT seconds for a
    # connection, then is answered 503 (config/api/handlers.py).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "config.postgres"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": env_int("DATABASE_POOL_MIN", 2),
            "max_size": env_int("DATABASE_POOL_MAX", 20),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
            # While the database is down the pool retries each connection 1, 2, 4, 8 s
            # apart until this many seconds have passed, then lets the next request start
            # anew. With psycopg_pool's 300 s, after a 30 s outage the next attempt could
            # be further away than the pool's timeout: a 503 with the database back.
            "reconnect_timeout": 5,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels ---------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and TESTING and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    # Parallel test processes share CI's one Redis: each gets a database of its own, so
    # that one's cache.clear() and groups ("user.5" exists in both test databases) never
    # reach the other. Processes a test starts inherit the variable, and so the database.
    _worker = int(os.environ["PYTEST_XDIST_WORKER"][2:] or 0)
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{_worker + 1}").geturl()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1500, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Rate limits (DRF throttles, Open311 per-key limits) count in the cache: with Redis they
# hold across every process; the local-memory default counts per process. While Redis is
# unreachable they count per process again instead of failing requests (config/cache.py);
# the timeouts keep a Redis that hangs from holding a request for long.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "safegrid",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
# The module that names every websocket group and lists the groups a user joins
# (config.realtime.groups); owned by grids so that config imports no app.
REALTIME_AUDIENCES = "grids.audiences"
# Which account a sign-in names (username or any spelling of its phone number), the key of
# the password-guess limit; owned by grids so that config imports no app.
LOGIN_ACCOUNT_KEY = "grids.auth.login_account_key"

# --- Task runner ------------------------------------------------------------------------
# Django's Tasks API (the django-tasks backport) on the database backend: a task is a row
# written in the caller's transaction, so a timer (a dispatch ring's deadline) is never
# lost between commit and effect, and a killed runner's work is still in the database.
# `manage.py worker` runs them (make run starts one; production runs its own processes).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# How often an idle worker looks for due tasks (seconds): the worst-case delay of a timer.
TASKS_WORKER_INTERVAL = float(os.environ.get("SAFEGRID_TASKS_INTERVAL", "") or 0.5)

# --- Users and authentication ---------------------------------------------------------
AUTH_USER_MODEL = "grids.User"
AUTHENTICATION_BACKENDS = [
    "grids.auth.UsernameOrPhoneBackend",
    # Admin permissions that come with a role (community staff), not with a Group.
    "grids.roles.RolePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Tests create many users; the default PBKDF2 hasher would dominate their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("SAFEGRID_TOKEN_TTL_DAYS", 30)),
    "AUTO_REFRESH": True,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
}
WS_TICKET_TTL_SECONDS = 60
# Events older than this are pruned (realtime_prune); a client offline for longer resyncs.
REALTIME_EVENT_RETENTION_DAYS = env_int("SAFEGRID_EVENT_RETENTION_DAYS", 14)
# A successful delivery retries older undelivered events at most this often per process
# (at once after a delivery of its own failed); `realtime_flush` from cron does the rest.
REALTIME_FLUSH_EVERY_SECONDS = 1.0

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
# django-import-export: importing needs the add permission, exporting the view permission
# (every admin list is scoped, so an export holds only the reader's rows).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_FORMATS = [CSV, XLSX]
# What one admin import may hold (config.exports.LimitedImportForm, grids.resources): a
# community's buildings fit many times over; a whole city goes through manage.py
# import_buildings, which streams. The preview page of a larger file would be unusable.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 5000

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "fieldapp" / "static", BASE_DIR / "config" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if S3_BUCKET:
    # Any S3-compatible store (MinIO, Ceph, OSS, COS); photos stay private and are
    # streamed through permission-checked views, so no public ACL.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_S3_REGION") or None,
            "access_key": os.environ.get("DJANGO_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# The folders of the default storage that uploads are written to, each with the fields
# (app_label.Model.field) that name its files. A process killed between writing an
# upload's files and committing its row leaves files no row names: `manage.py
# media_prune` (daily) deletes those older than the grace period (config/media).
MEDIA_FOLDERS = {
    "hazard-photos": ["inspections.Photo.display", "inspections.Photo.thumbnail"],
    "certificate-photos": [
        "volunteers.Certificate.photo",
        "volunteers.Certificate.photo_thumbnail",
    ],
    "tips": ["tips.TipAttachment.file"],
    "rewards": ["points.Reward.photo"],
}
MEDIA_PRUNE_GRACE_MINUTES = env_int("SAFEGRID_MEDIA_PRUNE_GRACE_MINUTES", 60)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.TokenAuthentication",
        "config.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("SAFEGRID_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("SAFEGRID_THROTTLE_USER", "600/minute"),
        "login": os.environ.get("SAFEGRID_THROTTLE_LOGIN", "10/minute"),
        "login_account": os.environ.get("SAFEGRID_THROTTLE_LOGIN_ACCOUNT", "20/hour"),
    },
    # The client address comes from the socket unless proxies are configured: with N
    # proxies in front, the address the nearest of them appended to X-Forwarded-For
    # (the Nth from the right). Anything a client writes in that header is ignored.
    "NUM_PROXIES": env_int("SAFEGRID_NUM_PROXIES", 0),
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
}
if TESTING:
    # Off in tests, unless a test's environment sets a rate (the cross-process test does).
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
        scope: os.environ.get(f"SAFEGRID_THROTTLE_{scope.upper()}", "100000/minute")
        for scope in ("anon", "user", "login", "login_account")
    }

SPECTACULAR_SETTINGS = {
    "TITLE": "SafeGrid API",
    "DESCRIPTION": (
        "Community safety grids: grids and workers, hazards from report to closure, "
        "safety points, volunteers. Errors share one format (see `Error`). Lists use "
        "cursor pagination: follow `next` until it is null. Authenticate phones with "
        "`Authorization: Token <token>` from `POST /api/v1/auth/token/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        # The voucher status kept the name it had before the volunteers added theirs.
        "StatusEnum": "points.models.VoucherStatus.choices",
        "ActivityKindEnum": "volunteers.models.ActivityKind.choices",
        "SignupStatusEnum": "volunteers.models.SignupStatus.choices",
        "HoursStatusEnum": "volunteers.models.HoursStatus.choices",
        "CertificateStatusEnum": "volunteers.models.CertificateStatus.choices",
        "VolunteerStatusEnum": "volunteers.models.ProfileStatus.choices",
        "EnrolmentStatusEnum": "volunteers.models.EnrolmentStatus.choices",
        "DispatchStatusEnum": "dispatch.models.DispatchStatus.choices",
        "OfferStatusEnum": "dispatch.models.OfferStatus.choices",
        "DispatchUrgencyEnum": "dispatch.models.Urgency.choices",
        "DispatchOutcomeEnum": "dispatch.models.Outcome.choices",
    },
    # Served from our own static files: staff networks often cannot reach a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Sessions and security --------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_client_address": {"()": "config.privacy.RedactClientAddressFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_client_address"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # At DEBUG Pillow logs every EXIF tag it parses, author and GPS included: photo
        # metadata we strip must not reach the logs either.
        "PIL": {"level": "WARNING"},
    },
}

# --- Safety points (points app) ---------------------------------------------------------
# Earned points expire after this many days, oldest first (`manage.py expire_points`);
# unset or 0: points never expire.
POINTS_EXPIRE_AFTER_DAYS = env_int("SAFEGRID_POINTS_EXPIRE_AFTER_DAYS", 0) or None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests on a file, not SQLite's shared-cache memory database: there concurrent
    # writers fail at once ("table is locked") instead of queueing as in production, so
    # the concurrency guarantees could not be tested. One file per process.
    import tempfile

    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"safegrid-test-{os.getpid()}.sqlite3")
    }
    if TESTING:
        # The concurrency tests queue 200 writers on one file; on a loaded machine the
        # last of them waits longer than production's 20 s before it gets the lock.
        DATABASES["default"]["OPTIONS"]["timeout"] = 120

# --- Hazards (inspections) --------------------------------------------------------------
# Photos over this size or pixel count are refused before any decoding.
HAZARD_PHOTO_MAX_BYTES = env_int("SAFEGRID_PHOTO_MAX_MB", 10) * 1024 * 1024
HAZARD_PHOTO_MAX_PIXELS = env_int("SAFEGRID_PHOTO_MAX_MEGAPIXELS", 40) * 1_000_000
# Staff may reopen a closed hazard for this many days after closing.
HAZARD_REOPEN_DAYS = env_int("SAFEGRID_HAZARD_REOPEN_DAYS", 7)

# --- Open311 GeoReport v2 -----------------------------------------------------------------
OPEN311_MAX_REQUESTS = env_int("OPEN311_MAX_REQUESTS", 1000)
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "")
# Empty: discovery shows a translated "ask the operator for a key".
OPEN311_KEY_SERVICE = os.environ.get("OPEN311_KEY_SERVICE", "")

# --- One-click dispatch (dispatch) ---------------------------------------------------------
# Rings of the search around an incident, in metres, nearest first; each ring is offered
# for DISPATCH_RING_SECONDS before the next one is added.
DISPATCH_RINGS_M = [int(m) for m in env_list("SAFEGRID_DISPATCH_RINGS_M", ["500", "1000", "2000"])]
DISPATCH_RING_SECONDS = env_int("SAFEGRID_DISPATCH_RING_SECONDS", 60)
# Offers made per person needed in a ring (GoodSAM alerts the 3 nearest).
DISPATCH_OFFERS_PER_PERSON = env_int("SAFEGRID_DISPATCH_OFFERS_PER_PERSON", 3)
# Alerts one volunteer may receive per day (local time), drills included.
DISPATCH_DAILY_ALERT_LIMIT = env_int("SAFEGRID_DISPATCH_DAILY_ALERT_LIMIT", 5)

# --- Whistleblower tips (inspections.tips) --------------------------------------------------
# Receipts are stored as HMAC-SHA256 under this key, which never enters the database.
TIPS_RECEIPT_KEY = os.environ.get("SAFEGRID_TIPS_RECEIPT_KEY", "")
if not TIPS_RECEIPT_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SAFEGRID_TIPS_RECEIPT_KEY must be set when DJANGO_DEBUG is off (production)."
        )
    TIPS_RECEIPT_KEY = "insecure-development-receipt-key-only-used-with-DJANGO_DEBUG-on"
# Closed tips and their files are purged after this many days (`manage.py tips_purge`);
# a receipt stops working this many days after its tip is closed.
TIPS_RETENTION_DAYS = env_int("SAFEGRID_TIPS_RETENTION_DAYS", 365)
TIPS_RECEIPT_VALID_DAYS = env_int("SAFEGRID_TIPS_RECEIPT_VALID_DAYS", 90)
# Receipt look-ups and submissions: per client (a salted hash, never the address) and in
# all, counted in the cache per minute.
TIPS_LOOKUPS_PER_CLIENT = env_int("SAFEGRID_TIPS_LOOKUPS_PER_CLIENT", 10)
TIPS_LOOKUPS_OVERALL = env_int("SAFEGRID_TIPS_LOOKUPS_OVERALL", 600)
# Requests under these paths reach Django with no client address, no user agent, no
# cookie and no referrer, answer with no cookie, and their access-log line has no address.
ANONYMOUS_PATH_PREFIXES = ("/tip/", "/api/v1/tips/")
