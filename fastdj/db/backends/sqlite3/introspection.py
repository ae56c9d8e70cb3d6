"""Introspection for SQLite: tables, columns and constraints via PRAGMAs."""

from __future__ import annotations

from fastdj.db.backends.base.introspection import (
    BaseDatabaseIntrospection,
    FieldInfo,
    TableInfo,
)

__all__ = ["DatabaseIntrospection"]


class DatabaseIntrospection(BaseDatabaseIntrospection):
    def get_table_list(self, cursor) -> list[TableInfo]:
        cursor.execute(
            "SELECT name, type FROM sqlite_master "
            "WHERE type IN ('table', 'view') AND NOT name LIKE 'sqlite\\_%%' "
            "ESCAPE '\\' ORDER BY name",
            [],
        )
        return [TableInfo(row[0], row[1][0]) for row in cursor.fetchall()]

    def get_table_description(self, cursor, table_name: str) -> list[FieldInfo]:
        quoted = self.connection.ops.quote_name(table_name)
        cursor.execute(f"PRAGMA table_info({quoted})")
        return [
            FieldInfo(
                name, data_type, None, None, None, None, not notnull, default, None
            )
            for _, name, data_type, notnull, default, _pk in cursor.fetchall()
        ]

    def get_sequences(self, cursor, table_name: str, table_fields=()) -> list[dict]:
        pk_col = self.get_primary_key_column(cursor, table_name)
        return [{"table": table_name, "column": pk_col}] if pk_col else []

    def get_relations(self, cursor, table_name: str) -> dict:
        """Return {column: (referenced column, referenced table)}."""
        quoted = self.connection.ops.quote_name(table_name)
        cursor.execute(f"PRAGMA foreign_key_list({quoted})")
        return {row[3]: (row[4], row[2]) for row in cursor.fetchall()}

    def get_constraints(self, cursor, table_name: str) -> dict:
        quoted = self.connection.ops.quote_name(table_name)
        constraints: dict = {}
        cursor.execute(f"PRAGMA table_info({quoted})")
        pk_columns = [
            row[1] for row in sorted(cursor.fetchall(), key=lambda r: r[5]) if row[5]
        ]
        if pk_columns:
            constraints["__primary__"] = {
                "columns": pk_columns,
                "primary_key": True,
                "unique": False,
                "foreign_key": None,
                "check": False,
                "index": False,
            }
        cursor.execute(f"PRAGMA index_list({quoted})")
        for _, name, unique, origin, _partial in cursor.fetchall():
            cursor.execute(f"PRAGMA index_info({self.connection.ops.quote_name(name)})")
            columns = [row[2] for row in cursor.fetchall()]
            constraints[name] = {
                "columns": columns,
                "primary_key": origin == "pk",
                "unique": bool(unique),
                "foreign_key": None,
                "check": False,
                "index": origin == "c",
                "type": "idx",
                "orders": [],
            }
        cursor.execute(f"PRAGMA foreign_key_list({quoted})")
        for row in cursor.fetchall():
            constraints[f"fk_{row[0]}_{row[3]}"] = {
                "columns": [row[3]],
                "primary_key": False,
                "unique": False,
                "foreign_key": (row[2], row[4]),
                "check": False,
                "index": False,
            }
        return constraints
