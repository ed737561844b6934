"""Settings, read from KETNAP_* environment variables (see README "Cấu hình").

SQLite in the data directory is the default; DATABASE_URL selects PostgreSQL.
KETNAP_PRODUCTION=true turns on the settings that `ketnap check --deploy` wants (TLS in front assumed).
Importing them reads and writes no file: the data directory is made when ketnap starts (ketnap.ops.apps) and the
secret key read at its first use.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ketnap import envconfig

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = envconfig.data_dir(Path.cwd())

PRODUCTION = envconfig.env_bool("KETNAP_PRODUCTION", False)
DEBUG = envconfig.env_bool("KETNAP_DEBUG", False)
SECRET_KEY = envconfig.lazy_secret_key(DATA_DIR)
ALLOWED_HOSTS = envconfig.env_list("KETNAP_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envconfig.env_list("KETNAP_CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies whose X-Forwarded-Proto/-Host/-For `ketnap serve` believes (addresses or networks), and how many
# proxies stand in a row before ketnap (X-Forwarded-For entries taken from the right).
KETNAP_TRUSTED_PROXY = envconfig.env_list("KETNAP_TRUSTED_PROXY", [])
KETNAP_TRUSTED_PROXY_COUNT = envconfig.env_int("KETNAP_TRUSTED_PROXY_COUNT", 1)
# `ketnap serve`: worker processes (gunicorn; 0: one per core, 2 to 8). Windows runs one waitress process.
KETNAP_WORKERS = envconfig.env_int("KETNAP_WORKERS", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # the API docs page serves its bundled Swagger UI files (no CDN)
    "ketnap.audit",
    "ketnap.accounts",
    "ketnap.registry",
    "ketnap.pipeline",
    "ketnap.stats",
    "ketnap.documents",
    "ketnap.imports",
    "ketnap.api",
    "ketnap.privacy",  # read log (who read whose data), CCCD masking, download stamps
    "ketnap.demo",
    "ketnap.ops",  # `ketnap backup` / `ketnap restore`
    "ketnap.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ketnap.web.middleware.ContentSecurityPolicyMiddleware",  # scripts and styles from ketnap's own files only
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ketnap.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ketnap.web.middleware.IssuedPasswordMiddleware",  # a one-time password is changed before anything else
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ketnap.audit.middleware.AuditActorMiddleware",
    "axes.middleware.AxesMiddleware",
    "ketnap.web.middleware.DownloadSignalMiddleware",  # a slow download's link shows it is being made
]

ROOT_URLCONF = "ketnap.urls"
WSGI_APPLICATION = "ketnap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ketnap.web.context.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
if envconfig.env_list("DATABASE_URL", []):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "ketnap.sqlite3",
            # kept open between a server thread's requests (as PostgreSQL's above): opening one, with its pragmas and
            # the schema parsed on the first query, cost ~1 ms of every request (#14)
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # A real multi-user server on one file: readers never block the writer (WAL), writers
                # queue instead of failing at once (timeout, IMMEDIATE). Django turns foreign keys on.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ketnap.accounts.backends.Backend",  # ModelBackend, the user read with their staff record
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling: 5 failures lock the *account* (the username typed) for 30 minutes, from whatever address.
# Keyed by username, not by address: OWASP's Authentication Cheat Sheet ("Account Lockout": the counter belongs
# to the account, so guessing one password from many addresses is still counted) and NIST SP 800-63B §5.2.2
# (rate-limit failed attempts *on the subscriber's account*). An address key would lock every user behind the
# hospital's NAT or reverse proxy at once, and (username, address) pairs let a guesser change address every 5
# tries. The price, a user locked by someone else's guesses, is bounded: 30 minutes, and an administrator unlocks
# at once ("Mở khóa đăng nhập" in /quan-tri/ → Người dùng, or `ketnap axes_reset_username TÊN`).
AXES_FAILURE_LIMIT = envconfig.env_int("KETNAP_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 says an address-free key lets one address try many accounts (password spraying): axes' own address key
# would lock the whole hospital behind its NAT at the same 5 failures (and a login would wipe that address's count
# for everyone), so spraying has its own, much higher, limit below instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Second limit, per client address, against password spraying (a few passwords tried on many accounts): when
# failures for KETNAP_LOGIN_ADDRESS_LIMIT *different usernames* come from one address within
# KETNAP_LOGIN_ADDRESS_WINDOW_MINUTES, every login from that address is refused, right password or not, for
# KETNAP_LOGIN_ADDRESS_BLOCK_MINUTES (ketnap/accounts/throttle.py; state in the database, so all server processes
# agree). Names, not failures, are counted: one person (or one guesser) failing again and again on one account is
# the username limit's business and counts once here, so a locked colleague never blocks the hospital. A name that
# then logs in stops counting (AXES_RESET_ON_SUCCESS), so mistyped passwords leave nothing; what honest traffic
# behind one NAT leaves is a mistyped username or a forgotten password given up on: a handful of names in half an
# hour, even at a shift change. 20 names leaves several times that room, and holds a sprayer to 19 accounts × 4
# guesses (under the username limit) per half hour from one address, instead of 4 guesses on every account; past
# it, 30 minutes of refusals (as long as an account lock). An administrator lifts a block at once (/quan-tri/ →
# Khóa đăng nhập theo địa chỉ, or `ketnap unlock-address ĐỊA_CHỈ`). 0 turns the limit off. The window cannot be
# longer than AXES_COOLOFF_TIME: axes deletes older failures.
KETNAP_LOGIN_ADDRESS_LIMIT = envconfig.env_int("KETNAP_LOGIN_ADDRESS_LIMIT", 20)
KETNAP_LOGIN_ADDRESS_WINDOW_MINUTES = envconfig.env_int("KETNAP_LOGIN_ADDRESS_WINDOW_MINUTES", 30)
KETNAP_LOGIN_ADDRESS_BLOCK_MINUTES = envconfig.env_int("KETNAP_LOGIN_ADDRESS_BLOCK_MINUTES", 30)
if not 0 < KETNAP_LOGIN_ADDRESS_WINDOW_MINUTES <= AXES_COOLOFF_TIME * 60:
    raise ImproperlyConfigured(f"KETNAP_LOGIN_ADDRESS_WINDOW_MINUTES must be 1 to {AXES_COOLOFF_TIME * 60:.0f}")
if KETNAP_LOGIN_ADDRESS_BLOCK_MINUTES < 1:
    raise ImproperlyConfigured("KETNAP_LOGIN_ADDRESS_BLOCK_MINUTES must be at least 1")
AXES_HANDLER = "ketnap.accounts.throttle.AddressLimitHandler"
# The address axes records is REMOTE_ADDR: behind a proxy listed in KETNAP_TRUSTED_PROXY, `ketnap serve` (waitress's
# proxy-header parser, under gunicorn or waitress) has already set it to the client's address from X-Forwarded-For;
# no other header is believed.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ketnap.web.views.errors.locked_out"  # the account locked, or the address blocked: which
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working shift
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "ketnap.web.views.errors.csrf_failure"  # in Vietnamese: reload the page
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envconfig.env_bool("KETNAP_SSL_REDIRECT", True)
    # No SECURE_PROXY_SSL_HEADER: `ketnap serve` lets waitress's parser turn X-Forwarded-Proto into the request's
    # scheme for the KETNAP_TRUSTED_PROXY addresses only, and drops the header from every other peer.
    SECURE_HSTS_SECONDS = envconfig.env_int("KETNAP_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Language, dates ------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Django's own vi locale has no DATE_INPUT_FORMATS, so "12/03/1995" would parse as 3 December.
FORMAT_MODULE_PATH = ["ketnap.formats"]

# --- Static files (vendored, no CDN) --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # the product's own CSS, outside any one app
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "ketnap.staticstorage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG  # the tests turn it on too (tests/conftest.py): nothing is collected there
MEDIA_ROOT = DATA_DIR / "media"
KETNAP_MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # scans of dossier papers
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail (reminders: `ketnap remind` from cron) -------------------------------------------------
# Sent through SMTP when KETNAP_EMAIL_HOST names a server; else written as files into DATA_DIR/mail/ (one file per
# run of `ketnap remind`), where a newcomer (the demo) reads them and nothing is lost before a server is set.
EMAIL_HOST = os.environ.get("KETNAP_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envconfig.env_int("KETNAP_EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("KETNAP_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("KETNAP_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = envconfig.env_bool("KETNAP_EMAIL_TLS", True)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("KETNAP_EMAIL_FROM") or "ketnap <ketnap@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people open ketnap at, for links in reminder e-mails (cron has no request to take it from). Unset:
# the address `ketnap serve` last ran on (ketnap/siteaddress.py), else http://127.0.0.1:8000.
KETNAP_BASE_URL = os.environ.get("KETNAP_BASE_URL", "").strip().rstrip("/")
# Place name printed before the date on forms and reports ("Quảng Ninh, ngày … tháng … năm …").
KETNAP_PLACE = os.environ.get("KETNAP_PLACE", "")
# Largest roster (rows) `ketnap import` and the upload page accept.
KETNAP_IMPORT_MAX_ROWS = int(os.environ.get("KETNAP_IMPORT_MAX_ROWS", "200000"))
# Largest uncompressed size of a roster (bytes): checked before parsing, so a small .xlsx that expands to
# hundreds of MB is refused in bounded memory. 100,000 rows × 20 columns is about 60 MB of sheet XML.
KETNAP_IMPORT_MAX_UNCOMPRESSED = int(os.environ.get("KETNAP_IMPORT_MAX_UNCOMPRESSED", str(256 * 2**20)))
# seconds an upload waits for its background check before showing the progress page (small files land at once)
KETNAP_IMPORT_WAIT = 1.5
# Generated documents (.docx, PDF) kept in DATA_DIR/cache/documents/ (documents/cache.py): days an entry lives
# (0: no cache) and the cache's size bound in MB.
KETNAP_DOCUMENT_CACHE_DAYS = envconfig.env_int("KETNAP_DOCUMENT_CACHE_DAYS", 30)
KETNAP_DOCUMENT_CACHE_MB = envconfig.env_int("KETNAP_DOCUMENT_CACHE_MB", 200)
# Months the read log (ketnap.privacy: who opened whose page, revealed a CCCD, downloaded a list with names) is
# kept; `ketnap prune-read-log` (daily, from cron) deletes older rows. 24: two yearly reviews of who read what.
KETNAP_READ_LOG_MONTHS = envconfig.env_int("KETNAP_READ_LOG_MONTHS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_without_traceback": {"()": "ketnap.web.logfilters.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # a 403 is a warning line ("Forbidden (Permission denied): /path"), not an ERROR-looking traceback
        "django.request": {"filters": ["forbidden_without_traceback"]},
        # password changes, login unlocks: who and when (never a password)
        "ketnap.security": {"level": "INFO"},
        # waitress warns "Task queue depth is N" for every request that waits for a thread: under ordinary load
        # that is thousands of lines an hour drowning the ones that matter (the soak benchmark measured 44 kB a
        # minute with 12 sessions); a queue is normal, its latency is what the benchmarks watch
        "waitress.queue": {"level": "ERROR"},
    },
}
