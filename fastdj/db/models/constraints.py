"""Model constraints declared in ``Meta.constraints`` (UniqueConstraint)."""

from __future__ import annotations

from fastdj.core.exceptions import FieldError, ValidationError

__all__ = ["BaseConstraint", "UniqueConstraint"]


def condition_sql(model, condition, schema_editor) -> str:
    """Return ``condition`` (a Q) as DDL-ready SQL with its values inlined.

    DDL statements take no parameters, so the values are quoted by the
    schema editor, as Django does for partial indexes.
    """
    from fastdj.db.models.sql.query import Query

    query = Query(model, alias_cols=False)
    where = query.build_where(condition)
    connection = schema_editor.connection
    compiler = query.get_compiler(connection=connection)
    sql, params = where.as_sql(compiler, connection)
    return sql % tuple(schema_editor.quote_value(p) for p in params)


class BaseConstraint:
    """A named table constraint with a validation message."""

    default_violation_error_message = "Constraint “%(name)s” is violated."
    violation_error_code = None
    violation_error_message = None

    def __init__(
        self, *, name, violation_error_code=None, violation_error_message=None
    ):
        if not name:
            raise TypeError("A constraint needs a name.")
        self.name = name
        if violation_error_code is not None:
            self.violation_error_code = violation_error_code
        self.violation_error_message = (
            violation_error_message or self.default_violation_error_message
        )

    @property
    def contains_expressions(self) -> bool:
        return False

    def constraint_sql(self, model, schema_editor):
        raise NotImplementedError

    def create_sql(self, model, schema_editor):
        raise NotImplementedError

    def remove_sql(self, model, schema_editor):
        raise NotImplementedError

    def validate(self, model, instance, exclude=None, using="default"):
        raise NotImplementedError

    def get_violation_error_message(self) -> str:
        return self.violation_error_message % {"name": self.name}

    def clone(self):
        path, args, kwargs = self.deconstruct()
        return self.__class__(*args, **kwargs)

    def deconstruct(self):
        path = f"{self.__class__.__module__}.{self.__class__.__name__}"
        path = path.replace("fastdj.db.models.constraints", "fastdj.db.models")
        kwargs = {"name": self.name}
        if self.violation_error_message != self.default_violation_error_message:
            kwargs["violation_error_message"] = self.violation_error_message
        if self.violation_error_code is not None:
            kwargs["violation_error_code"] = self.violation_error_code
        return path, (), kwargs


class UniqueConstraint(BaseConstraint):
    """UNIQUE over ``fields`` (optionally only where ``condition`` holds)."""

    def __init__(
        self,
        *expressions,
        fields=(),
        name=None,
        condition=None,
        deferrable=None,
        include=None,
        opclasses=(),
        nulls_distinct=None,
        violation_error_code=None,
        violation_error_message=None,
    ):
        if not name:
            raise ValueError("A unique constraint must be named.")
        if not expressions and not fields:
            raise ValueError(
                "At least one field or expression is required to define a unique "
                "constraint."
            )
        if expressions and fields:
            raise ValueError(
                "UniqueConstraint.fields and expressions are mutually exclusive."
            )
        if condition is not None and not hasattr(condition, "resolve_expression"):
            raise ValueError("UniqueConstraint.condition must be a Q instance.")
        if not isinstance(fields, (list, tuple)):
            raise TypeError("UniqueConstraint.fields must be a list or tuple.")
        self.fields = tuple(fields)
        self.expressions = tuple(expressions)
        self.condition = condition
        self.deferrable = deferrable
        self.include = tuple(include) if include else ()
        self.opclasses = opclasses
        self.nulls_distinct = nulls_distinct
        super().__init__(
            name=name,
            violation_error_code=violation_error_code,
            violation_error_message=violation_error_message,
        )

    @property
    def contains_expressions(self) -> bool:
        return bool(self.expressions)

    def _columns(self, model):
        return [model._meta.get_field(name).column for name in self.fields]

    def constraint_sql(self, model, schema_editor):
        """Return the inline table constraint, or None for a partial index."""
        if self.condition is not None:
            # A table-level UNIQUE cannot carry a WHERE clause: create_sql()
            # builds a partial unique index instead.
            return None
        qn = schema_editor.quote_name
        cols = ", ".join(qn(c) for c in self._columns(model))
        return f"CONSTRAINT {qn(self.name)} UNIQUE ({cols})"

    def create_sql(self, model, schema_editor):
        qn = schema_editor.quote_name
        cols = ", ".join(qn(c) for c in self._columns(model))
        where = ""
        if self.condition is not None:
            where = " WHERE " + condition_sql(model, self.condition, schema_editor)
        return (
            f"CREATE UNIQUE INDEX {qn(self.name)} ON {qn(model._meta.db_table)} "
            f"({cols}){where}"
        )

    def remove_sql(self, model, schema_editor):
        return f"DROP INDEX {schema_editor.quote_name(self.name)}"

    def __repr__(self):
        fields = f" fields={self.fields!r}" if self.fields else ""
        return f"<{self.__class__.__qualname__}:{fields} name={self.name!r}>"

    def __eq__(self, other):
        if isinstance(other, UniqueConstraint):
            return (
                self.name == other.name
                and self.fields == other.fields
                and self.condition == other.condition
                and self.expressions == other.expressions
                and self.violation_error_message == other.violation_error_message
            )
        return super().__eq__(other)

    __hash__ = object.__hash__

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        if self.fields:
            kwargs["fields"] = self.fields
        if self.condition is not None:
            kwargs["condition"] = self.condition
        return path, self.expressions, kwargs

    def validate(self, model, instance, exclude=None, using="default"):
        """Raise ValidationError if another row has the same field values."""
        if self.expressions:
            return
        exclude = exclude or set()
        queryset = model._default_manager.using(using)
        lookup_kwargs = {}
        for field_name in self.fields:
            if field_name in exclude:
                return
            field = model._meta.get_field(field_name)
            value = getattr(instance, field.attname)
            if value is None or (
                value == "" and getattr(field, "_interprets_empty_as_null", False)
            ):
                # NULLs never clash (nulls distinct).
                return
            lookup_kwargs[field.name] = value
        queryset = queryset.filter(**lookup_kwargs)
        if instance.pk is not None and not instance._state.adding:
            queryset = queryset.exclude(pk=instance.pk)
        if self.condition is not None:
            try:
                if not queryset.filter(self.condition).exists():
                    return
            except FieldError:
                return
        if queryset.exists():
            if (
                self.violation_error_message == self.default_violation_error_message
                and self.condition is None
            ):
                raise instance.unique_error_message(model, self.fields)
            raise ValidationError(
                self.get_violation_error_message(), code=self.violation_error_code
            )
