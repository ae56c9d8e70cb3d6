"""Test set-up: fastdj and Django (the oracle) settings, and the twin fixture."""

import os

import pytest

from fastdj import _accel
from fastdj.conf import settings

TEST_SETTINGS = {
    "DEBUG": False,
    "SECRET_KEY": "fastdj-tests-not-secret",
    "ALLOWED_HOSTS": ["testserver", "localhost", "127.0.0.1", "[::1]"],
    "ROOT_URLCONF": "tests.urls",
    "MIDDLEWARE": [],
}

if not settings.configured:
    settings.configure(**TEST_SETTINGS)


def _configure_django():
    import django
    from django.conf import settings as dj_settings

    if not dj_settings.configured:
        dj_settings.configure(
            DEBUG=False,
            SECRET_KEY="django-oracle-not-secret",
            ALLOWED_HOSTS=["testserver", "localhost", "127.0.0.1"],
            ROOT_URLCONF="tests.urls",
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
            # The ORM oracle: differential tests run Django's ORM on this.
            DATABASES={
                "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
            },
            USE_TZ=True,
        )
        django.setup()


_configure_django()


def pytest_report_header(config):
    impls = ", ".join(f"{k}={v}" for k, v in _accel.speedups().items())
    return [f"fastdj kernels: {impls}; twins under test: {_accel.available()}"]


def pytest_sessionstart(session):
    # CI sets this: a missing twin must fail the run, not quietly halve it.
    if _accel.env_flag("FASTDJ_REQUIRE_EXTENSIONS") and "cy" not in _accel.available():
        raise pytest.UsageError("FASTDJ_REQUIRE_EXTENSIONS is set but twins missing")


def _twin_params():
    if _accel.env_flag("FASTDJ_PURE_PYTHON") and not os.environ.get("CI"):
        return ["py"]
    return _accel.available()


@pytest.fixture(params=_twin_params())
def twin(request):
    """Run the test with one twin ("py" or "cy") active for every kernel.

    Handlers and resolvers built inside the test use that twin; URL caches are
    dropped on both sides so nothing compiled with the other twin leaks in.
    """
    from fastdj.urls import clear_url_caches

    with _accel.using(request.param):
        clear_url_caches()
        yield request.param
    clear_url_caches()
