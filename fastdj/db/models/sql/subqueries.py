"""Query subclasses for DELETE, UPDATE, INSERT and aggregate-over-subquery."""

from __future__ import annotations

from fastdj.core.exceptions import FieldError
from fastdj.db.models.sql.constants import (
    GET_ITERATOR_CHUNK_SIZE,
    NO_RESULTS,
    ROW_COUNT,
)
from fastdj.db.models.sql.query import Query

__all__ = ["AggregateQuery", "DeleteQuery", "InsertQuery", "UpdateQuery"]


class DeleteQuery(Query):
    """A DELETE statement."""

    compiler = "SQLDeleteCompiler"

    def do_query(self, table, where, using):
        self.alias_map = {table: self.alias_map[table]}
        self.where = where
        cursor = self.get_compiler(using).execute_sql(ROW_COUNT)
        return cursor or 0

    def delete_batch(self, pk_list, using):
        """Delete the rows whose primary key is in ``pk_list``; return the count."""
        num_deleted = 0
        field = self.get_meta().pk
        for offset in range(0, len(pk_list), GET_ITERATOR_CHUNK_SIZE):
            self.clear_where()
            self.add_filter(
                f"{field.attname}__in",
                pk_list[offset : offset + GET_ITERATOR_CHUNK_SIZE],
            )
            num_deleted += self.do_query(
                self.get_meta().db_table, self.where, using=using
            )
        return num_deleted


class UpdateQuery(Query):
    """An UPDATE statement."""

    compiler = "SQLUpdateCompiler"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_query()

    def _setup_query(self):
        self.values = []
        self.related_ids = None
        self.related_updates = {}

    def clone(self):
        obj = super().clone()
        obj.related_updates = self.related_updates.copy()
        obj.values = list(self.values)
        return obj

    def update_batch(self, pk_list, values, using):
        """Set ``values`` ({name: value}) on the rows of ``pk_list``."""
        self.add_update_values(values)
        for offset in range(0, len(pk_list), GET_ITERATOR_CHUNK_SIZE):
            self.clear_where()
            self.add_filter(
                "pk__in", pk_list[offset : offset + GET_ITERATOR_CHUNK_SIZE]
            )
            self.get_compiler(using).execute_sql(NO_RESULTS)

    def add_update_values(self, values):
        """Record ``{name: value}`` updates, validating every field name."""
        values_seq = []
        for name, val in values.items():
            field = self.get_meta().get_field(name)
            if not getattr(field, "concrete", False) or getattr(
                field, "many_to_many", False
            ):
                raise FieldError(
                    f"Cannot update model field {field!r} (only non-relations and "
                    "foreign keys permitted)."
                )
            values_seq.append((field, field.model, val))
        return self.add_update_fields(values_seq)

    def add_update_fields(self, values_seq):
        for field, model, val in values_seq:
            if hasattr(val, "resolve_expression"):
                val = val.resolve_expression(self, allow_joins=False, for_save=True)
            self.values.append((field, model, val))

    def add_related_update(self, model, field, value):
        self.related_updates.setdefault(model, []).append((field, None, value))

    def get_related_updates(self):
        return []


class InsertQuery(Query):
    """An INSERT of ``objs`` into ``fields``."""

    compiler = "SQLInsertCompiler"

    def __init__(
        self, *args, on_conflict=None, update_fields=None, unique_fields=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields = []
        self.objs = []
        self.on_conflict = on_conflict
        self.update_fields = update_fields or []
        self.unique_fields = unique_fields or []
        self.raw = False

    def insert_values(self, fields, objs, raw=False):
        self.fields = fields
        self.objs = objs
        self.raw = raw


class AggregateQuery(Query):
    """``SELECT <aggregates> FROM (<inner_query>) subquery``."""

    compiler = "SQLAggregateCompiler"

    def __init__(self, model, inner_query):
        self.inner_query = inner_query
        super().__init__(model)
