"""Schema editor for SQLite."""

from __future__ import annotations

import datetime
import decimal

from fastdj.db.backends.base.schema import BaseDatabaseSchemaEditor

__all__ = ["DatabaseSchemaEditor"]


class DatabaseSchemaEditor(BaseDatabaseSchemaEditor):
    sql_delete_table = "DROP TABLE %(table)s"
    sql_delete_column = "ALTER TABLE %(table)s DROP COLUMN %(column)s"
    # SQLite cannot alter a column's default; the ADD COLUMN default stays.
    sql_alter_column_no_default = None
    sql_create_fk = None
    sql_create_inline_fk = (
        "REFERENCES %(to_table)s (%(to_column)s) DEFERRABLE INITIALLY DEFERRED"
    )
    sql_create_unique = "CREATE UNIQUE INDEX %(name)s ON %(table)s (%(columns)s)"
    sql_delete_unique = "DROP INDEX %(name)s"

    def __enter__(self):
        # Dropping a referenced table would otherwise run an implicit DELETE
        # checked against foreign keys (PostgreSQL drops with CASCADE). SQLite
        # ignores the pragma inside a transaction; the editor works there too,
        # only a referenced, non-empty table cannot be dropped then.
        self._fk_checks_disabled = self.connection.disable_constraint_checking()
        return super().__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        try:
            super().__exit__(exc_type, exc_value, traceback)
        finally:
            if self._fk_checks_disabled:
                self.connection.enable_constraint_checking()

    def quote_value(self, value) -> str:
        """Return ``value`` as an SQLite literal."""
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return str(int(value))
        if isinstance(value, (int, float, decimal.Decimal)):
            return str(value)
        if isinstance(value, (datetime.date, datetime.time, datetime.datetime)):
            return f"'{value}'"
        if isinstance(value, str):
            return "'{}'".format(value.replace("'", "''"))
        if isinstance(value, (bytes, bytearray, memoryview)):
            return f"X'{bytes(value).hex()}'"
        raise ValueError(
            f"Cannot quote parameter value {value!r} of type {type(value)}"
        )

    def _iter_column_sql(self, column_db_type, params, model, field, include_default):
        # SQLite forbids parameters in DEFAULT: inline a quoted literal.
        for part in super()._iter_column_sql(
            column_db_type, params, model, field, include_default
        ):
            if part == "DEFAULT %s":
                yield "DEFAULT " + self.quote_value(params.pop())
            else:
                yield part
