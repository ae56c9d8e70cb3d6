"""Schema editor for PostgreSQL."""

from __future__ import annotations

from fastdj.db.backends.base.schema import BaseDatabaseSchemaEditor

__all__ = ["DatabaseSchemaEditor"]


class DatabaseSchemaEditor(BaseDatabaseSchemaEditor):
    sql_create_inline_fk = (
        "CONSTRAINT %(name)s REFERENCES %(to_table)s(%(to_column)s)%(deferrable)s"
    )
    sql_create_fk = (
        "ALTER TABLE %(table)s ADD CONSTRAINT %(name)s FOREIGN KEY (%(column)s) "
        "REFERENCES %(to_table)s (%(to_column)s)%(deferrable)s"
    )
    sql_delete_index = "DROP INDEX IF EXISTS %(name)s"

    def quote_value(self, value) -> str:
        """Return ``value`` as a PostgreSQL literal, quoted by psycopg."""
        from psycopg import sql

        return sql.quote(value, self.connection.connection)

    def execute(self, sql, params=()) -> None:
        # Utility statements (DDL) take no bound parameters under
        # server-side binding: inline them as quoted literals.
        if params:
            self.connection.ensure_connection()
            sql = sql % tuple(self.quote_value(p) for p in params)
            params = None
        super().execute(sql, params)

    def _iter_column_sql(self, column_db_type, params, model, field, include_default):
        for part in super()._iter_column_sql(
            column_db_type, params, model, field, include_default
        ):
            if part == "DEFAULT %s":
                self.connection.ensure_connection()
                yield "DEFAULT " + self.quote_value(params.pop())
            else:
                yield part

    def _inline_fk_sql(self, field) -> str:
        model = field.model
        return self.sql_create_inline_fk % {
            "name": self.quote_name(
                self._fk_constraint_name(model, field, "_fk_%(to_table)s_%(to_column)s")
            ),
            "to_table": self.quote_name(field.target_field.model._meta.db_table),
            "to_column": self.quote_name(field.target_field.column),
            "deferrable": self.connection.ops.deferrable_sql(),
        }
