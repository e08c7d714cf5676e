"""Commons settings, read from the environment (see DESIGN.md, "Settings").

The embedded default needs nothing: SQLite under var/, an in-memory cache.
Production sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and leaves DEBUG off.
"""

import contextlib
import hashlib
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
# Run from the source tree, templates/ and static/ sit at its top and the site writes var/
# and staticfiles/ beside them. An installed wheel carries templates/ and static/ inside
# the package, in commons/share/ (see pyproject.toml), and writes to the working directory.
_INSTALLED = (PACKAGE_DIR / "share").is_dir()
SHARE_DIR = PACKAGE_DIR / "share" if _INSTALLED else BASE_DIR
WORK_DIR = Path.cwd() if _INSTALLED else BASE_DIR
VAR_DIR = WORK_DIR / "var"


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


DEBUG = env_flag("DEBUG")
# Test runs (pytest, or COMMONS_TESTING=1) may use the development key with DEBUG off.
TESTING = env_flag("COMMONS_TESTING") or "pytest" in sys.modules

# commons/wsgi.py warns, once per server process, when a site serves with it.
DEVELOPMENT_SECRET_KEY = "django-insecure-commons-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "mptt",
    "allauth",
    "allauth.account",
    "commons",
    "wiki",
    "comments",
    "moderation",
    "notifications",
    "website",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "commons.static.StaticFilesMiddleware",
    "csp.middleware.CSPMiddleware",
    "commons.middleware.DatabaseOutage",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "commons.middleware.RefuseControlCharacters",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "commons.middleware.MethodNotAllowedPage",
]

ROOT_URLCONF = "website.urls"
WSGI_APPLICATION = "commons.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SHARE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "website.context_processors.site",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    # SQLite makes the file but not its folder; a folder we may not make fails where the
    # database is opened, not here (commands that need no database still run).
    with contextlib.suppress(OSError):
        VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'commons.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# allauth's backend is Django's ModelBackend that also finds an account by its e-mail.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
# Accounts (django-allauth): sign up with an e-mail address, which is verified before any
# notice is mailed to it; log in by user name or e-mail.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account; a new one replaces it only once verified.
ACCOUNT_CHANGE_EMAIL = True
# Sessions last as before (no "Remember me" box).
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_ADAPTER = "website.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "website.forms.LoginForm",
    "signup": "website.forms.SignupForm",
    "add_email": "website.forms.AddEmailForm",
    "reset_password": "website.forms.ResetPasswordForm",
    "reset_password_from_key": "website.forms.ResetPasswordKeyForm",
    "change_password": "website.forms.ChangePasswordForm",
}
# allauth's own limits (in the cache), with these changes: failed log-ins are counted by the
# lock-out in commons/ratelimit.py (back-off, known addresses, 429 with Retry-After) instead
# of allauth's; a password reset mail goes to an address at most 3 times an hour, and an
# account changes its address (each change mails a link) at most 20 times a day, so neither
# form can be used to flood someone's inbox.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": None,
    "reset_password": "20/m/ip,3/h/key",
    "manage_email": "10/m/user,20/d/user",
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [SHARE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", WORK_DIR / "staticfiles"))
# WhiteNoise serves the collected files: hashed names, compressed, cached for a year.
# Tests and DEBUG use the plain storage, which needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Without collectstatic (development, tests) WhiteNoise finds the files where they lie.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Uploads of any kind are not a feature; keep request bodies bounded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_flag("SECURE_COOKIES", True)
# HTTPS: on by default in production; tests and the local smoke run speak plain http.
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
# A load balancer may probe the health check over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy: "HTTP_X_FORWARDED_PROTO,https" (header, value).
if os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    _header, _, _value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# No inline script or style anywhere, the admin included (Django 5.2's needs none).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Articles may show images from other sites (Markdown images; https only).
        "img-src": ["'self'", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# One line per request (runserver's django.server, gunicorn's access log) and real problems.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "filters": {"hide_account_keys": {"()": "website.logfilters.HideAccountKeys"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG on) would print every line a second time.
        "django": {"handlers": [], "level": "NOTSET"},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["hide_account_keys"],
        },
        # The request line already tells of a 403, 404 or 429; errors keep their traceback.
        "django.request": {"level": "ERROR", "filters": ["hide_account_keys"]},
        # Without a broker tasks run in-process: no "Task ... succeeded" line for each.
        **({} if REDIS_URL else {"celery.app.trace": {"level": "WARNING"}}),
    },
}


def _code_digest() -> str:
    """A digest of what pages are made from: the apps' code, the templates and the static
    files (a stored page names hashed static files that only its own release has)."""
    digest = hashlib.blake2b(digest_size=8)
    apps = ("commons", "wiki", "comments", "moderation", "notifications", "website")
    folders = [BASE_DIR / app for app in apps] + [SHARE_DIR / "templates", SHARE_DIR / "static"]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".py", ".html", ".css", ".js", ".svg"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()


# Cached pages and fragments and ETags carry the release, so a deploy never serves pages
# made by the one before; by default, derived from the code, templates and static files.
COMMONS_RELEASE = os.environ.get("COMMONS_RELEASE") or _code_digest()
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 24 * 3600)

# The wiki
SITE_NAME = os.environ.get("SITE_NAME", "Commons")
WIKI_MAIN_PAGE_SLUG = "main-page"
WIKI_ANONYMOUS_EDITS = env_flag("WIKI_ANONYMOUS_EDITS")
WIKI_MAX_TITLE_LENGTH = 200
WIKI_MAX_SOURCE_BYTES = env_int("WIKI_MAX_SOURCE_BYTES", 512 * 1024)
# A render of Markdown (article or comment) that runs longer is refused, the text handed back.
WIKI_RENDER_BUDGET_SECONDS = float(os.environ.get("WIKI_RENDER_BUDGET_SECONDS", "5"))
WIKI_HISTORY_PAGE_SIZE = 50
WIKI_LISTING_PAGE_SIZE = 50
WIKI_MODERATORS_GROUP = "moderators"

# The discussion
COMMENTS_MAX_DEPTH = env_int("COMMENTS_MAX_DEPTH", 6)
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 50)  # about; pages hold whole threads
COMMENTS_MAX_LENGTH = env_int("COMMENTS_MAX_LENGTH", 10_000)

# Moderation: trust levels (moderation.trust), one for editing and commenting. A new
# account (level 0, like every anonymous writer) adds at most MODERATION_NEW_MAX_LINKS
# external links and MODERATION_NEW_MAX_IMAGES images (none) per edit or comment; it
# becomes a member (level 1) after this many accepted contributions and days since
# joining, and trusted (level 2, published without waiting) after these. A moderator may
# set a level by hand, up or down.
MODERATION_NEW_MAX_LINKS = env_int("MODERATION_NEW_MAX_LINKS", 2)
MODERATION_NEW_MAX_IMAGES = env_int("MODERATION_NEW_MAX_IMAGES", 0)
MODERATION_MEMBER_CONTRIBUTIONS = env_int("MODERATION_MEMBER_CONTRIBUTIONS", 3)
MODERATION_MEMBER_DAYS = env_int("MODERATION_MEMBER_DAYS", 1)
MODERATION_TRUSTED_CONTRIBUTIONS = env_int("MODERATION_TRUSTED_CONTRIBUTIONS", 5)
MODERATION_TRUSTED_DAYS = env_int("MODERATION_TRUSTED_DAYS", 7)

# Celery: Redis as broker when REDIS_URL is set; without it, tasks run in-process.
# (An in-memory broker named without a host makes kombu warn on every task.)
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_RETRY_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "visibility_timeout": 600}
# A post must not hang when Redis is down: fail fast, the sweeper sends it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Every 30 s: checks the broker refused are sent at the first sweep, so with the worker's
# reconnection (kombu tries at most 30 s apart) they run within a minute of Redis returning.
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-checks": {
        "task": "moderation.tasks.sweep_pending_checks",
        "schedule": env_int("MODERATION_SWEEP_SECONDS", 30),
    },
}

# Akismet. Without a key nothing is sent: untrusted comments wait for a moderator, and
# untrusted edits are live but await review (noindex) until a moderator accepts them.
AKISMET_API_KEY = os.environ.get("PYTHON_AKISMET_API_KEY", "")
AKISMET_BLOG_URL = os.environ.get("PYTHON_AKISMET_BLOG_URL", "")
AKISMET_API_URL = os.environ.get("AKISMET_API_URL", "https://rest.akismet.com/")
AKISMET_TIMEOUT = float(os.environ.get("AKISMET_TIMEOUT", "5"))
AKISMET_IS_TEST = env_flag("AKISMET_IS_TEST", DEBUG or TESTING)
MODERATION_CHECK_RETRIES = env_int("MODERATION_CHECK_RETRIES", 5)
MODERATION_RETRY_BASE_SECONDS = float(os.environ.get("MODERATION_RETRY_BASE_SECONDS", "10"))
MODERATION_SWEEP_AFTER_SECONDS = env_int("MODERATION_SWEEP_AFTER_SECONDS", 300)
MODERATION_FLAGS_TO_HIDE = env_int("MODERATION_FLAGS_TO_HIDE", 3)
# Rate limits per IP and per user: "count/seconds".
COMMENTS_RATE_LIMIT = os.environ.get("COMMENTS_RATE_LIMIT", "10/60")
EDITS_RATE_LIMIT = os.environ.get("EDITS_RATE_LIMIT", "20/60")
# Accounts made per address: "count/seconds".
SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "3/3600")
# Log-in lock-out (commons/ratelimit.py): failed attempts allowed per account and per address,
# then a lock that starts at LOGIN_LOCKOUT_SECONDS and doubles with each new lock to the cap.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 60)
LOGIN_LOCKOUT_MAX_SECONDS = env_int("LOGIN_LOCKOUT_MAX_SECONDS", 900)

# E-mail: the console in development (tests use Django's in-memory outbox).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Commons <noreply@localhost>")
# The site's own address, for absolute links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# For the SMTP backend; a short timeout so a stuck server fails the task, which retries.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# Blocks: the widest ranges a moderator may block (prefix lengths), so a typo cannot
# block a whole country.
MODERATION_BLOCK_WIDEST_IPV4 = env_int("MODERATION_BLOCK_WIDEST_IPV4", 16)
MODERATION_BLOCK_WIDEST_IPV6 = env_int("MODERATION_BLOCK_WIDEST_IPV6", 32)
