"""Default settings. A project's settings module overrides any of these names.

Names and meanings follow Django 5.2 so that a Django settings module works as is.
"""

DEBUG = False

# Host names this site serves; checked by HttpRequest.get_host(). With DEBUG on
# and the list empty, localhost names are allowed as in Django.
ALLOWED_HOSTS: list[str] = []

SECRET_KEY = ""

# Dotted paths of middleware factories, outermost first.
MIDDLEWARE: list[str] = []

# Dotted path of the root URLconf module.
ROOT_URLCONF = None

# Embedded SQLite by default, so a new project needs no database set-up.
DATABASES = {
    "default": {
        "ENGINE": "fastdj.db.backends.sqlite3",
        "NAME": "db.sqlite3",
    }
}

INSTALLED_APPS: list[str] = []

TEMPLATES: list[dict] = []

# Largest request body (excluding file uploads) read into memory; larger -> 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440  # 2.5 MB
# Largest number of GET/POST parameters; more -> 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Largest number of files in one multipart request; more -> 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 100
# Uploaded files above this size are spooled to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440  # 2.5 MB
FILE_UPLOAD_TEMP_DIR = None
# Handlers that receive multipart file data, in order: small files stay in
# memory, larger ones go to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "fastdj.core.files.uploadhandler.MemoryFileUploadHandler",
    "fastdj.core.files.uploadhandler.TemporaryFileUploadHandler",
]

DEFAULT_CHARSET = "utf-8"

# Redirect /foo to /foo/ when /foo does not resolve and /foo/ does
# (done by fastdj.middleware.common.CommonMiddleware, as in Django).
APPEND_SLASH = True
PREPEND_WWW = False
# Compiled regexes of User-Agents CommonMiddleware answers with 403.
DISALLOWED_USER_AGENTS: list = []

# Let exceptions escape the handler instead of becoming 500 pages (for tests).
DEBUG_PROPAGATE_EXCEPTIONS = False

USE_X_FORWARDED_HOST = False
USE_X_FORWARDED_PORT = False
# (header, value) that marks a request as secure behind a proxy, e.g.
# ("HTTP_X_FORWARDED_PROTO", "https").
SECURE_PROXY_SSL_HEADER = None

# SecurityMiddleware (fastdj.middleware.security), with Django's defaults.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SECURE_HSTS_SECONDS = 0
SECURE_REDIRECT_EXEMPT: list = []
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_HOST = None
SECURE_SSL_REDIRECT = False

WSGI_APPLICATION = None
# Overrides the script prefix taken from SCRIPT_NAME (for reverse() behind a proxy).
FORCE_SCRIPT_NAME = None

TIME_ZONE = "America/Chicago"
USE_TZ = True
USE_I18N = False
LANGUAGE_CODE = "en-us"

SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"

LOGGING_CONFIG = "logging.config.dictConfig"
LOGGING: dict = {}

# The address `python -m fastdj runserver` binds when none is given.
RUNSERVER_DEFAULT_ADDR = "127.0.0.1:8000"

# ---- Formats (fastdj.utils.formats, template filters) ------------------------
# Django's defaults. As in Django, the built-in English locale formats take
# precedence over these for an English LANGUAGE_CODE (so NUMBER_GROUPING is 3
# there); point FORMAT_MODULE_PATH at a package of per-language formats
# modules to change them.
FORMAT_MODULE_PATH = None
DATE_FORMAT = "N j, Y"
DATETIME_FORMAT = "N j, Y, P"
TIME_FORMAT = "P"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "F j"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y P"
FIRST_DAY_OF_WEEK = 0
DECIMAL_SEPARATOR = "."
USE_THOUSAND_SEPARATOR = False
NUMBER_GROUPING = 0
THOUSAND_SEPARATOR = ","
STATIC_URL = None
# ---- end of formats ----------------------------------------------------------
