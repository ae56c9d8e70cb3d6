"""FROM-clause entries (BaseTable, Join) and the empty/full result signals."""

from __future__ import annotations

# Re-exported: Django keeps both in django.core.exceptions.
from fastdj.core.exceptions import EmptyResultSet, FullResultSet
from fastdj.db.models.sql.constants import INNER, LOUTER

__all__ = ["BaseTable", "EmptyResultSet", "FullResultSet", "Join", "MultiJoin"]


class MultiJoin(Exception):
    """A path crossed a multi-valued relation where that is not allowed."""

    def __init__(self, names_pos, path_with_names):
        self.level = names_pos
        self.names_with_path = path_with_names


class Join:
    """``<join_type> <table> <alias> ON (<parent>.<col> = <alias>.<col> ...)``."""

    filtered_relation = None

    def __init__(
        self,
        table_name,
        parent_alias,
        table_alias,
        join_type,
        join_field,
        nullable,
        join_cols,
        m2m=False,
    ):
        self.table_name = table_name
        self.parent_alias = parent_alias
        self.table_alias = table_alias
        self.join_type = join_type
        self.join_field = join_field
        self.nullable = nullable
        # ((parent column, child column), ...)
        self.join_cols = tuple(join_cols)
        self.m2m = m2m

    def as_sql(self, compiler, connection):
        qn = compiler.quote_name_unless_alias
        qn2 = connection.ops.quote_name
        conditions = [
            f"{qn(self.parent_alias)}.{qn2(lhs)} = {qn(self.table_alias)}.{qn2(rhs)}"
            for lhs, rhs in self.join_cols
        ]
        alias_str = (
            "" if self.table_alias == self.table_name else f" {qn(self.table_alias)}"
        )
        sql = "{} {}{} ON ({})".format(
            self.join_type,
            qn(self.table_name),
            alias_str,
            " AND ".join(conditions),
        )
        return sql, []

    @property
    def identity(self):
        return (
            self.__class__,
            self.table_name,
            self.parent_alias,
            self.join_field,
            self.join_cols,
        )

    def equals(self, other) -> bool:
        return self.identity == other.identity

    def relabeled_clone(self, change_map):
        clone = self.__class__(
            self.table_name,
            change_map.get(self.parent_alias, self.parent_alias),
            change_map.get(self.table_alias, self.table_alias),
            self.join_type,
            self.join_field,
            self.nullable,
            self.join_cols,
            self.m2m,
        )
        return clone

    def demote(self):
        new = self.relabeled_clone({})
        new.join_type = INNER
        return new

    def promote(self):
        new = self.relabeled_clone({})
        new.join_type = LOUTER
        return new


class BaseTable:
    """The first table of the FROM clause."""

    join_type = None
    parent_alias = None
    filtered_relation = None
    m2m = False

    def __init__(self, table_name, alias):
        self.table_name = table_name
        self.table_alias = alias

    def as_sql(self, compiler, connection):
        alias_str = (
            ""
            if self.table_alias == self.table_name
            else f" {compiler.quote_name_unless_alias(self.table_alias)}"
        )
        base_sql = compiler.quote_name_unless_alias(self.table_name)
        return base_sql + alias_str, []

    def relabeled_clone(self, change_map):
        return self.__class__(
            self.table_name, change_map.get(self.table_alias, self.table_alias)
        )

    @property
    def identity(self):
        return self.__class__, self.table_name, self.table_alias

    def equals(self, other) -> bool:
        return self.identity == other.identity
