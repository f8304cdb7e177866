"""Settings shared by every environment; production is this module driven by environment variables."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("PARCOURS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
# Audit trail seals (HMAC) and anchors: keys kept outside the database, distinct from SECRET_KEY,
# "id:secret" entries, the first one sealing new rows (docs/exploitation.md, rotation).
PARCOURS_AUDIT_KEYS = env.str("PARCOURS_AUDIT_KEYS", default="")
PARCOURS_AUDIT_KEYS_FILE = env.str("PARCOURS_AUDIT_KEYS_FILE", default="")
PARCOURS_AUDIT_ANCHOR_FILE = env.str(
    "PARCOURS_AUDIT_ANCHOR_FILE", default=str(VAR_DIR / "audit-anchors.jsonl")
)
# Audit rows are written unsealed and chained by the task worker this many seconds later (ADR 0017);
# 0: never queued by the writers (verify-audit and audit-anchor still seal).
PARCOURS_AUDIT_SEAL_SECONDS = env.float("PARCOURS_AUDIT_SEAL_SECONDS", default=5.0)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "ninja",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "parcours.core",
    "parcours.territories",
    "parcours.accounts",
    "parcours.assessments",
    "parcours.households",
    "parcours.portal",
    "parcours.documents",
    "parcours.notifications",
    "parcours.offers",
    "parcours.orientation",
    "parcours.emergency",
    "parcours.support",
    "parcours.matching",
    "parcours.observatory",
    "parcours.plan",
    "parcours.outreach",
    "parcours.api",
    "parcours.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "parcours.core.middleware.CachedCSPMiddleware",
    "parcours.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parcours.core.middleware.FriendlyErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parcours.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "parcours.api.middleware.RefuseNulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parcours.accounts.middleware.CachedOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "parcours.core.errors.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "parcours.accounts.middleware.ActiveMembershipMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "parcours.accounts.middleware.TwoFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "parcours" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parcours.accounts.context_processors.active_membership",
                "csp.context_processors.nonce",
            ],
            # `{% url %}` with ids reversed once per view name (issue 18): Django's tag, replaced.
            "builtins": ["parcours.core.templatetags.compiled_urls"],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'parcours.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE takes the write lock at BEGIN: concurrent writers wait instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Our queries are short and indexed: just-in-time compilation only adds its own cost to them.
    # A mistyped name is still found: "benoir" finds "benoit" (pg_trgm strict word similarity).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c pg_trgm.strict_word_similarity_threshold=0.4"
    )
    # Persistent connections (issue 18): a new PostgreSQL connection per request cost 10-14 ms of
    # server CPU. Each worker thread keeps its connection this many seconds, checked before reuse.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("PARCOURS_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters sent apart from the SQL (psycopg's server-side binding) rather than quoted into it in
    # Python: under the load test 6-7 % less app CPU and 4-5 % less PostgreSQL CPU (issue 18). And a
    # statement run five times on a connection prepared by PostgreSQL (psycopg's prepare_threshold;
    # Django leaves it off for connection poolers): the pages' SQL is the same at every request
    # (core.compiled), so PostgreSQL plans it once per connection, 15 % less PostgreSQL CPU per page.
    # Both off (PARCOURS_SERVER_SIDE_BINDING=false, PARCOURS_PREPARE_THRESHOLD=0) behind a pooler in
    # transaction mode. gunicorn is restarted after a migration (docs/exploitation.md): a statement
    # prepared before a column changed type would otherwise be refused.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = env.bool(
        "PARCOURS_SERVER_SIDE_BINDING", default=True
    )
    if DATABASES["default"]["OPTIONS"]["server_side_binding"]:
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
            env.int("PARCOURS_PREPARE_THRESHOLD", default=5) or None
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "parcours.accounts.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session cookie is renewed on every request and expires after this much inactivity.
SESSION_IDLE_MINUTES = env.int("PARCOURS_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# The session row is written at most once a minute to renew it (parcours.core.middleware.
# SessionRefreshMiddleware), not on every request: the idle timeout is exact to that minute.
SESSION_SAVE_EVERY_REQUEST = False
# Django's database sessions, each request's read of its row in one statement (issue 18).
SESSION_ENGINE = "parcours.accounts.sessions"
SESSION_REFRESH_SECONDS = env.int("PARCOURS_SESSION_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The CSRF token reaches htmx through the page (hx-headers), so no script ever needs the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
# Production is secure by default: a forgotten variable never leaves the service on plain HTTP.
# The health check stays reachable over HTTP for a load balancer probing the backend directly.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list binds the whole domain for months: the operator decides
    # (SECURE_HSTS_PRELOAD=true), not a default. Every other deployment check stays on.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content Security Policy (django-csp): scripts only from our own files or carrying the request's
# nonce, no inline style attribute, no plugin, no framing, forms posted only to ourselves.
# Templates keep every script in parcours/static/js/ and put behaviour on data-* attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Bootstrap draws its form and menu icons as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Browser features no page of Parcours uses are switched off for every page (Permissions-Policy).
PARCOURS_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Login throttling and lockout (django-axes): by username and by (username, address) at the usual
# limit; by address alone only past a much higher one, so that one person cannot lock out a whole
# call centre sharing an address (parcours/accounts/lockout.py).
AXES_FAILURE_LIMIT = env.int("PARCOURS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("PARCOURS_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_HANDLER = "parcours.accounts.lockout.AddressLimitAxesHandler"
PARCOURS_LOGIN_ADDRESS_FAILURE_LIMIT = env.int("PARCOURS_LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Behind N reverse proxies, the client address is read from X-Forwarded-For (set by our own proxy),
# otherwise every user would share the proxy's address and one attacker could lock everyone out.
PARCOURS_PROXY_COUNT = env.int("PARCOURS_PROXY_COUNT", default=0)
if PARCOURS_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PARCOURS_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Two-factor authentication: every role that reads named persons must verify a TOTP code.
# Relaxing it is refused by a system check unless DEBUG is on (the local demo).
PARCOURS_TWO_FACTOR_RELAXED = env.bool("PARCOURS_TWO_FACTOR_RELAXED", default=False)
# With DEBUG on, show our French error pages rather than Django's technical ones (core.middleware).
PARCOURS_FRIENDLY_ERRORS = env.bool("PARCOURS_FRIENDLY_ERRORS", default=False)
OTP_TOTP_ISSUER = env.str("PARCOURS_TOTP_ISSUER", default="Parcours")

LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", "Français"),
    ("en", "English"),
    ("ar", "العربية"),
]  # Arabic: the person's pages (Mon espace)
LOCALE_PATHS = [BASE_DIR / "parcours" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "parcours" / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Document vault (docs/documents.md): the files are encrypted (AES-256-GCM) with keys kept outside the
# database, "id:key" entries, the first one encrypting new files; stored in a folder of their own, or in
# an S3-compatible bucket when PARCOURS_DOCUMENTS_S3_BUCKET is set (the "s3" extra: django-storages).
# Never under MEDIA_URL: a download goes through the view that checks access, decrypts and audits.
PARCOURS_DOCUMENT_KEYS = env.str("PARCOURS_DOCUMENT_KEYS", default="")
PARCOURS_DOCUMENT_MAX_BYTES = env.int("PARCOURS_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
PARCOURS_DOCUMENT_EXPIRY_DAYS = env.int("PARCOURS_DOCUMENT_EXPIRY_DAYS", default=30)
PARCOURS_DOCUMENTS_DIR = env.str("PARCOURS_DOCUMENTS_DIR", default=str(VAR_DIR / "documents"))
PARCOURS_DOCUMENTS_S3_BUCKET = env.str("PARCOURS_DOCUMENTS_S3_BUCKET", default="")
if PARCOURS_DOCUMENTS_S3_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PARCOURS_DOCUMENTS_S3_BUCKET,
            "endpoint_url": env.str("PARCOURS_DOCUMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("PARCOURS_DOCUMENTS_S3_REGION", default="") or None,
            # Empty: boto3's own chain (AWS_ACCESS_KEY_ID…, an instance role).
            "access_key": env.str("PARCOURS_DOCUMENTS_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("PARCOURS_DOCUMENTS_S3_SECRET_KEY", default="") or None,
            "location": env.str("PARCOURS_DOCUMENTS_S3_PREFIX", default="documents"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": PARCOURS_DOCUMENTS_DIR,
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Parcours <ne-pas-repondre@parcours.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Exploitation", a) for a in env.list("ADMINS_EMAILS", default=[])]

# Side effects after commit (docs/adr/0012-taches-en-arriere-plan.md): e-mails and SMS are written to
# the delivery log inside the transaction and handed to the task queue once it commits; the worker
# (`parcours db-worker`) sends them, retrying a failed sending with a growing delay.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PARCOURS_OUTBOX_MAX_ATTEMPTS = env.int("PARCOURS_OUTBOX_MAX_ATTEMPTS", default=5)
PARCOURS_OUTBOX_RETRY_SECONDS = env.int("PARCOURS_OUTBOX_RETRY_SECONDS", default=60)

# SMS: a pluggable backend (used by the 115 for the address of a place).
SMS_BACKEND = env.str("SMS_BACKEND", default="parcours.core.sms.ConsoleBackend")
# With SMS_BACKEND=parcours.core.sms.BrevoBackend (docs/configuration.md).
SMS_BREVO_API_KEY = env.str("SMS_BREVO_API_KEY", default="")
SMS_SENDER = env.str("SMS_SENDER", default="115")
SMS_HTTP_TIMEOUT = env.int("SMS_HTTP_TIMEOUT", default=10)

# Cache: local memory by default; production with several workers sets CACHE_URL (e.g. redis://).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # Django keeps 300 entries and then drops a third of them: each user's memberships and menu (issue
    # 18) would soon push each other and the reference data out. A few KB each.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault(
        "MAX_ENTRIES", env.int("PARCOURS_LOCAL_CACHE_ENTRIES", default=5000)
    )
# Reference data (core.cache) in a cache of one process: how long another process may keep an old copy.
PARCOURS_REFERENCE_CACHE_SECONDS = env.int("PARCOURS_REFERENCE_CACHE_SECONDS", default=60)

# Longest validity of an API token, in days (also the default of `parcours create-token`).
PARCOURS_API_TOKEN_DAYS = env.int("PARCOURS_API_TOKEN_DAYS", default=365)

# Orientation: a validated insertion request lasts this many months unless renewed; its referent is
# reminded this many days before; a refused household is not proposed again to the same facility for
# this many days; a proposal waiting this many days is chased; a partner's link lasts this many days;
# the public site address used in e-mails (links to pages, never personal data).
PARCOURS_REQUEST_VALIDITY_MONTHS = env.int("PARCOURS_REQUEST_VALIDITY_MONTHS", default=3)
PARCOURS_EXPIRY_REMINDER_DAYS = env.int("PARCOURS_EXPIRY_REMINDER_DAYS", default=15)
PARCOURS_PARKING_DAYS = env.int("PARCOURS_PARKING_DAYS", default=90)
PARCOURS_PROPOSAL_REMINDER_DAYS = env.int("PARCOURS_PROPOSAL_REMINDER_DAYS", default=7)
PARCOURS_PARTNER_LINK_DAYS = env.int("PARCOURS_PARTNER_LINK_DAYS", default=10)
PARCOURS_SITE_URL = env.str("PARCOURS_SITE_URL", default="http://127.0.0.1:8000")

# Street outreach: the public signalement page and API accept this many signalements per client
# address, and this many in all, per period ("N/m", "N/h", "N/d"); past them they answer 429.
PARCOURS_REPORT_RATE = env.str("PARCOURS_REPORT_RATE", default="5/h")
PARCOURS_REPORT_RATE_TOTAL = env.str("PARCOURS_REPORT_RATE_TOTAL", default="300/h")
# Free texts of encounters without a file and of signalements are erased after this many months
# (`parcours outreach-purge --wet-run`); encounters with a file follow their household's retention.
PARCOURS_OUTREACH_RETENTION_MONTHS = env.int("PARCOURS_OUTREACH_RETENTION_MONTHS", default=6)

# Observatory: counts of people below this threshold are not shown to those who only see aggregates.
PARCOURS_DISCLOSURE_THRESHOLD = env.int("PARCOURS_DISCLOSURE_THRESHOLD", default=11)
# A consent lasts at most this many months, and may be recorded as starting at most this many days ago.
PARCOURS_CONSENT_MAX_MONTHS = env.int("PARCOURS_CONSENT_MAX_MONTHS", default=12)
# The data protection officer, told of every named-data grant no second administrator could approve.
PARCOURS_DPO_EMAIL = env.str("PARCOURS_DPO_EMAIL", default="")
PARCOURS_CONSENT_BACKDATE_DAYS = env.int("PARCOURS_CONSENT_BACKDATE_DAYS", default=7)
# Households without contact for this many months are anonymised by `parcours retention --wet-run`.
PARCOURS_RETENTION_MONTHS = env.int("PARCOURS_RETENTION_MONTHS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request logs carry URLs and, on errors, request bodies: keep them at WARNING without bodies.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # One line per task run is the worker's business (`db-worker -v 1`), not every web request's.
        "django_tasks": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
FORM_RENDERER = "parcours.core.forms.FormRenderer"

# "Mon espace", the person's own access (docs/espace-personne.md).
PORTAL_IDLE_MINUTES = env.int("PARCOURS_PORTAL_IDLE_MINUTES", default=15)
PORTAL_SMS_CODE_MINUTES = 10
PORTAL_PRINTED_CODE_DAYS = env.int("PARCOURS_PORTAL_PRINTED_CODE_DAYS", default=30)
PORTAL_CODE_MAX_FAILURES = 5
PORTAL_PHONE_MAX_FAILURES = 5
PORTAL_ADDRESS_MAX_FAILURES = env.int("PARCOURS_PORTAL_ADDRESS_MAX_FAILURES", default=20)
PORTAL_LOCK_MINUTES = 15
PORTAL_SMS_PER_WINDOW = 3
PORTAL_TOKEN_MINUTES = 60
