"""SQL expressions: F, Value, Func, Case/When, Subquery, Exists, OrderBy..."""

from __future__ import annotations

import copy
import datetime
import decimal
import uuid
from functools import cached_property
from typing import Any

from fastdj.core.exceptions import FieldError
from fastdj.db.models.query_utils import Q

__all__ = [
    "Case",
    "Col",
    "DatabaseDefault",
    "CombinedExpression",
    "Exists",
    "Expression",
    "ExpressionWrapper",
    "F",
    "Func",
    "OrderBy",
    "OuterRef",
    "RawSQL",
    "Ref",
    "ResolvedOuterRef",
    "Star",
    "Subquery",
    "Value",
    "When",
]


def _fields():
    from fastdj.db.models import fields

    return fields


def _internal_type(field) -> str | None:
    if field is None:
        return None
    getter = getattr(field, "get_internal_type", None)
    return getter() if getter else None


class Combinable:
    """Arithmetic and boolean operators that build CombinedExpressions."""

    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    POW = "^"
    MOD = "%%"

    def _combine(self, other, connector, reversed_):
        if not hasattr(other, "resolve_expression"):
            other = Value(other)
        if reversed_:
            return CombinedExpression(other, connector, self)
        return CombinedExpression(self, connector, other)

    def __neg__(self):
        return self._combine(-1, self.MUL, False)

    def __add__(self, other):
        return self._combine(other, self.ADD, False)

    def __sub__(self, other):
        return self._combine(other, self.SUB, False)

    def __mul__(self, other):
        return self._combine(other, self.MUL, False)

    def __truediv__(self, other):
        return self._combine(other, self.DIV, False)

    def __mod__(self, other):
        return self._combine(other, self.MOD, False)

    def __pow__(self, other):
        return self._combine(other, self.POW, False)

    def __radd__(self, other):
        return self._combine(other, self.ADD, True)

    def __rsub__(self, other):
        return self._combine(other, self.SUB, True)

    def __rmul__(self, other):
        return self._combine(other, self.MUL, True)

    def __rtruediv__(self, other):
        return self._combine(other, self.DIV, True)

    def __and__(self, other):
        if getattr(self, "conditional", False) and getattr(other, "conditional", False):
            return Q(self) & Q(other)
        raise NotImplementedError("Use .bitand() for bitwise logical operations.")

    def __or__(self, other):
        if getattr(self, "conditional", False) and getattr(other, "conditional", False):
            return Q(self) | Q(other)
        raise NotImplementedError("Use .bitor() for bitwise logical operations.")

    def __invert__(self):
        return NegatedExpression(self)


class BaseExpression:
    """Base of every compiled SQL expression."""

    is_summary = False
    filterable = True
    window_compatible = False
    contains_over_clause = False
    allowed_default = False
    _output_field_resolved_to_none = False

    def __init__(self, output_field=None):
        if output_field is not None:
            self.output_field = output_field

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("convert_value", None)
        return state

    def get_source_expressions(self) -> list:
        return []

    def set_source_expressions(self, exprs) -> None:
        assert not exprs

    def _parse_expressions(self, *expressions):
        return [
            arg
            if hasattr(arg, "resolve_expression")
            else (F(arg) if isinstance(arg, str) else Value(arg))
            for arg in expressions
        ]

    def as_sql(self, compiler, connection):
        raise NotImplementedError("Subclasses must implement as_sql()")

    @property
    def contains_aggregate(self) -> bool:
        return any(
            expr is not None and expr.contains_aggregate
            for expr in self.get_source_expressions()
        )

    @property
    def contains_outer_reference(self) -> bool:
        return any(
            expr is not None and getattr(expr, "contains_outer_reference", False)
            for expr in self.get_source_expressions()
        )

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        """Return a copy with every source expression resolved against ``query``."""
        c = self.copy()
        c.is_summary = summarize
        c.set_source_expressions(
            [
                expr.resolve_expression(query, allow_joins, reuse, summarize)
                if expr is not None
                else None
                for expr in c.get_source_expressions()
            ]
        )
        return c

    @property
    def conditional(self) -> bool:
        return _internal_type(self._output_field_or_none) == "BooleanField"

    @property
    def field(self):
        return self.output_field

    @cached_property
    def output_field(self):
        output_field = self._resolve_output_field()
        if output_field is None:
            self._output_field_resolved_to_none = True
            raise FieldError("Cannot resolve expression type, unknown output_field")
        return output_field

    @property
    def _output_field_or_none(self):
        try:
            return self.output_field
        except FieldError:
            if not self._output_field_resolved_to_none:
                raise
            return None

    def _resolve_output_field(self):
        sources = [s for s in self.get_source_fields() if s is not None]
        if not sources:
            return None
        first = sources[0]
        for other in sources[1:]:
            if type(other) is not type(first):
                raise FieldError(
                    f"Expression contains mixed types: {type(first).__name__}, "
                    f"{type(other).__name__}. You must set "
                    "output_field."
                )
        return first

    def get_source_fields(self):
        return [
            e._output_field_or_none
            for e in self.get_source_expressions()
            if e is not None
        ]

    def get_db_converters(self, connection) -> list:
        """Return the field converters (backend ones are added by the compiler)."""
        field = self._output_field_or_none
        if field is None or not hasattr(field, "get_db_converters"):
            return []
        return field.get_db_converters(connection)

    def get_lookup(self, lookup):
        return self.output_field.get_lookup(lookup)

    def get_transform(self, name):
        return self.output_field.get_transform(name)

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.set_source_expressions(
            [
                e.relabeled_clone(change_map) if e is not None else None
                for e in self.get_source_expressions()
            ]
        )
        return clone

    def replace_expressions(self, replacements):
        if replacement := replacements.get(self):
            return replacement
        clone = self.copy()
        clone.set_source_expressions(
            [
                e.replace_expressions(replacements) if e is not None else None
                for e in self.get_source_expressions()
            ]
        )
        return clone

    def copy(self):
        return copy.copy(self)

    def get_group_by_cols(self) -> list:
        if not self.contains_aggregate:
            return [self]
        cols = []
        for source in self.get_source_expressions():
            cols.extend(source.get_group_by_cols())
        return cols

    def asc(self, **kwargs):
        return OrderBy(self, **kwargs)

    def desc(self, **kwargs):
        return OrderBy(self, descending=True, **kwargs)

    def flatten(self):
        yield self
        for expr in self.get_source_expressions():
            if expr is not None:
                if hasattr(expr, "flatten"):
                    yield from expr.flatten()
                else:
                    yield expr

    def select_format(self, compiler, sql, params):
        if hasattr(self.output_field, "select_format"):
            return self.output_field.select_format(compiler, sql, params)
        return sql, params

    def _shape_key(self):
        """Return a hashable key of this expression's SQL shape, or None.

        None means "not cacheable": the query is compiled every time.
        """
        return None


class Expression(BaseExpression, Combinable):
    """An expression that can be combined with others."""

    def __eq__(self, other):
        if not isinstance(other, Expression) or type(self) is not type(other):
            return NotImplemented
        return self.identity == other.identity

    def __hash__(self):
        return hash(self.identity)

    @property
    def identity(self):
        items = []
        for key, value in sorted(self.__dict__.items()):
            if key in ("output_field", "convert_value"):
                continue
            if isinstance(value, list):
                value = tuple(value)
            elif isinstance(value, dict):
                value = tuple(sorted(value.items()))
            try:
                hash(value)
            except TypeError:
                value = id(value)
            items.append((key, value))
        out = self.__dict__.get("output_field")
        items.append(("_of", type(out) if out is not None else None))
        return (type(self), tuple(items))


class NegatedExpression(Expression):
    """NOT of a conditional expression."""

    def __init__(self, expression):
        super().__init__(output_field=_fields().BooleanField())
        self.expression = expression

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def __invert__(self):
        return self.expression.copy()

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        return f"NOT {sql}", params

    def _shape_key(self):
        inner = self.expression._shape_key()
        return None if inner is None else ("NOT", inner)


class F(Combinable):
    """A reference to a model field or annotation by name."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return f"{self.__class__.__name__}({self.name})"

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        return query.resolve_ref(self.name, allow_joins, reuse, summarize)

    def replace_expressions(self, replacements):
        return replacements.get(self, self)

    def asc(self, **kwargs):
        return OrderBy(self, **kwargs)

    def desc(self, **kwargs):
        return OrderBy(self, descending=True, **kwargs)

    def __eq__(self, other):
        return self.__class__ == other.__class__ and self.name == other.name

    def __hash__(self):
        return hash((self.__class__, self.name))

    def copy(self):
        return copy.copy(self)

    def _shape_key(self):
        return (self.__class__, self.name)


class ResolvedOuterRef(F):
    """An outer reference resolved inside a subquery, awaiting the outer query."""

    contains_aggregate = False
    contains_over_clause = False
    contains_outer_reference = True

    def as_sql(self, *args, **kwargs):
        raise ValueError(
            "This queryset contains a reference to an outer query and may "
            "only be used in a subquery."
        )

    def resolve_expression(self, *args, **kwargs):
        col = super().resolve_expression(*args, **kwargs)
        if getattr(col, "contains_over_clause", False):
            raise FieldError(
                "Referencing outer query window expression is not supported."
            )
        col.possibly_multivalued = False
        return col

    def relabeled_clone(self, change_map):
        return self

    def get_group_by_cols(self):
        return []

    def get_source_expressions(self):
        return []


class OuterRef(F):
    """A reference to a field of the query enclosing a Subquery."""

    contains_aggregate = False
    contains_over_clause = False

    def resolve_expression(self, *args, **kwargs):
        if isinstance(self.name, self.__class__):
            return self.name
        return ResolvedOuterRef(self.name)

    def relabeled_clone(self, change_map):
        return self


class Func(Expression):
    """An SQL function call: ``function(arg, arg, ...)``."""

    function: str | None = None
    template = "%(function)s(%(expressions)s)"
    arg_joiner = ", "
    arity: int | None = None

    def __init__(self, *expressions, output_field=None, **extra):
        if self.arity is not None and len(expressions) != self.arity:
            raise TypeError(
                "'{}' takes exactly {} argument{} ({} given)".format(
                    self.__class__.__name__,
                    self.arity,
                    "" if self.arity == 1 else "s",
                    len(expressions),
                )
            )
        super().__init__(output_field=output_field)
        self.source_expressions = self._parse_expressions(*expressions)
        self.extra = extra

    def __repr__(self):
        args = self.arg_joiner.join(str(arg) for arg in self.source_expressions)
        return f"{self.__class__.__name__}({args})"

    def get_source_expressions(self):
        return self.source_expressions

    def set_source_expressions(self, exprs):
        self.source_expressions = list(exprs)

    def as_sql(
        self,
        compiler,
        connection,
        function=None,
        template=None,
        arg_joiner=None,
        **extra_context,
    ):
        sql_parts = []
        params: list = []
        for arg in self.source_expressions:
            arg_sql, arg_params = compiler.compile(arg)
            sql_parts.append(arg_sql)
            params.extend(arg_params)
        data = {**self.extra, **extra_context}
        if function is not None:
            data["function"] = function
        else:
            data.setdefault("function", self.function)
        template = template or data.get("template", self.template)
        arg_joiner = arg_joiner or data.get("arg_joiner", self.arg_joiner)
        data["expressions"] = data["field"] = arg_joiner.join(sql_parts)
        return template % data, params

    def copy(self):
        copy_ = super().copy()
        copy_.source_expressions = self.source_expressions[:]
        copy_.extra = self.extra.copy()
        return copy_

    def _shape_key(self):
        parts = []
        for expr in self.source_expressions:
            key = expr._shape_key()
            if key is None:
                return None
            parts.append(key)
        try:
            extra = tuple(sorted(self.extra.items()))
            hash(extra)
        except TypeError:
            return None
        out = self.__dict__.get("output_field")
        return (type(self), tuple(parts), extra, type(out) if out else None)


_VALUE_FIELDS = {
    str: "CharField",
    bool: "BooleanField",
    int: "IntegerField",
    float: "FloatField",
    decimal.Decimal: "DecimalField",
    datetime.datetime: "DateTimeField",
    datetime.date: "DateField",
    datetime.time: "TimeField",
    datetime.timedelta: "DurationField",
    bytes: "BinaryField",
    uuid.UUID: "UUIDField",
}


class Value(Expression):
    """A literal value, always sent to the database as a bound parameter."""

    for_save = False

    def __init__(self, value: Any, output_field=None):
        super().__init__(output_field=output_field)
        self.value = value

    def __repr__(self):
        return f"{self.__class__.__name__}({self.value!r})"

    def as_sql(self, compiler, connection):
        val = self.value
        output_field = self._output_field_or_none
        if output_field is not None:
            if self.for_save:
                val = output_field.get_db_prep_save(val, connection=connection)
            else:
                val = output_field.get_db_prep_value(val, connection=connection)
        if val is None:
            return "NULL", []
        return "%s", [val]

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        c = super().resolve_expression(query, allow_joins, reuse, summarize, for_save)
        c.for_save = for_save
        return c

    def get_group_by_cols(self):
        return []

    def _resolve_output_field(self):
        name = _VALUE_FIELDS.get(type(self.value))
        if name is None:
            return None
        cls = getattr(_fields(), name)
        if name == "CharField":
            return cls(max_length=None) if _accepts_max_length() else cls()
        return cls()

    @property
    def empty_result_set_value(self):
        return self.value

    def _shape_key(self):
        out = self.__dict__.get("output_field")
        key = (Value, type(self.value), self.value, type(out) if out else None)
        try:
            hash(key)
        except TypeError:
            return None
        return key


def _accepts_max_length():
    return True


class RawSQL(Expression):
    """Raw SQL with its own params (the caller is responsible for its safety)."""

    def __init__(self, sql, params, output_field=None):
        if output_field is None:
            output_field = _fields().Field()
        self.sql, self.params = sql, params
        super().__init__(output_field=output_field)

    def as_sql(self, compiler, connection):
        return f"({self.sql})", list(self.params)

    def get_group_by_cols(self):
        return [self]


class Star(Expression):
    """``*`` as in COUNT(*)."""

    def as_sql(self, compiler, connection):
        return "*", []

    def _resolve_output_field(self):
        return None

    def _shape_key(self):
        return (Star,)


class Col(Expression):
    """A column of a table alias."""

    contains_column_references = True
    possibly_multivalued = False

    def __init__(self, alias, target, output_field=None):
        if output_field is None:
            output_field = target
        super().__init__(output_field=output_field)
        self.alias, self.target = alias, target

    def __repr__(self):
        return "{}({}, {}.{})".format(
            self.__class__.__name__,
            self.alias,
            getattr(self.target.model, "__name__", "?"),
            self.target.name,
        )

    @property
    def identity(self):
        return (Col, self.alias, self.target)

    def as_sql(self, compiler, connection):
        qn = compiler.quote_name_unless_alias
        if self.alias is None:
            return qn(self.target.column), []
        return f"{qn(self.alias)}.{qn(self.target.column)}", []

    def relabeled_clone(self, change_map):
        if self.alias is None:
            return self
        return self.__class__(
            change_map.get(self.alias, self.alias), self.target, self.output_field
        )

    def get_group_by_cols(self):
        return [self]

    def get_db_converters(self, connection):
        if self.target == self.output_field:
            return self.output_field.get_db_converters(connection)
        return self.output_field.get_db_converters(
            connection
        ) + self.target.get_db_converters(connection)


class DatabaseDefault(Expression):
    """The column's database default, used as an INSERT value."""

    def __init__(self, expression, output_field=None):
        super().__init__(output_field)
        self.expression = expression

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def as_sql(self, compiler, connection):
        return "DEFAULT", []


class Ref(Expression):
    """A reference to a selected annotation by its alias."""

    def __init__(self, refs, source):
        super().__init__()
        self.refs, self.source = refs, source

    def __repr__(self):
        return f"{self.__class__.__name__}({self.refs}, {self.source})"

    def get_source_expressions(self):
        return [self.source]

    def set_source_expressions(self, exprs):
        (self.source,) = exprs

    def resolve_expression(self, *args, **kwargs):
        return self

    def relabeled_clone(self, change_map):
        return self

    def as_sql(self, compiler, connection):
        return connection.ops.quote_name(self.refs), []

    def get_group_by_cols(self):
        return [self]

    def _resolve_output_field(self):
        return self.source._output_field_or_none


class ExpressionWrapper(Expression):
    """Give an expression an explicit output_field."""

    def __init__(self, expression, output_field):
        super().__init__(output_field=output_field)
        self.expression = expression

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def get_group_by_cols(self):
        if isinstance(self.expression, Expression):
            expression = self.expression.copy()
            expression.output_field = self.output_field
            return expression.get_group_by_cols()
        return super().get_group_by_cols()

    def as_sql(self, compiler, connection):
        return compiler.compile(self.expression)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.expression})"

    def _shape_key(self):
        inner = self.expression._shape_key()
        if inner is None:
            return None
        return (ExpressionWrapper, inner, type(self.output_field))


_NUMERIC = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
}


class CombinedExpression(Expression):
    """``lhs <connector> rhs``."""

    def __init__(self, lhs, connector, rhs, output_field=None):
        super().__init__(output_field=output_field)
        self.connector, self.lhs, self.rhs = connector, lhs, rhs

    def __repr__(self):
        return f"<{self.__class__.__name__}: {self}>"

    def __str__(self):
        return f"{self.lhs} {self.connector} {self.rhs}"

    def get_source_expressions(self):
        return [self.lhs, self.rhs]

    def set_source_expressions(self, exprs):
        self.lhs, self.rhs = exprs

    def _resolve_output_field(self):
        lhs = self.lhs._output_field_or_none
        rhs = self.rhs._output_field_or_none
        if lhs is None:
            return rhs
        if rhs is None:
            return lhs
        lt, rt = _internal_type(lhs), _internal_type(rhs)
        if lt == rt:
            return lhs
        fields = _fields()
        kinds = {lt, rt}
        if kinds <= _NUMERIC:
            return fields.IntegerField()
        if kinds <= _NUMERIC | {"FloatField"}:
            return fields.FloatField()
        if kinds <= _NUMERIC | {"DecimalField"}:
            return fields.DecimalField()
        if kinds <= _NUMERIC | {"FloatField", "DecimalField"}:
            return fields.FloatField()
        raise FieldError(
            f"Cannot infer type of {self.connector!r} expression involving these "
            f"types: {type(lhs).__name__}, {type(rhs).__name__}. You must set "
            "output_field."
        )

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        rhs_sql, rhs_params = compiler.compile(self.rhs)
        connector = self.connector
        if connector == Combinable.POW:
            sql = f"POWER({lhs_sql}, {rhs_sql})"
        elif connector == Combinable.MOD:
            sql = f"MOD({lhs_sql}, {rhs_sql})"
        elif (
            connector == Combinable.DIV
            and connection.vendor == "sqlite"
            and _internal_type(self._output_field_or_none) == "DecimalField"
        ):
            sql = f"(CAST({lhs_sql} AS REAL) / {rhs_sql})"
        else:
            sql = f"({lhs_sql} {connector} {rhs_sql})"
        return sql, [*lhs_params, *rhs_params]

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        c = self.copy()
        c.is_summary = summarize
        c.lhs = self.lhs.resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        c.rhs = self.rhs.resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        return c

    def _shape_key(self):
        lk = self.lhs._shape_key()
        rk = self.rhs._shape_key()
        if lk is None or rk is None:
            return None
        out = self.__dict__.get("output_field")
        return (CombinedExpression, self.connector, lk, rk, type(out) if out else None)


class When(Expression):
    """``WHEN condition THEN result`` inside a Case."""

    template = "WHEN %(condition)s THEN %(result)s"

    def __init__(self, condition=None, then=None, **lookups):
        if lookups:
            if condition is None:
                condition, lookups = Q(**lookups), None
            elif getattr(condition, "conditional", False):
                condition, lookups = Q(condition, **lookups), None
        if condition is None or not getattr(condition, "conditional", False) or lookups:
            raise TypeError(
                "When() supports a Q object, a boolean expression, or lookups "
                "as a condition."
            )
        if isinstance(condition, Q) and not condition:
            raise ValueError("An empty Q() can't be used as a When() condition.")
        super().__init__(output_field=None)
        self.condition = condition
        self.result = self._parse_expressions(then)[0]

    def __str__(self):
        return f"WHEN {self.condition!r} THEN {self.result!r}"

    def get_source_expressions(self):
        return [self.condition, self.result]

    def set_source_expressions(self, exprs):
        self.condition, self.result = exprs

    def get_source_fields(self):
        return [self.result._output_field_or_none]

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        c = self.copy()
        c.is_summary = summarize
        if hasattr(c.condition, "resolve_expression"):
            c.condition = c.condition.resolve_expression(
                query, allow_joins, reuse, summarize, False
            )
        c.result = c.result.resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        return c

    def as_sql(self, compiler, connection):
        cond_sql, cond_params = compiler.compile(self.condition)
        res_sql, res_params = compiler.compile(self.result)
        return self.template % {"condition": cond_sql, "result": res_sql}, [
            *cond_params,
            *res_params,
        ]

    def get_group_by_cols(self):
        cols = []
        for source in self.get_source_expressions():
            cols.extend(source.get_group_by_cols())
        return cols


class Case(Expression):
    """``CASE WHEN ... THEN ... ELSE default END``."""

    template = "CASE %(cases)s ELSE %(default)s END"
    case_joiner = " "

    def __init__(self, *cases, default=None, output_field=None, **extra):
        if not all(isinstance(case, When) for case in cases):
            raise TypeError("Positional arguments must all be When objects.")
        super().__init__(output_field)
        self.cases = list(cases)
        self.default = self._parse_expressions(default)[0]
        self.extra = extra

    def __str__(self):
        return "CASE {}, ELSE {!r}".format(
            ", ".join(str(c) for c in self.cases),
            self.default,
        )

    def get_source_expressions(self):
        return [*self.cases, self.default]

    def set_source_expressions(self, exprs):
        *self.cases, self.default = exprs

    def copy(self):
        c = super().copy()
        c.cases = c.cases[:]
        return c

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        c = self.copy()
        c.is_summary = summarize
        c.cases = [
            case.resolve_expression(query, allow_joins, reuse, summarize, for_save)
            for case in c.cases
        ]
        c.default = c.default.resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        return c

    def get_source_fields(self):
        fields = [case._output_field_or_none for case in self.cases]
        fields.append(self.default._output_field_or_none)
        return [f for f in fields if f is not None]

    def as_sql(self, compiler, connection):
        from fastdj.core.exceptions import EmptyResultSet, FullResultSet

        if not self.cases:
            return compiler.compile(self.default)
        case_parts = []
        params: list = []
        default_sql, default_params = compiler.compile(self.default)
        for case in self.cases:
            try:
                case_sql, case_params = compiler.compile(case)
            except EmptyResultSet:
                continue
            except FullResultSet:
                default_sql, default_params = compiler.compile(case.result)
                break
            case_parts.append(case_sql)
            params.extend(case_params)
        if not case_parts:
            return default_sql, default_params
        sql = self.template % {
            "cases": self.case_joiner.join(case_parts),
            "default": default_sql,
        }
        return sql, [*params, *default_params]

    def get_group_by_cols(self):
        if not self.cases:
            return self.default.get_group_by_cols()
        return super().get_group_by_cols()


class Subquery(BaseExpression, Combinable):
    """A query used as an expression: ``(SELECT ...)``."""

    template = "(%(subquery)s)"
    contains_aggregate = False
    empty_result_set_value = None
    subquery = True

    def __init__(self, queryset, output_field=None, **extra):
        self.query = getattr(queryset, "query", queryset).clone()
        self.query.subquery = True
        self.extra = extra
        super().__init__(output_field)

    def get_source_expressions(self):
        return [self.query]

    def set_source_expressions(self, exprs):
        self.query = exprs[0]

    def _resolve_output_field(self):
        return self.query.output_field

    def copy(self):
        clone = super().copy()
        clone.query = clone.query.clone()
        return clone

    @property
    def external_aliases(self):
        return self.query.external_aliases

    def get_external_cols(self):
        return self.query.get_external_cols()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        template_params = {**self.extra, **extra_context}
        subquery_sql, sql_params = self.query.as_sql(compiler, connection)
        template_params["subquery"] = subquery_sql[1:-1]
        template = template or template_params.get("template", self.template)
        return template % template_params, list(sql_params)

    def get_group_by_cols(self):
        return self.query.get_group_by_cols(wrapper=self)

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)


class Exists(Subquery):
    """``EXISTS(subquery)``."""

    template = "EXISTS(%(subquery)s)"
    empty_result_set_value = False

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, **kwargs)
        self.query = self.query.exists()

    def _resolve_output_field(self):
        return _fields().BooleanField()

    @property
    def conditional(self):
        return True

    def select_format(self, compiler, sql, params):
        return sql, params


class OrderBy(Expression):
    """An expression with a sort direction for ORDER BY."""

    template = "%(expression)s %(ordering)s"
    conditional = False

    def __init__(self, expression, descending=False, nulls_first=None, nulls_last=None):
        if nulls_first and nulls_last:
            raise ValueError("nulls_first and nulls_last are mutually exclusive")
        if nulls_first is False or nulls_last is False:
            raise ValueError("nulls_first and nulls_last values must be True or None.")
        self.nulls_first = nulls_first
        self.nulls_last = nulls_last
        self.descending = descending
        if not hasattr(expression, "resolve_expression"):
            raise ValueError("expression must be an expression type")
        self.expression = expression
        super().__init__()

    def __repr__(self):
        name = self.__class__.__name__
        return f"{name}({self.expression}, descending={self.descending})"

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def resolve_expression(self, *args, **kwargs):
        c = self.copy()
        c.expression = self.expression.resolve_expression(*args, **kwargs)
        return c

    def as_sql(self, compiler, connection, template=None, **extra_context):
        template = template or self.template
        if self.nulls_last:
            template = f"{template} NULLS LAST"
        elif self.nulls_first:
            template = f"{template} NULLS FIRST"
        expression_sql, params = compiler.compile(self.expression)
        placeholders = {
            "expression": expression_sql,
            "ordering": "DESC" if self.descending else "ASC",
            **extra_context,
        }
        return (template % placeholders).rstrip(), list(params)

    def get_group_by_cols(self):
        cols = []
        for source in self.get_source_expressions():
            cols.extend(source.get_group_by_cols())
        return cols

    def reverse_ordering(self):
        self.descending = not self.descending
        if self.nulls_first:
            self.nulls_last, self.nulls_first = True, None
        elif self.nulls_last:
            self.nulls_first, self.nulls_last = True, None
        return self

    def asc(self):
        self.descending = False

    def desc(self):
        self.descending = True

    def _shape_key(self):
        inner = self.expression._shape_key()
        if inner is None:
            return None
        return (OrderBy, inner, self.descending, self.nulls_first, self.nulls_last)
