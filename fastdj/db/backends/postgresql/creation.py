"""Test database creation for PostgreSQL."""

from __future__ import annotations

from fastdj.db.backends.base.creation import BaseDatabaseCreation

__all__ = ["DatabaseCreation"]


class DatabaseCreation(BaseDatabaseCreation):
    def _admin_cursor(self):
        # CREATE/DROP DATABASE cannot run on the database itself.
        settings = dict(self.connection.settings_dict)
        settings["NAME"] = "postgres"
        return type(self.connection)(settings, alias="__no_db__")

    def _create_test_db(self, verbosity, autoclobber, keepdb) -> None:
        name = self.connection.ops.quote_name(self._get_test_db_name())
        admin = self._admin_cursor()
        try:
            with admin.cursor() as cursor:
                if keepdb:
                    cursor.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s",
                        [self._get_test_db_name()],
                    )
                    if cursor.fetchone():
                        return
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")
                cursor.execute(f"CREATE DATABASE {name}")
        finally:
            admin.close()

    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        admin = self._admin_cursor()
        try:
            with admin.cursor() as cursor:
                cursor.execute(
                    "DROP DATABASE IF EXISTS "
                    f"{self.connection.ops.quote_name(test_database_name)}"
                )
        finally:
            admin.close()
