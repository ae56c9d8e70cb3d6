"""WhereNode: the compiled filter tree of a Query."""

from __future__ import annotations

import copy

from fastdj.core.exceptions import EmptyResultSet, FullResultSet

__all__ = ["AND", "OR", "XOR", "EmptyResultSet", "FullResultSet", "WhereNode"]

AND = "AND"
OR = "OR"
XOR = "XOR"


class WhereNode:
    """A tree of lookups and expressions joined by AND, OR or XOR.

    Compiling it returns ``(sql, params)``; a branch that can never match
    raises EmptyResultSet and one that always matches raises FullResultSet, so
    the parent node can drop or short-circuit it as SQL logic demands.
    """

    default = AND
    resolved = False
    conditional = True
    contains_over_clause = False

    def __init__(self, children=None, connector=None, negated=False):
        self.children = list(children) if children else []
        self.connector = connector or self.default
        self.negated = negated

    @classmethod
    def create(cls, children=None, connector=None, negated=False):
        return cls(children, connector, negated)

    def __repr__(self):
        template = "(NOT (%s: %s))" if self.negated else "(%s: %s)"
        return template % (self.connector, ", ".join(str(c) for c in self.children))

    def __bool__(self):
        return bool(self.children)

    def __len__(self):
        return len(self.children)

    def add(self, data, conn_type):
        """Add ``data`` as a child, flattening same-connector nodes."""
        if self.connector != conn_type:
            obj = self.copy()
            self.connector = conn_type
            self.children = [obj, data]
            self.negated = False
            return data
        if (
            isinstance(data, WhereNode)
            and not data.negated
            and (data.connector == conn_type or len(data) == 1)
        ):
            self.children.extend(data.children)
            return self
        self.children.append(data)
        return data

    def negate(self):
        self.negated = not self.negated

    def copy(self):
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        clone.children = self.children[:]
        return clone

    clone_shallow = copy

    def clone(self):
        clone = self.copy()
        clone.children = [
            child.clone() if isinstance(child, WhereNode) else child
            for child in self.children
        ]
        return clone

    def __deepcopy__(self, memo):
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        clone.children = copy.deepcopy(self.children, memo)
        return clone

    def as_sql(self, compiler, connection):
        result = []
        result_params: list = []
        if self.connector == AND:
            full_needed, empty_needed = len(self.children), 1
        else:
            full_needed, empty_needed = 1, len(self.children)
        if self.connector == XOR:
            # Emulate XOR as "an odd number of true children".
            return self._xor_as_sql(compiler, connection)
        for child in self.children:
            try:
                sql, params = compiler.compile(child)
            except EmptyResultSet:
                empty_needed -= 1
            except FullResultSet:
                full_needed -= 1
            else:
                if sql:
                    result.append(sql)
                    result_params.extend(params)
                else:
                    full_needed -= 1
            if empty_needed == 0:
                if self.negated:
                    raise FullResultSet
                raise EmptyResultSet
            if full_needed == 0:
                if self.negated:
                    raise EmptyResultSet
                raise FullResultSet
        conn = f" {self.connector} "
        sql_string = conn.join(result)
        if not sql_string:
            raise FullResultSet
        if self.negated:
            sql_string = f"NOT ({sql_string})"
        elif len(result) > 1:
            sql_string = f"({sql_string})"
        return sql_string, result_params

    def _xor_as_sql(self, compiler, connection):
        parts, params = [], []
        for child in self.children:
            try:
                sql, p = compiler.compile(child)
            except EmptyResultSet:
                sql, p = "0 = 1", []
            except FullResultSet:
                sql, p = "1 = 1", []
            parts.append(f"(CASE WHEN {sql} THEN 1 ELSE 0 END)")
            params.extend(p)
        sql = "({}) %% 2 = 1".format(" + ".join(parts))
        if self.negated:
            sql = f"NOT ({sql})"
        return sql, params

    def get_group_by_cols(self):
        cols = []
        for child in self.children:
            cols.extend(child.get_group_by_cols())
        return cols

    def get_source_expressions(self):
        return self.children[:]

    def set_source_expressions(self, children):
        self.children = children

    def relabel_aliases(self, change_map):
        for pos, child in enumerate(self.children):
            if hasattr(child, "relabel_aliases"):
                child.relabel_aliases(change_map)
            elif hasattr(child, "relabeled_clone"):
                self.children[pos] = child.relabeled_clone(change_map)

    def relabeled_clone(self, change_map):
        clone = self.clone()
        clone.relabel_aliases(change_map)
        return clone

    @property
    def contains_aggregate(self):
        return any(getattr(c, "contains_aggregate", False) for c in self.children)

    @property
    def is_summary(self):
        return any(getattr(c, "is_summary", False) for c in self.children)

    @property
    def contains_outer_reference(self):
        return any(getattr(c, "contains_outer_reference", False) for c in self.children)

    def flatten(self):
        yield self
        for child in self.children:
            if hasattr(child, "flatten"):
                yield from child.flatten()
            else:
                yield child

    def split_having_qualify(self):
        """Return (where, having): aggregate conditions go to HAVING."""
        if not self.contains_aggregate:
            return self, None
        in_negated = self.negated
        if not in_negated and self.connector == AND:
            where_parts, having_parts = [], []
            for c in self.children:
                if getattr(c, "contains_aggregate", False):
                    having_parts.append(c)
                else:
                    where_parts.append(c)
            where = (
                self.create(where_parts, self.connector, self.negated)
                if where_parts
                else None
            )
            having = (
                self.create(having_parts, self.connector, self.negated)
                if having_parts
                else None
            )
            return where, having
        return None, self

    @staticmethod
    def _resolve_leaf(expr, query, *args, **kwargs):
        if hasattr(expr, "resolve_expression"):
            expr = expr.resolve_expression(query, *args, **kwargs)
        return expr

    @classmethod
    def _resolve_node(cls, node, query, *args, **kwargs):
        if hasattr(node, "children"):
            for child in node.children:
                cls._resolve_node(child, query, *args, **kwargs)
        if hasattr(node, "lhs"):
            node.lhs = cls._resolve_leaf(node.lhs, query, *args, **kwargs)
        if hasattr(node, "rhs"):
            node.rhs = cls._resolve_leaf(node.rhs, query, *args, **kwargs)

    def resolve_expression(self, query, *args, **kwargs):
        clone = self.clone()
        clone._resolve_node(clone, query, *args, **kwargs)
        clone.resolved = True
        return clone

    @property
    def output_field(self):
        from fastdj.db.models.fields import BooleanField

        return BooleanField()

    @property
    def _output_field_or_none(self):
        return self.output_field

    def select_format(self, compiler, sql, params):
        # WHERE-style booleans must be wrapped in CASE to be selected.
        return f"CASE WHEN {sql} THEN 1 ELSE 0 END", params

    def get_db_converters(self, connection):
        return self.output_field.get_db_converters(connection)

    def get_lookup(self, lookup):
        return self.output_field.get_lookup(lookup)
