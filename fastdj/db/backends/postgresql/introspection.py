"""Introspection for PostgreSQL through pg_catalog (current search_path)."""

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
            """
            SELECT c.relname,
                   CASE WHEN c.relkind IN ('m', 'v') THEN 'v' ELSE 't' END
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
              AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
              AND pg_catalog.pg_table_is_visible(c.oid)
            """
        )
        return [TableInfo(row[0], row[1]) for row in cursor.fetchall()]

    def get_table_description(self, cursor, table_name: str) -> list[FieldInfo]:
        cursor.execute(
            """
            SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
                   NOT (a.attnotnull), pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
            FROM pg_catalog.pg_attribute a
            LEFT JOIN pg_catalog.pg_attrdef ad
              ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
            JOIN pg_catalog.pg_class c ON a.attrelid = c.oid
            WHERE c.relname = %s AND pg_catalog.pg_table_is_visible(c.oid)
              AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """,
            [table_name],
        )
        return [
            FieldInfo(name, type_, None, None, None, None, null_ok, default, None)
            for name, type_, null_ok, default in cursor.fetchall()
        ]

    def get_sequences(self, cursor, table_name: str, table_fields=()) -> list[dict]:
        cursor.execute(
            """
            SELECT s.relname, a.attname
            FROM pg_catalog.pg_class s
            JOIN pg_catalog.pg_depend d ON d.objid = s.oid
              AND d.classid = 'pg_catalog.pg_class'::regclass
              AND d.refclassid = 'pg_catalog.pg_class'::regclass
            JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid
              AND a.attnum = d.refobjsubid
            JOIN pg_catalog.pg_class tbl ON tbl.oid = d.refobjid
            WHERE s.relkind = 'S' AND tbl.relname = %s
              AND pg_catalog.pg_table_is_visible(tbl.oid)
            """,
            [table_name],
        )
        return [
            {"name": row[0], "table": table_name, "column": row[1]}
            for row in cursor.fetchall()
        ]

    def get_relations(self, cursor, table_name: str) -> dict:
        constraints = self.get_constraints(cursor, table_name)
        return {
            c["columns"][0]: (c["foreign_key"][1], c["foreign_key"][0])
            for c in constraints.values()
            if c["foreign_key"]
        }

    def get_constraints(self, cursor, table_name: str) -> dict:
        constraints: dict = {}
        cursor.execute(
            """
            SELECT c.conname, c.contype,
                   array(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY
                         cols(colid, arridx)
                         JOIN pg_attribute AS ca ON cols.colid = ca.attnum
                         WHERE ca.attrelid = c.conrelid ORDER BY cols.arridx),
                   (SELECT fkc.relname || '.' || fka.attname
                    FROM pg_attribute AS fka
                    JOIN pg_class AS fkc ON fka.attrelid = fkc.oid
                    WHERE fka.attrelid = c.confrelid AND fka.attnum = c.confkey[1])
            FROM pg_constraint AS c
            JOIN pg_class AS cl ON c.conrelid = cl.oid
            WHERE cl.relname = %s AND pg_catalog.pg_table_is_visible(cl.oid)
            """,
            [table_name],
        )
        for name, kind, columns, used_cols in cursor.fetchall():
            constraints[name] = {
                "columns": list(columns),
                "primary_key": kind == "p",
                "unique": kind in ("p", "u"),
                "foreign_key": tuple(used_cols.split(".", 1)) if kind == "f" else None,
                "check": kind == "c",
                "index": False,
                "definition": None,
                "options": None,
            }
        cursor.execute(
            """
            SELECT ic.relname, idx.indisunique, idx.indisprimary,
                   array(SELECT a.attname FROM unnest(idx.indkey) WITH ORDINALITY
                         k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = idx.indrelid
                          AND a.attnum = k.attnum ORDER BY k.ord)
            FROM pg_index idx
            JOIN pg_class c ON idx.indrelid = c.oid
            JOIN pg_class ic ON idx.indexrelid = ic.oid
            WHERE c.relname = %s AND pg_catalog.pg_table_is_visible(c.oid)
            """,
            [table_name],
        )
        for name, unique, primary, columns in cursor.fetchall():
            if name in constraints:
                continue
            constraints[name] = {
                "columns": list(columns),
                "primary_key": primary,
                "unique": unique,
                "foreign_key": None,
                "check": False,
                "index": True,
                "type": "idx",
                "orders": [],
            }
        return constraints
