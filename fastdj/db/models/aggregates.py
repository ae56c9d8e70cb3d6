"""Aggregate functions: Count, Sum, Avg, Min, Max."""

from __future__ import annotations

from fastdj.core.exceptions import FieldError
from fastdj.db.models.expressions import Func, Star, Value

__all__ = ["Aggregate", "Avg", "Count", "Max", "Min", "Sum"]


def _fields():
    from fastdj.db.models import fields

    return fields


class Aggregate(Func):
    """``FUNCTION([DISTINCT] expr) [FILTER (WHERE ...)]``."""

    template = "%(function)s(%(distinct)s%(expressions)s)"
    contains_aggregate = True
    name: str | None = None
    filter_template = "%s FILTER (WHERE %%(filter)s)"
    allow_distinct = False
    empty_result_set_value = None

    def __init__(
        self, *expressions, distinct=False, filter=None, default=None, **extra
    ):
        if distinct and not self.allow_distinct:
            raise TypeError(f"{self.__class__.__name__} does not allow distinct.")
        if default is not None and self.empty_result_set_value is not None:
            raise TypeError(f"{self.__class__.__name__} does not allow default.")
        self.distinct = distinct
        self.filter = filter
        self.default = default
        super().__init__(*expressions, **extra)

    def get_source_fields(self):
        return [e._output_field_or_none for e in super().get_source_expressions()]

    def get_source_expressions(self):
        source_expressions = super().get_source_expressions()
        return [*source_expressions, self.filter]

    def set_source_expressions(self, exprs):
        *exprs, self.filter = exprs
        return super().set_source_expressions(exprs)

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        c = self.copy()
        c.is_summary = summarize
        c.source_expressions = [
            e.resolve_expression(query, allow_joins, reuse, summarize)
            for e in c.source_expressions
        ]
        if c.filter is not None:
            c.filter = c.filter.resolve_expression(query, allow_joins, reuse, summarize)
        if not summarize:
            # aggregate() may reference annotated aggregates; annotate() may not.
            for index, expr in enumerate(self.source_expressions):
                if c.source_expressions[index].contains_aggregate:
                    before = expr.name if hasattr(expr, "name") else repr(expr)
                    raise FieldError(
                        f"Cannot compute {c.name}('{before}'): '{before}' is an "
                        "aggregate"
                    )
        if c.default is None:
            return c
        from fastdj.db.models.functions import Coalesce

        default = c.default
        if not hasattr(default, "resolve_expression"):
            default = Value(default, c._output_field_or_none)
        c.default = None
        coalesce = Coalesce(c, default, output_field=c._output_field_or_none)
        coalesce.is_summary = c.is_summary
        return coalesce

    @property
    def default_alias(self):
        expressions = super().get_source_expressions()
        if len(expressions) == 1 and hasattr(expressions[0], "name"):
            return f"{expressions[0].name}__{self.name.lower()}"
        raise TypeError("Complex expressions require an alias")

    def get_group_by_cols(self):
        return []

    def as_sql(self, compiler, connection, **extra_context):
        extra_context["distinct"] = "DISTINCT " if self.distinct else ""
        if self.filter is not None:
            filter_sql, filter_params = compiler.compile(self.filter)
            template = self.filter_template % extra_context.get(
                "template", self.template
            )
            sql, params = super().as_sql(
                compiler,
                connection,
                template=template,
                filter=filter_sql,
                **extra_context,
            )
            return sql, [*params, *filter_params]
        return super().as_sql(compiler, connection, **extra_context)

    def _shape_key(self):
        if self.filter is not None or self.default is not None:
            return None
        key = super()._shape_key()
        return None if key is None else (key, self.distinct)


class Avg(Aggregate):
    function = "AVG"
    name = "Avg"
    allow_distinct = True

    def _resolve_output_field(self):
        source = self.get_source_fields()[0]
        if source is not None and source.get_internal_type() == "DecimalField":
            return _fields().DecimalField()
        return _fields().FloatField()


class Count(Aggregate):
    function = "COUNT"
    name = "Count"
    allow_distinct = True
    empty_result_set_value = 0

    def __init__(self, expression, filter=None, **extra):
        if expression == "*":
            expression = Star()
        if isinstance(expression, Star) and filter is not None:
            raise ValueError("Star cannot be used with filter. Please specify a field.")
        super().__init__(expression, filter=filter, **extra)

    def _resolve_output_field(self):
        return _fields().IntegerField()

    def get_db_converters(self, connection):
        return [_int_or_zero]


def _int_or_zero(value, expression, connection):
    return 0 if value is None else int(value)


class Max(Aggregate):
    function = "MAX"
    name = "Max"


class Min(Aggregate):
    function = "MIN"
    name = "Min"


class Sum(Aggregate):
    function = "SUM"
    name = "Sum"
    allow_distinct = True
