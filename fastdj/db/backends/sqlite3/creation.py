"""Test database creation for SQLite (in memory unless TEST NAME is a file)."""

from __future__ import annotations

import os

from fastdj.db.backends.base.creation import BaseDatabaseCreation

__all__ = ["DatabaseCreation"]


class DatabaseCreation(BaseDatabaseCreation):
    @staticmethod
    def is_in_memory_db(database_name: str) -> bool:
        return not isinstance(database_name, os.PathLike) and (
            database_name == ":memory:" or "mode=memory" in str(database_name)
        )

    def _get_test_db_name(self) -> str:
        test_name = self.connection.settings_dict["TEST"]["NAME"] or ":memory:"
        if test_name == ":memory:":
            # Shared cache keeps one in-memory database across connections.
            return f"file:memorydb_{self.connection.alias}?mode=memory&cache=shared"
        return test_name

    def _create_test_db(self, verbosity, autoclobber, keepdb) -> None:
        test_database_name = self._get_test_db_name()
        if keepdb or self.is_in_memory_db(test_database_name):
            return
        if os.access(test_database_name, os.F_OK):
            os.remove(test_database_name)

    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        if test_database_name and not self.is_in_memory_db(test_database_name):
            try:
                os.remove(test_database_name)
            except FileNotFoundError:
                pass
