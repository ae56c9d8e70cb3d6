"""BaseDatabaseIntrospection: read back what the database contains."""

from __future__ import annotations

from collections import namedtuple

__all__ = ["BaseDatabaseIntrospection", "FieldInfo", "TableInfo"]

# Structure returned by DatabaseIntrospection.get_table_list().
TableInfo = namedtuple("TableInfo", ["name", "type"])

# Structure returned by the DB-API cursor.description interface (PEP 249).
FieldInfo = namedtuple(
    "FieldInfo",
    "name type_code display_size internal_size precision scale null_ok "
    "default collation",
)


class BaseDatabaseIntrospection:
    """Table, column and constraint introspection for one backend."""

    data_types_reverse: dict = {}

    def __init__(self, connection):
        self.connection = connection

    def identifier_converter(self, name: str) -> str:
        """Return ``name`` as the database reports identifiers."""
        return name

    def table_name_converter(self, name: str) -> str:
        return self.identifier_converter(name)

    def get_table_list(self, cursor) -> list[TableInfo]:
        """Return TableInfo for every table and view of the current schema."""
        raise NotImplementedError

    def table_names(self, cursor=None, include_views: bool = False) -> list[str]:
        """Return the sorted table names of the current schema."""

        def get_names(cur):
            return sorted(
                ti.name
                for ti in self.get_table_list(cur)
                if include_views or ti.type == "t"
            )

        if cursor is None:
            with self.connection.cursor() as cursor:
                return get_names(cursor)
        return get_names(cursor)

    def get_table_description(self, cursor, table_name: str) -> list[FieldInfo]:
        raise NotImplementedError

    def get_sequences(self, cursor, table_name: str, table_fields=()) -> list[dict]:
        raise NotImplementedError

    def get_relations(self, cursor, table_name: str) -> dict:
        raise NotImplementedError

    def get_primary_key_column(self, cursor, table_name: str) -> str | None:
        for constraint in self.get_constraints(cursor, table_name).values():
            if constraint["primary_key"]:
                return constraint["columns"][0]
        return None

    def get_constraints(self, cursor, table_name: str) -> dict:
        """Return {name: {"columns", "primary_key", "unique", "foreign_key",
        "check", "index", "type", "orders"}} for ``table_name``."""
        raise NotImplementedError

    def _model_tables(self, models):
        for model in models:
            opts = model._meta
            if not getattr(opts, "managed", True) or getattr(opts, "proxy", False):
                continue
            yield opts.db_table
            for field in opts.local_many_to_many:
                through = field.remote_field.through
                if through._meta.auto_created:
                    yield through._meta.db_table

    def django_table_names(self, only_existing=False, include_views=True):
        """Return the tables of every installed model (existing ones if asked)."""
        from fastdj.apps import apps

        tables = set(self._model_tables(apps.get_models()))
        if only_existing:
            existing = set(self.table_names(include_views=include_views))
            tables = {t for t in tables if self.identifier_converter(t) in existing}
        return sorted(tables)

    def registered_table_names(self, only_existing: bool = False) -> list[str]:
        """Return the tables of every registered model, installed app or not.

        Test models declare an ``app_label`` without installing an app; they
        are what test cases create and must empty.
        """
        from fastdj.apps import apps

        tables = set(self._model_tables(apps.all_registered_models()))
        if only_existing:
            existing = set(self.table_names(include_views=False))
            tables = {t for t in tables if self.identifier_converter(t) in existing}
        return sorted(tables)

    def sequence_list(self) -> list[dict]:
        """Return sequence info dicts for every installed model's table."""
        from fastdj.apps import apps

        sequences = []
        with self.connection.cursor() as cursor:
            for model in apps.get_models():
                opts = model._meta
                if not getattr(opts, "managed", True):
                    continue
                sequences.extend(
                    self.get_sequences(cursor, opts.db_table, opts.local_fields)
                )
        return sequences
