"""Settings of the fastdj e2e project (FASTDJ_SETTINGS_MODULE=fastdj_settings)."""

from pathlib import Path

from common import django_style_databases

DEBUG = False
SECRET_KEY = "e2e-benchmark-not-secret"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "app_fastdj"

# A realistic stack, the first two of Django's startproject defaults (the
# Django project runs the same two): SecurityMiddleware adds
# X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy;
# CommonMiddleware checks the host and sets Content-Length.
MIDDLEWARE = [
    "fastdj.middleware.security.SecurityMiddleware",
    "fastdj.middleware.common.CommonMiddleware",
]

DATABASES = django_style_databases("fastdj.db.backends.postgresql")

TEMPLATES = [
    {
        "BACKEND": "fastdj.template.backends.fastdj.FastdjTemplates",
        "DIRS": [str(Path(__file__).parent / "templates")],
    }
]
