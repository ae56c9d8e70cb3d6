"""Settings of the example project.

Serve it from the examples/ directory:
    FASTDJ_SETTINGS_MODULE=mysite.settings python -m fastdj runserver
"""

DEBUG = False

# Not a secret: an example. A real project reads its key from the environment.
SECRET_KEY = "mysite-example-key-change-me"

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

ROOT_URLCONF = "mysite.urls"

# Outermost first: the request id is assigned before anything else runs, and
# the timing covers everything below it, CommonMiddleware included.
MIDDLEWARE = [
    "mysite.middleware.RequestIdMiddleware",
    "mysite.middleware.ResponseTimeMiddleware",
    "fastdj.middleware.common.CommonMiddleware",
]

APPEND_SLASH = True

RUNSERVER_DEFAULT_ADDR = "127.0.0.1:8000"

WSGI_APPLICATION = "mysite.wsgi.application"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"fastdj.request": {"handlers": ["console"], "level": "ERROR"}},
}
