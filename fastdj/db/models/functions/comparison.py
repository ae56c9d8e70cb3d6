"""Comparison functions: Coalesce, Greatest, Least, Cast."""

from __future__ import annotations

from fastdj.db.models.expressions import Func

__all__ = ["Cast", "Coalesce", "Greatest", "Least"]


class Coalesce(Func):
    """Return the first non-null argument."""

    function = "COALESCE"

    def __init__(self, *expressions, **extra):
        if len(expressions) < 2:
            raise ValueError("Coalesce must take at least two expressions")
        super().__init__(*expressions, **extra)

    @property
    def empty_result_set_value(self):
        for expression in self.get_source_expressions():
            result = getattr(expression, "empty_result_set_value", NotImplemented)
            if result is NotImplemented or result is not None:
                return result
        return None


class Greatest(Func):
    function = "GREATEST"

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor == "sqlite":
            return super().as_sql(compiler, connection, function="MAX", **extra)
        return super().as_sql(compiler, connection, **extra)


class Least(Func):
    function = "LEAST"

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor == "sqlite":
            return super().as_sql(compiler, connection, function="MIN", **extra)
        return super().as_sql(compiler, connection, **extra)


class Cast(Func):
    """``CAST(expr AS type)`` with the type of ``output_field`` on the backend."""

    function = "CAST"
    template = "%(function)s(%(expressions)s AS %(db_type)s)"

    def __init__(self, expression, output_field):
        super().__init__(expression, output_field=output_field)

    def as_sql(self, compiler, connection, **extra_context):
        db_type = (
            self.output_field.cast_db_type(connection)
            if hasattr(self.output_field, "cast_db_type")
            else self.output_field.db_type(connection)
        )
        extra_context["db_type"] = db_type
        return super().as_sql(compiler, connection, **extra_context)
