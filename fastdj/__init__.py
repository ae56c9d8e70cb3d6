"""fastdj: Django's programming model with its hot paths in Cython."""

__version__ = "0.1.0"

__all__ = ["__version__", "setup", "speedups"]


def speedups() -> dict[str, str]:
    """Return, for each hot path, the active implementation ("cython" or "python")."""
    from fastdj import _accel

    return _accel.speedups()


def setup() -> None:
    """Configure logging and populate the app registry from INSTALLED_APPS."""
    from fastdj.apps import apps
    from fastdj.conf import settings
    from fastdj.utils.log import configure_logging

    configure_logging(settings.LOGGING)
    apps.populate(settings.INSTALLED_APPS)
