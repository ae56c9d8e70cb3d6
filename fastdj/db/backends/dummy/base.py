"""Placeholder backend for a project without DATABASES: every use explains."""

from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.db.backends.base.base import BaseDatabaseWrapper

__all__ = ["DatabaseWrapper"]


def complain(*args, **kwargs):
    raise ImproperlyConfigured(
        "settings.DATABASES is improperly configured. Please supply the ENGINE value."
    )


class DatabaseWrapper(BaseDatabaseWrapper):
    vendor = "dummy"
    display_name = "dummy"

    class Database:
        Error = Exception

    ensure_connection = complain
    _cursor = complain
    _commit = complain
    _rollback = complain
    _set_autocommit = complain
    _savepoint = complain

    def _close(self):
        pass

    def is_usable(self) -> bool:
        return True
