"""Django settings, read from the environment with safe defaults.

| variable | default |
| --- | --- |
| ``CRECER_DATABASE_URL`` | SQLite file ``crecer.sqlite3`` in the data folder (WAL mode) |
| ``CRECER_DATA_DIR`` | the per-user data folder of the operating system |
| ``CRECER_SECRET_KEY`` | generated once and kept in the data folder |
| ``CRECER_DEBUG`` | off |
| ``CRECER_ALLOWED_HOSTS`` | ``localhost,127.0.0.1,[::1]`` |
| ``CRECER_PROFILE`` | ``peru`` (the country profile in :mod:`crecer.norms`) |
| ``CRECER_REFERENCE_DIR`` | unset (a folder of official territory files for ``crecer demo``) |
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from crecer.config import (
    data_dir,
    default_database_url,
    env_flag,
    env_int,
    env_list,
    private_sqlite_file,
    secret_key,
    secret_key_problem,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_flag("CRECER_DEBUG")
# A guessable key lets anyone forge a session cookie (sign in as anyone): outside debug mode and
# the test suite, a weak key stops Crecer (Django's check --deploy only warns).
if not DEBUG and "pytest" not in sys.modules and (weak := secret_key_problem(SECRET_KEY)):
    source = "CRECER_SECRET_KEY" if os.environ.get("CRECER_SECRET_KEY") else DATA_DIR / "secret_key"
    raise ImproperlyConfigured(
        f"the secret key ({source}) is too weak for production: {weak}. Set a long random one "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))"), or unset '
        "CRECER_SECRET_KEY to use the one generated in the data folder."
    )
ALLOWED_HOSTS = env_list("CRECER_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CRECER_CSRF_TRUSTED_ORIGINS", [])
CRECER_PROFILE = os.environ.get("CRECER_PROFILE", "peru")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crecer.web",
    "simple_history",
    "crecer.ingest",
    "crecer.territory",
    "crecer.registry",
    "crecer.access",
    "crecer.health",
    "crecer.maternal",
    "crecer.juntos",
    "crecer.surveys",
    "crecer.budget",
    "crecer.community",
    "crecer.linkage",
    "crecer.analytics",
    "crecer.demo",
    "ninja",  # serves the API documentation's scripts itself (no CDN)
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "crecer.web.middleware.SecurityHeadersMiddleware",  # CSP; no-store on personal data
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "crecer.web.middleware.LanguageFromQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into its own page
]

# Argon2 (the Password Hashing Competition winner) for new passwords; the others still verify
# passwords hashed before, and are upgraded on the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while a lockout lasts
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures: 5 wrong passwords for one user name from one address lock that
# pair for 15 minutes (others keep working; an administrator can unlock in the admin site).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "access/locked.html"
AXES_VERBOSE = False
# API tokens last CRECER_API_TOKEN_DAYS (30) unless `crecer token create --days` says otherwise,
# never more than CRECER_API_TOKEN_MAX_DAYS (365).
try:
    CRECER_API_TOKEN_DAYS = env_int("CRECER_API_TOKEN_DAYS", 30)
    CRECER_API_TOKEN_MAX_DAYS = env_int("CRECER_API_TOKEN_MAX_DAYS", 365)
except ValueError as problem:
    raise ImproperlyConfigured(str(problem)) from None
if not 1 <= CRECER_API_TOKEN_DAYS <= CRECER_API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured(
        f"CRECER_API_TOKEN_DAYS ({CRECER_API_TOKEN_DAYS}) must be 1 to CRECER_API_TOKEN_MAX_DAYS "
        f"({CRECER_API_TOKEN_MAX_DAYS})"
    )
# Sessions end after 8 hours (a working day) or when the browser closes, whichever is first.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

ROOT_URLCONF = "crecer.urls"
WSGI_APPLICATION = "crecer.wsgi.application"

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
                "crecer.web.context_processors.crecer",
                "crecer.access.context_processors.access",
            ],
        },
    },
]


def _database_settings(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        if config["NAME"] and config["NAME"] != ":memory:":
            private_sqlite_file(Path(config["NAME"]))  # mode 600, and so its WAL
        config["OPTIONS"] = {
            # WAL lets the web server read while an import writes; IMMEDIATE makes writers
            # wait for the lock (up to `timeout`) instead of failing with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASE_URL = os.environ.get("CRECER_DATABASE_URL") or default_database_url(DATA_DIR)
DATABASES = {"default": _database_settings(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Password rules: not like the user name or e-mail, at least 8 characters, not a common
# password, not only digits, at least 5 different characters.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # not one character repeated, nor a few in turn ("aaaaaaaaaaaa", "abababababab")
    {"NAME": "crecer.access.validators.DistinctCharactersValidator"},
]

# Spanish first: the Peru profile's default language. Message ids are English.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/Lima"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Behind HTTPS (a reverse proxy that sets X-Forwarded-Proto), cookies and redirects turn secure.
if env_flag("CRECER_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy of every page (Django 6's SECURE_CSP format, sent by
# crecer.web.middleware.SecurityHeadersMiddleware): only Crecer's own scripts, styles and images
# (and data: images, drawn by the API documentation's stylesheet); no inline script or style but
# those marked with the request's nonce ("'nonce'"), no plugin, no framing, forms post only to
# Crecer.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce'"],
    "style-src": ["'self'", "'nonce'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"crecer": {"level": "INFO"}},
}
