"""Lookups (``field__lookup=value``) and transforms, compiled per vendor."""

from __future__ import annotations

from fastdj.core.exceptions import EmptyResultSet
from fastdj.db.models.expressions import Expression, Func, Value
from fastdj.db.models.query_utils import RegisterLookupMixin
from fastdj.db.models.sql._shapes import SlotParam, Slotted

__all__ = [
    "Contains",
    "EndsWith",
    "Exact",
    "GreaterThan",
    "GreaterThanOrEqual",
    "IContains",
    "IEndsWith",
    "IExact",
    "IRegex",
    "IStartsWith",
    "In",
    "IsNull",
    "LessThan",
    "LessThanOrEqual",
    "Lookup",
    "Range",
    "Regex",
    "StartsWith",
    "Transform",
]


def _normalize_model_value(field, value):
    """Return the column value a model instance stands for in a related filter."""
    if not hasattr(value, "_meta") or not hasattr(value, "_state"):
        return value
    target = getattr(field, "target_field", None)
    if getattr(field, "is_relation", False) and target is not None:
        attname = target.attname
    elif isinstance(value, getattr(field, "model", ())):
        attname = field.attname
    else:
        attname = value._meta.pk.attname
    result = getattr(value, attname)
    if result is None:
        raise ValueError("Model instances passed to related filters must be saved.")
    return result


class Lookup(Expression):
    """``lhs <operator> rhs``; the rhs is a bound parameter or an expression."""

    lookup_name: str | None = None
    prepare_rhs = True
    can_use_none_as_rhs = False

    def __init__(self, lhs, rhs):
        slot = None
        if type(rhs) is Slotted:
            slot, rhs = rhs.index, rhs.value
        self.lhs, self.rhs, self.slot = lhs, rhs, slot
        self.rhs = self.get_prep_lookup()
        self.lhs = self.get_prep_lhs()

    def __repr__(self):
        return f"{self.__class__.__name__}({self.lhs!r}, {self.rhs!r})"

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    @property
    def identity(self):
        return (type(self), id(self))

    def get_source_expressions(self):
        if self.rhs_is_direct_value():
            return [self.lhs]
        return [self.lhs, self.rhs]

    def set_source_expressions(self, new_exprs):
        if len(new_exprs) == 1:
            self.lhs = new_exprs[0]
        else:
            self.lhs, self.rhs = new_exprs

    def _lhs_field(self):
        return getattr(self.lhs, "output_field", None)

    def _prep(self, value):
        """Return ``value`` prepared for this lookup (validates its type)."""
        if not self.prepare_rhs or hasattr(value, "resolve_expression"):
            return value
        field = self._lhs_field()
        value = _normalize_model_value(field, value)
        if field is not None and hasattr(field, "get_prep_value"):
            target = getattr(field, "target_field", None)
            if getattr(field, "is_relation", False) and target is not None:
                return target.get_prep_value(value)
            return field.get_prep_value(value)
        return value

    def get_prep_lookup(self):
        return self._prep(self.rhs)

    def get_prep_lhs(self):
        if hasattr(self.lhs, "resolve_expression"):
            return self.lhs
        return Value(self.lhs)

    def get_db_prep_lookup(self, value, connection):
        return "%s", [value]

    def _direct_params(self, prepped, connection) -> list:
        """Return the bound parameters of a prepared direct value."""
        return list(self.get_db_prep_lookup(prepped, connection)[1])

    def params_for(self, raw, connection) -> list:
        """Return the parameters a raw value binds to (the shape cache's plan)."""
        if raw is None and not self.can_use_none_as_rhs:
            raise ValueError("Cannot use None as a query value")
        return self._direct_params(self._prep(raw), connection)

    def _emit(self, compiler, params: list, start: int = 0) -> list:
        # While recording a shape, tag each parameter with its origin slot.
        if self.slot is not None and getattr(compiler, "recording", False):
            compiler.slot_fns[self.slot] = self.params_for
            return [SlotParam(self.slot, start + i, p) for i, p in enumerate(params)]
        return params

    def process_lhs(self, compiler, connection, lhs=None):
        lhs = lhs or self.lhs
        if hasattr(lhs, "resolve_expression") and not hasattr(lhs, "as_sql"):
            lhs = lhs.resolve_expression(compiler.query)
        sql, params = compiler.compile(lhs)
        if isinstance(lhs, Lookup):
            sql = f"({sql})"
        return sql, list(params)

    def process_rhs(self, compiler, connection):
        value = self.rhs
        if hasattr(value, "as_sql"):
            sql, params = compiler.compile(value)
            if getattr(value, "subquery", False) and sql and sql[0] != "(":
                sql = f"({sql})"
            return sql, list(params)
        return "%s", self._emit(compiler, self._direct_params(value, connection))

    def rhs_is_direct_value(self) -> bool:
        return not hasattr(self.rhs, "as_sql")

    def get_group_by_cols(self):
        cols = []
        for source in self.get_source_expressions():
            cols.extend(source.get_group_by_cols())
        return cols

    @property
    def output_field(self):
        from fastdj.db.models.fields import BooleanField

        return BooleanField()

    @property
    def conditional(self):
        return True

    @property
    def contains_aggregate(self):
        return bool(
            getattr(self.lhs, "contains_aggregate", False)
            or getattr(self.rhs, "contains_aggregate", False)
        )

    @property
    def is_summary(self):
        return bool(
            getattr(self.lhs, "is_summary", False)
            or getattr(self.rhs, "is_summary", False)
        )

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        c = self.copy()
        c.lhs = self.lhs.resolve_expression(query, allow_joins, reuse, summarize)
        if hasattr(self.rhs, "resolve_expression"):
            c.rhs = self.rhs.resolve_expression(query, allow_joins, reuse, summarize)
        return c

    def relabeled_clone(self, change_map):
        c = self.copy()
        c.lhs = self.lhs.relabeled_clone(change_map)
        if hasattr(self.rhs, "relabeled_clone"):
            c.rhs = self.rhs.relabeled_clone(change_map)
        return c

    def select_format(self, compiler, sql, params):
        return sql, params

    def as_sql(self, compiler, connection):
        raise NotImplementedError


class Transform(RegisterLookupMixin, Func):
    """A one-argument function usable in a lookup chain (``date__year``)."""

    bilateral = False
    arity = 1

    @property
    def lhs(self):
        return self.get_source_expressions()[0]


class BuiltinLookup(Lookup):
    """A lookup whose operator comes from the vendor's operator table."""

    def process_lhs(self, compiler, connection, lhs=None):
        lhs_sql, params = super().process_lhs(compiler, connection, lhs)
        field = self._lhs_field()
        internal = (
            field.get_internal_type() if hasattr(field, "get_internal_type") else None
        )
        cast = connection.ops.lookup_cast(self.lookup_name, internal)
        return cast % lhs_sql, params

    def get_rhs_op(self, connection, rhs):
        return connection.operators[self.lookup_name] % rhs

    def as_sql(self, compiler, connection):
        lhs_sql, params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        params.extend(rhs_params)
        return f"{lhs_sql} {self.get_rhs_op(connection, rhs_sql)}", params


def _int_identity(field) -> bool:
    """Return True if the field binds a Python int unchanged (int(v) is v)."""
    from fastdj.db.models import fields

    cls = type(field)
    db_preps = {fields.IntegerField.get_db_prep_value}
    mixin = getattr(fields, "AutoFieldMixin", None)
    if mixin is not None:
        db_preps.add(mixin.get_db_prep_value)
    return (
        cls.get_prep_value is fields.IntegerField.get_prep_value
        and cls.get_db_prep_value in db_preps
    )


class FieldGetDbPrepValueMixin:
    """Adapt the value through the lhs field's ``get_db_prep_value``."""

    def _prep_fns(self):
        """Return the (get_prep_value, get_db_prep_value) of the target field."""
        try:
            return self.__dict__["_fns"]
        except KeyError:
            pass
        field = self.lhs.output_field
        if getattr(field, "is_relation", False) and getattr(
            field, "target_field", None
        ):
            field = field.target_field
        fns = self.__dict__["_fns"] = (
            field.get_prep_value,
            field.get_db_prep_value,
            _int_identity(field),
        )
        return fns

    def binds_ints_as_is(self) -> bool:
        """Return True if ``params_for(v)`` is ``[v]`` for every exact int ``v``.

        The shape cache then binds such a value without calling params_for().
        """
        return bool(
            type(self).params_for is FieldGetDbPrepValueMixin.params_for
            and self.prepare_rhs
            and self._prep_fns()[2]
        )

    def params_for(self, raw, connection):
        # The shape cache's hot path: one value, no model instance, no None.
        if raw is None or hasattr(raw, "_meta") or not self.prepare_rhs:
            return super().params_for(raw, connection)
        prep, db_prep, int_identity = self._prep_fns()
        if int_identity and type(raw) is int:
            return [raw]
        return [db_prep(prep(raw), connection, prepared=True)]

    def get_db_prep_lookup(self, value, connection):
        field = getattr(self.lhs.output_field, "target_field", None)
        if field is None or not getattr(self.lhs.output_field, "is_relation", False):
            field = self.lhs.output_field
        if hasattr(field, "get_db_prep_value"):
            value = field.get_db_prep_value(value, connection, prepared=True)
        return "%s", [value]


@RegisterLookupMixin.register_lookup
class Exact(FieldGetDbPrepValueMixin, BuiltinLookup):
    lookup_name = "exact"

    def process_rhs(self, compiler, connection):
        rhs = self.rhs
        if getattr(rhs, "subquery", False) and hasattr(rhs, "has_select_fields"):
            if not rhs.has_select_fields:
                rhs.clear_select_clause()
                rhs.add_fields(["pk"])
        return super().process_rhs(compiler, connection)


@RegisterLookupMixin.register_lookup
class IExact(BuiltinLookup):
    lookup_name = "iexact"
    prepare_rhs = False

    def _direct_params(self, prepped, connection):
        return [connection.ops.prep_for_iexact_query(prepped)]


class _Comparison(FieldGetDbPrepValueMixin, BuiltinLookup):
    pass


@RegisterLookupMixin.register_lookup
class GreaterThan(_Comparison):
    lookup_name = "gt"


@RegisterLookupMixin.register_lookup
class GreaterThanOrEqual(_Comparison):
    lookup_name = "gte"


@RegisterLookupMixin.register_lookup
class LessThan(_Comparison):
    lookup_name = "lt"


@RegisterLookupMixin.register_lookup
class LessThanOrEqual(_Comparison):
    lookup_name = "lte"


class PatternLookup(BuiltinLookup):
    """LIKE lookups; the value is escaped so ``%`` and ``_`` match literally."""

    param_pattern = "%%%s%%"
    prepare_rhs = False

    def get_rhs_op(self, connection, rhs):
        if self.rhs_is_direct_value():
            return super().get_rhs_op(connection, rhs)
        pattern = connection.pattern_ops[self.lookup_name]
        return pattern.format(connection.pattern_esc.format(rhs))

    def _direct_params(self, prepped, connection):
        return [self.param_pattern % connection.ops.prep_for_like_query(prepped)]


@RegisterLookupMixin.register_lookup
class Contains(PatternLookup):
    lookup_name = "contains"


@RegisterLookupMixin.register_lookup
class IContains(Contains):
    lookup_name = "icontains"


@RegisterLookupMixin.register_lookup
class StartsWith(PatternLookup):
    lookup_name = "startswith"
    param_pattern = "%s%%"


@RegisterLookupMixin.register_lookup
class IStartsWith(StartsWith):
    lookup_name = "istartswith"


@RegisterLookupMixin.register_lookup
class EndsWith(PatternLookup):
    lookup_name = "endswith"
    param_pattern = "%%%s"


@RegisterLookupMixin.register_lookup
class IEndsWith(EndsWith):
    lookup_name = "iendswith"


@RegisterLookupMixin.register_lookup
class Regex(BuiltinLookup):
    lookup_name = "regex"
    prepare_rhs = False

    def _direct_params(self, prepped, connection):
        return [str(prepped)]


@RegisterLookupMixin.register_lookup
class IRegex(Regex):
    lookup_name = "iregex"


class _IterableLookup(FieldGetDbPrepValueMixin, BuiltinLookup):
    """A lookup whose direct value is a sequence of values."""

    def _prep(self, value):
        if hasattr(value, "resolve_expression"):
            return value
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(
                f"'{self.lookup_name}' lookup expects an iterable, got "
                f"{type(value).__name__!r}."
            )
        prep = super()._prep
        return [
            v if hasattr(v, "resolve_expression") else prep(v)
            for v in value
            if v is not None
        ]

    def _direct_params(self, prepped, connection):
        params = []
        for value in prepped:
            params.extend(self.get_db_prep_lookup(value, connection)[1])
        return params

    def params_for(self, raw, connection):
        return self._direct_params(self._prep(raw), connection)


@RegisterLookupMixin.register_lookup
class In(_IterableLookup):
    def params_for(self, raw, connection):
        if isinstance(raw, (str, bytes)) or not hasattr(raw, "__iter__"):
            return super().params_for(raw, connection)
        first = next(iter(raw), None)
        if (
            first is None
            or hasattr(first, "_meta")
            or hasattr(first, "resolve_expression")
        ):
            return super().params_for(raw, connection)
        prep, db_prep, int_identity = self._prep_fns()
        if int_identity and type(first) is int:
            # Every element has the first one's type (the shape key says so).
            return list(raw)
        return [db_prep(prep(v), connection, prepared=True) for v in raw]

    lookup_name = "in"

    def get_prep_lookup(self):
        rhs = self.rhs
        if hasattr(rhs, "_prepare_as_filter_value"):
            rhs = rhs._prepare_as_filter_value()
        return self._prep(rhs)

    def process_rhs(self, compiler, connection):
        rhs = self.rhs
        if hasattr(rhs, "as_sql"):
            if getattr(rhs, "subquery", False) and hasattr(rhs, "has_select_fields"):
                if not rhs.has_select_fields:
                    rhs.clear_select_clause()
                    rhs.add_fields(["pk"])
            return super().process_rhs(compiler, connection)
        if not rhs:
            raise EmptyResultSet
        sqls, params = [], []
        for value in rhs:
            if hasattr(value, "as_sql"):
                sql, p = compiler.compile(value)
                sqls.append(sql)
                params.extend(p)
            else:
                p = self.get_db_prep_lookup(value, connection)[1]
                sqls.append("%s")
                params.extend(self._emit(compiler, p, len(params)))
        return "(" + ", ".join(sqls) + ")", params

    def get_rhs_op(self, connection, rhs):
        return f"IN {rhs}"


@RegisterLookupMixin.register_lookup
class Range(_IterableLookup):
    lookup_name = "range"

    def _prep(self, value):
        prepped = super()._prep(value)
        if not hasattr(prepped, "resolve_expression") and len(prepped) != 2:
            raise ValueError("The range lookup needs exactly two values.")
        return prepped

    def process_rhs(self, compiler, connection):
        if hasattr(self.rhs, "as_sql"):
            return super().process_rhs(compiler, connection)
        sqls, params = [], []
        for value in self.rhs:
            if hasattr(value, "as_sql"):
                sql, p = compiler.compile(value)
            else:
                sql, p = self.get_db_prep_lookup(value, connection)
                p = self._emit(compiler, p, len(params))
            sqls.append(sql)
            params.extend(p)
        return sqls, params

    def as_sql(self, compiler, connection):
        lhs_sql, params = self.process_lhs(compiler, connection)
        (low, high), rhs_params = self.process_rhs(compiler, connection)
        params.extend(rhs_params)
        return f"{lhs_sql} BETWEEN {low} AND {high}", params


@RegisterLookupMixin.register_lookup
class IsNull(BuiltinLookup):
    lookup_name = "isnull"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not isinstance(self.rhs, bool):
            raise ValueError(
                "The QuerySet value for an isnull lookup must be True or False."
            )
        sql, params = self.process_lhs(compiler, connection)
        if self.rhs:
            return f"{sql} IS NULL", params
        return f"{sql} IS NOT NULL", params
