"""Model indexes declared in ``Meta.indexes``."""

from __future__ import annotations

import hashlib

__all__ = ["Index"]


class Index:
    """A (possibly unique-less) index over ``fields``; "-name" means DESC."""

    suffix = "idx"
    max_name_length = 30

    def __init__(
        self,
        *expressions,
        fields=(),
        name=None,
        db_tablespace=None,
        opclasses=(),
        condition=None,
        include=None,
    ):
        if not isinstance(fields, (list, tuple)):
            raise ValueError("Index.fields must be a list or tuple.")
        if not expressions and not fields:
            raise ValueError(
                "At least one field or expression is required to define an index."
            )
        if expressions and fields:
            raise ValueError("Index.fields and expressions are mutually exclusive.")
        if expressions and not name:
            raise ValueError("An index must be named to use expressions.")
        if fields and not all(isinstance(f, str) for f in fields):
            raise ValueError("Index.fields must contain only strings with field names.")
        self.fields = list(fields)
        self.fields_orders = [
            (name[1:], "DESC") if name.startswith("-") else (name, "")
            for name in self.fields
        ]
        self.name = name or ""
        self.db_tablespace = db_tablespace
        self.opclasses = opclasses
        self.condition = condition
        self.include = tuple(include) if include else ()
        self.expressions = expressions

    @property
    def contains_expressions(self) -> bool:
        return bool(self.expressions)

    def create_sql(self, model, schema_editor, using="", **kwargs):
        qn = schema_editor.quote_name
        cols = ", ".join(
            (qn(model._meta.get_field(name).column) + (f" {order}" if order else ""))
            for name, order in self.fields_orders
        )
        where = ""
        if self.condition is not None:
            from fastdj.db.models.constraints import condition_sql

            where = " WHERE " + condition_sql(model, self.condition, schema_editor)
        return (
            f"CREATE INDEX {qn(self.name)} ON {qn(model._meta.db_table)} "
            f"({cols}){where}"
        )

    def remove_sql(self, model, schema_editor, **kwargs):
        return f"DROP INDEX {schema_editor.quote_name(self.name)}"

    def deconstruct(self):
        path = "fastdj.db.models.Index"
        kwargs = {"name": self.name}
        if self.fields:
            kwargs["fields"] = self.fields
        if self.condition is not None:
            kwargs["condition"] = self.condition
        return path, self.expressions, kwargs

    def clone(self):
        _, args, kwargs = self.deconstruct()
        return self.__class__(*args, **kwargs)

    def set_name_with_model(self, model) -> None:
        """Name the index "<table>_<column>_<hash>_idx", as Django does."""
        _, table_name = (
            model._meta.db_table.split(".")[-2:]
            if "." in (model._meta.db_table)
            else ("", model._meta.db_table)
        )
        column_names = [
            model._meta.get_field(name).column for name, _ in self.fields_orders
        ]
        column_names_with_order = [
            f"-{column}" if order else column
            for column, (_, order) in zip(column_names, self.fields_orders, strict=True)
        ]
        hash_data = [table_name, *column_names_with_order, self.suffix]
        digest = hashlib.md5(usedforsecurity=False)
        for arg in hash_data:
            digest.update(arg.encode())
        self.name = (
            f"{table_name[:11]}_{column_names[0][:7]}_"
            f"{digest.hexdigest()[:6]}_{self.suffix}"
        )
        if len(self.name) > self.max_name_length:
            raise ValueError(
                "Index too long for multiple database support. Is self.suffix "
                "longer than 3 characters?"
            )
        if self.name[0] == "_" or self.name[0].isdigit():
            self.name = f"D{self.name[1:]}"

    def __repr__(self):
        name = self.__class__.__qualname__
        return f"<{name}: fields={self.fields!r} name={self.name!r}>"

    def __eq__(self, other):
        if self.__class__ == other.__class__:
            return self.deconstruct() == other.deconstruct()
        return NotImplemented

    __hash__ = object.__hash__
