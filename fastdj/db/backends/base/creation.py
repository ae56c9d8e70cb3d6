"""BaseDatabaseCreation: create and destroy the test database."""

from __future__ import annotations

__all__ = ["TEST_DATABASE_PREFIX", "BaseDatabaseCreation"]

TEST_DATABASE_PREFIX = "test_"


class BaseDatabaseCreation:
    """Create a test database, fill it with every model's table, destroy it."""

    def __init__(self, connection):
        self.connection = connection

    def _get_test_db_name(self) -> str:
        """Return TEST["NAME"] or "test_" + NAME."""
        test_name = self.connection.settings_dict["TEST"]["NAME"]
        if test_name:
            return test_name
        return TEST_DATABASE_PREFIX + self.connection.settings_dict["NAME"]

    def create_test_db(
        self, verbosity: int = 1, autoclobber: bool = False, keepdb: bool = False
    ) -> str:
        """Create the test database, point the connection at it, create tables.

        Return the test database name.
        """
        test_database_name = self._get_test_db_name()
        if verbosity >= 1:
            print(f"Creating test database for alias {self.connection.alias!r}...")
        self._create_test_db(verbosity, autoclobber, keepdb)
        self.connection.close()
        self.connection.settings_dict["NAME"] = test_database_name
        from fastdj.core.management.commands.createtables import create_tables

        create_tables(using=self.connection.alias, verbosity=max(verbosity - 1, 0))
        return test_database_name

    def _create_test_db(self, verbosity, autoclobber, keepdb) -> None:
        raise NotImplementedError

    def destroy_test_db(
        self,
        old_database_name: str | None = None,
        verbosity: int = 1,
        keepdb: bool = False,
    ) -> None:
        """Close the connection, drop the test database, restore NAME."""
        self.connection.close()
        test_database_name = self.connection.settings_dict["NAME"]
        if verbosity >= 1:
            print(f"Destroying test database for alias {self.connection.alias!r}...")
        if old_database_name is not None:
            self.connection.settings_dict["NAME"] = old_database_name
        if not keepdb:
            self._destroy_test_db(test_database_name, verbosity)

    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        raise NotImplementedError
