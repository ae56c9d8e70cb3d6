"""SQL compilers: turn a Query into ``(sql, params)`` for one connection."""

from __future__ import annotations

from itertools import chain

from fastdj.core.exceptions import EmptyResultSet, FieldError, FullResultSet
from fastdj.db.models.expressions import Expression, OrderBy, Ref, Value
from fastdj.db.models.query_utils import select_related_descend
from fastdj.db.models.sql.constants import (
    CURSOR,
    GET_ITERATOR_CHUNK_SIZE,
    MULTI,
    NO_RESULTS,
    ORDER_DIR,
    ROW_COUNT,
    SINGLE,
)
from fastdj.db.models.sql.datastructures import BaseTable
from fastdj.db.models.sql.query import LOOKUP_SEP

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
    "cursor_iter",
]


def get_order_dir(field, default="ASC"):
    """Return (name, "ASC"|"DESC") for an ordering string like ``-name``."""
    dirn = ORDER_DIR[default]
    if field[0] == "-":
        return field[1:], dirn[1]
    return field, dirn[0]


class _Position(Expression):
    """ORDER BY <n>: a column position in a compound (UNION) query."""

    def __init__(self, position):
        super().__init__()
        self.position = position

    def as_sql(self, compiler, connection):
        return str(int(self.position)), []

    def _resolve_output_field(self):
        return None


class _Random(Expression):
    def as_sql(self, compiler, connection):
        return "RANDOM()", []

    def _resolve_output_field(self):
        return None


def _limit_offset_sql(connection, low, high) -> str:
    parts = []
    if high is not None:
        parts.append(f"LIMIT {int(high - low)}")
    elif low and connection.vendor == "sqlite":
        parts.append("LIMIT -1")
    if low:
        parts.append(f"OFFSET {int(low)}")
    return " ".join(parts)


class SQLCompiler:
    """Compile a SELECT Query."""

    def __init__(self, query, connection, using, elide_empty=True):
        self.query = query
        self.connection = connection
        self.using = using
        self.elide_empty = elide_empty
        self.quote_cache = {"*": "*"}
        self.select = None
        self.annotation_col_map = None
        self.klass_info = None
        self._meta_ordering = None
        self.col_count = None
        self.has_extra_select = False
        self.where = self.having = None
        # Shape-cache recording: lookups bound to a value slot emit SlotParams.
        self.recording = False
        self.slot_fns: dict = {}
        self.tz_dependent = None
        self._precompiled = None
        self._converters = None

    def __repr__(self):
        return (
            f"<{self.__class__.__qualname__} model={self.query.model.__qualname__} "
            f"connection={self.connection!r} using={self.using!r}>"
        )

    # -- set-up --------------------------------------------------------------

    def setup_query(self, with_col_aliases=False):
        self.query.get_initial_alias()
        self.select, self.klass_info, self.annotation_col_map = self.get_select(
            with_col_aliases
        )
        self.col_count = len(self.select)

    def pre_sql_setup(self, with_col_aliases=False):
        self.setup_query(with_col_aliases)
        order_by = self.get_order_by()
        self.where, self.having = self.query.where.split_having_qualify()
        extra_select = self.get_extra_select(order_by, self.select)
        self.has_extra_select = bool(extra_select)
        group_by = self.get_group_by(self.select + extra_select, order_by)
        return extra_select, order_by, group_by

    def quote_name_unless_alias(self, name):
        """Quote a table name; leave generated aliases (T3, U0) bare."""
        cached = self.quote_cache.get(name)
        if cached is not None:
            return cached
        q = self.query
        if (
            name in q.alias_map and name not in q.table_map
        ) or name in q.external_aliases:
            self.quote_cache[name] = name
            return name
        r = self.connection.ops.quote_name(name)
        self.quote_cache[name] = r
        return r

    def compile(self, node):
        vendor_impl = getattr(node, "as_" + self.connection.vendor, None)
        if vendor_impl:
            return vendor_impl(self, self.connection)
        return node.as_sql(self, self.connection)

    # -- SELECT list -----------------------------------------------------------

    def get_select(self, with_col_aliases=False):
        query = self.query
        select = []
        klass_info = None
        annotations = {}
        if query.selected is not None:
            by_name = dict(zip(query.values_select, query.select, strict=False))
            for name in query.selected:
                if name in query.annotation_select:
                    annotations[name] = len(select)
                    select.append((query.annotation_select[name], name))
                elif name in by_name:
                    select.append((by_name[name], None))
        else:
            for col in query.select:
                select.append((col, None))
            if query.default_cols:
                cols = self.get_default_columns(query.get_select_mask())
                if cols:
                    klass_info = {
                        "model": query.model,
                        "select_fields": list(
                            range(len(select), len(select) + len(cols))
                        ),
                    }
                select.extend((col, None) for col in cols)
            for alias, annotation in query.annotation_select.items():
                annotations[alias] = len(select)
                select.append((annotation, alias))
            if query.select_related and klass_info is not None:
                klass_info["related_klass_infos"] = self.get_related_selections(select)
        ret = []
        col_idx = 1
        for col, alias in select:
            try:
                sql, params = self.compile(col)
            except EmptyResultSet:
                empty = getattr(col, "empty_result_set_value", NotImplemented)
                if empty is NotImplemented:
                    sql, params = "NULL", []
                else:
                    sql, params = self.compile(Value(empty))
            except FullResultSet:
                sql, params = self.compile(Value(True))
            else:
                sql, params = col.select_format(self, sql, params)
            if alias is None and with_col_aliases:
                alias = f"col{col_idx}"
                col_idx += 1
            ret.append((col, (sql, params), alias))
        return ret, klass_info, annotations

    def get_default_columns(self, select_mask, start_alias=None, opts=None):
        opts = opts or self.query.get_meta()
        start_alias = start_alias or self.query.base_table
        result = []
        for field in opts.concrete_fields:
            if select_mask is not None and field not in select_mask:
                continue
            result.append(field.get_col(start_alias))
        return result

    def get_related_selections(
        self, select, opts=None, root_alias=None, cur_depth=1, requested=None
    ):
        query = self.query
        if requested is None:
            requested = query.select_related
        restricted = isinstance(requested, dict)
        if not restricted and cur_depth > query.max_depth:
            return []
        opts = opts or query.get_meta()
        root_alias = root_alias or query.base_table
        related = []
        if restricted:
            self._check_select_related_names(opts, requested)
        for f in opts.fields:
            if not (f.is_relation and (f.many_to_one or f.one_to_one)):
                continue
            if not select_related_descend(f, restricted, requested):
                continue
            nxt = requested.get(f.name, {}) if restricted else True
            join_info = query.setup_joins([f.name], opts, root_alias)
            alias = join_info.joins[-1]
            if f.null:
                query.promote_joins([alias])
            model = f.remote_field.model
            columns = self.get_default_columns(None, alias, model._meta)
            info = {
                "model": model,
                "field": f,
                "reverse": False,
                "local_setter": f.set_cached_value,
                "remote_setter": (
                    f.remote_field.set_cached_value if f.unique else _no_setter
                ),
                "select_fields": list(range(len(select), len(select) + len(columns))),
            }
            select.extend((col, None) for col in columns)
            info["related_klass_infos"] = self.get_related_selections(
                select, model._meta, alias, cur_depth + 1, nxt
            )
            related.append(info)
        if restricted:
            related.extend(
                self._reverse_one_to_one_selections(
                    select, opts, root_alias, cur_depth, requested
                )
            )
        return related

    def _reverse_one_to_one_selections(
        self, select, opts, root_alias, cur_depth, requested
    ):
        """Follow the reverse one-to-one relations named in ``requested``."""
        related = []
        for rel in _reverse_unique_relations(opts):
            name = rel.field.related_query_name()
            if name not in requested:
                continue
            join_info = self.query.setup_joins([name], opts, root_alias)
            alias = join_info.joins[-1]
            # The related row may not exist: the join must keep the parent.
            self.query.promote_joins([alias])
            model = rel.related_model
            columns = self.get_default_columns(None, alias, model._meta)
            info = {
                "model": model,
                "field": rel.field,
                "reverse": True,
                "local_setter": rel.set_cached_value,
                "remote_setter": rel.field.set_cached_value,
                "select_fields": list(range(len(select), len(select) + len(columns))),
            }
            select.extend((col, None) for col in columns)
            info["related_klass_infos"] = self.get_related_selections(
                select, model._meta, alias, cur_depth + 1, requested.get(name, {})
            )
            related.append(info)
        return related

    @staticmethod
    def _check_select_related_names(opts, requested):
        choices = [
            f.name
            for f in opts.fields
            if f.is_relation and (f.many_to_one or f.one_to_one)
        ]
        reverse = {
            rel.field.related_query_name() for rel in _reverse_unique_relations(opts)
        }
        choices.extend(sorted(reverse))
        invalid = []
        non_rel = []
        for name in requested:
            try:
                field = opts.get_field(name)
            except Exception:  # noqa: BLE001 - any lookup failure is "invalid"
                invalid.append(name)
                continue
            if not getattr(field, "is_relation", False):
                non_rel.append(name)
            elif name not in choices and name not in reverse:
                invalid.append(name)
        if non_rel:
            raise FieldError(
                "Non-relational field given in select_related: '{}'. Choices are: "
                "{}".format(non_rel[0], ", ".join(choices) or "(none)")
            )
        if invalid:
            raise FieldError(
                "Invalid field name(s) given in select_related: {}. Choices are: "
                "{}".format(
                    ", ".join(f"'{n}'" for n in invalid),
                    ", ".join(choices) or "(none)",
                )
            )

    # -- ORDER BY ----------------------------------------------------------

    def _order_by_pairs(self):
        query = self.query
        if not query.default_ordering:
            ordering = query.order_by
        elif query.order_by:
            ordering = query.order_by
        elif (meta := query.get_meta()) and meta.ordering:
            ordering = meta.ordering
            self._meta_ordering = ordering
        else:
            ordering = ()
        default_order = "ASC" if query.standard_ordering else "DESC"
        for field in ordering:
            if hasattr(field, "resolve_expression"):
                if not isinstance(field, OrderBy):
                    field = field.asc()
                if not query.standard_ordering:
                    field = field.copy()
                    field.reverse_ordering()
                yield field, False
                continue
            if field == "?":
                yield OrderBy(_Random()), False
                continue
            col, order = get_order_dir(field, default_order)
            descending = order == "DESC"
            if col in query.annotation_select:
                yield (
                    OrderBy(
                        Ref(col, query.annotation_select[col]), descending=descending
                    ),
                    True,
                )
                continue
            if col in query.annotations:
                yield OrderBy(query.annotations[col], descending=descending), False
                continue
            yield from self.find_ordering_name(
                field, query.get_meta(), default_order=default_order
            )

    def get_order_by(self):
        """Return [(OrderBy, (sql, params, is_ref)), ...] without duplicates."""
        result = []
        seen = set()
        query = self.query
        for expr, is_ref in self._order_by_pairs():
            if query.combinator and self.select is not None:
                expr = self._combinator_order(expr)
                is_ref = True
            elif not is_ref:
                expr = expr.resolve_expression(query, allow_joins=True, reuse=None)
            sql, params = self.compile(expr)
            without = sql.rsplit(" ", 1)[0] if sql.endswith((" ASC", " DESC")) else sql
            key = (without, tuple(_hashable(p) for p in params))
            if key in seen:
                continue
            seen.add(key)
            result.append((expr, (sql, params, is_ref)))
        return result

    def _combinator_order(self, expr):
        src = expr.expression
        src_target = getattr(src, "target", None)
        src_name = getattr(src, "refs", None) or getattr(src, "name", None)
        for pos, (col, _, alias) in enumerate(self.select, start=1):
            target = getattr(col, "target", None)
            if src_target is not None and target is not None:
                matched = target is src_target or target.column == src_target.column
            else:
                matched = src_name is not None and (
                    alias == src_name
                    or (
                        target is not None and src_name in (target.name, target.attname)
                    )
                )
            if matched:
                return OrderBy(
                    _Position(pos), expr.descending, expr.nulls_first, expr.nulls_last
                )
        raise FieldError("ORDER BY term does not match any column in the result set.")

    def find_ordering_name(
        self, name, opts, alias=None, default_order="ASC", already_seen=None
    ):
        """Return the OrderBy pairs of a field name (following Meta.ordering)."""
        name, order = get_order_dir(name, default_order)
        descending = order == "DESC"
        pieces = name.split(LOOKUP_SEP)
        query = self.query
        alias = alias or query.get_initial_alias()
        join_info = query.setup_joins(pieces, opts, alias)
        field, opts = join_info.final_field, join_info.opts
        if (
            getattr(field, "is_relation", False)
            and opts.ordering
            and getattr(field, "attname", None) != pieces[-1]
            and name != "pk"
            and pieces[-1] != "pk"
        ):
            already_seen = already_seen or set()
            key = tuple(getattr(j, "identity", j) for j in join_info.joins)
            key = (tuple(pieces), join_info.joins[-1])
            if key in already_seen:
                raise FieldError("Infinite loop caused by ordering.")
            already_seen.add(key)
            results = []
            for item in opts.ordering:
                if hasattr(item, "resolve_expression") and not isinstance(
                    item, OrderBy
                ):
                    item = item.desc() if descending else item.asc()
                if isinstance(item, OrderBy):
                    results.append((item, False))
                    continue
                results.extend(
                    self.find_ordering_name(
                        item, opts, join_info.joins[-1], order, already_seen
                    )
                )
            return results
        targets, alias, _ = query.trim_joins(
            join_info.targets, join_info.joins, join_info.path
        )
        return [
            (
                OrderBy(join_info.transform_function(t, alias), descending=descending),
                False,
            )
            for t in targets
        ]

    def get_extra_select(self, order_by, select):
        extra_select = []
        if self.query.distinct and not self.query.distinct_fields:
            select_sql = [t[1] for t in select]
            for expr, (sql, params, is_ref) in order_by:
                without = (
                    sql.rsplit(" ", 1)[0] if sql.endswith((" ASC", " DESC")) else sql
                )
                if not is_ref and (without, params) not in select_sql:
                    extra_select.append((expr, (without, params), None))
        return extra_select

    # -- GROUP BY ------------------------------------------------------------

    def get_group_by(self, select, order_by):
        query = self.query
        if query.group_by is None:
            return []
        expressions = []
        group_by_refs = set()
        if query.group_by is not True:
            for expr in query.group_by:
                if not hasattr(expr, "as_sql"):
                    expr = query.resolve_ref(expr)
                if isinstance(expr, Ref):
                    group_by_refs.add(expr.refs)
                expressions.append(expr)
        for expr, _, alias in select:
            if alias in group_by_refs:
                continue
            expressions.extend(expr.get_group_by_cols())
        if not self._meta_ordering:
            for expr, (_sql, _params, is_ref) in order_by:
                if not is_ref:
                    expressions.extend(expr.get_group_by_cols())
        if self.having is not None:
            expressions.extend(self.having.get_group_by_cols())
        result, seen = [], set()
        for expr in expressions:
            try:
                sql, params = self.compile(expr)
            except (EmptyResultSet, FullResultSet):
                continue
            sql, params = expr.select_format(self, sql, params)
            key = (sql, tuple(_hashable(p) for p in params))
            if key not in seen:
                result.append((sql, params))
                seen.add(key)
        return result

    # -- FROM ----------------------------------------------------------------

    def get_from_clause(self):
        result, params = [], []
        query = self.query
        for alias, from_clause in tuple(query.alias_map.items()):
            if not isinstance(from_clause, BaseTable) and not query.alias_refcount.get(
                alias
            ):
                continue
            clause_sql, clause_params = self.compile(from_clause)
            result.append(clause_sql)
            params.extend(clause_params)
        return result, params

    def get_distinct(self):
        result, params = [], []
        opts = self.query.get_meta()
        for name in self.query.distinct_fields:
            parts = name.split(LOOKUP_SEP)
            join_info = self.query.setup_joins(
                parts, opts, self.query.get_initial_alias()
            )
            targets, alias, _ = self.query.trim_joins(
                join_info.targets, join_info.joins, join_info.path
            )
            for target in targets:
                if name in self.query.annotation_select:
                    result.append(self.connection.ops.quote_name(name))
                else:
                    r, p = self.compile(join_info.transform_function(target, alias))
                    result.append(r)
                    params.extend(p)
        return result, params

    # -- SQL -------------------------------------------------------------------

    def get_combinator_sql(self, combinator, all_):
        compilers = [
            q.get_compiler(self.using, self.connection, self.elide_empty)
            for q in self.query.combined_queries
        ]
        for c in compilers:
            c.recording, c.slot_fns = self.recording, self.slot_fns
        parts = []
        for compiler in compilers:
            try:
                part_sql, part_args = compiler.as_sql(with_col_aliases=True)
                self.tz_dependent = self.tz_dependent or compiler.tz_dependent
            except EmptyResultSet:
                if combinator == "union" or (combinator == "difference" and parts):
                    continue
                raise
            if compiler.query.is_sliced or compiler.query.order_by:
                part_sql = f"SELECT * FROM ({part_sql})"
                if self.connection.vendor == "postgresql":
                    part_sql += " subquery"
            parts.append((part_sql, part_args))
        if not parts:
            raise EmptyResultSet
        op = {"union": "UNION", "intersection": "INTERSECT", "difference": "EXCEPT"}[
            combinator
        ]
        if all_ and combinator == "union":
            op += " ALL"
        sql = (f" {op} ").join(p[0] for p in parts)
        params = []
        for p in parts:
            params.extend(p[1])
        return [sql], params

    def as_sql(self, with_limits=True, with_col_aliases=False):
        """Return (sql, params) of the SELECT."""
        if self._precompiled is not None:
            return self._precompiled
        query = self.query
        refcounts_before = query.alias_refcount.copy()
        try:
            combinator = query.combinator
            extra_select, order_by, group_by = self.pre_sql_setup(
                with_col_aliases=with_col_aliases or bool(combinator)
            )
            if combinator:
                result, params = self.get_combinator_sql(
                    combinator, query.combinator_all
                )
                if order_by:
                    ordering = []
                    for _, (o_sql, o_params, _) in order_by:
                        ordering.append(o_sql)
                        params.extend(o_params)
                    result.append("ORDER BY {}".format(", ".join(ordering)))
                if with_limits and (query.high_mark is not None or query.low_mark):
                    result.append(
                        _limit_offset_sql(
                            self.connection, query.low_mark, query.high_mark
                        )
                    )
                return " ".join(result), tuple(params)
            distinct_fields, distinct_params = self.get_distinct()
            from_, f_params = self.get_from_clause()
            try:
                where, w_params = (
                    self.compile(self.where) if self.where is not None else ("", [])
                )
            except EmptyResultSet:
                if self.elide_empty:
                    raise
                where, w_params = "0 = 1", []
            except FullResultSet:
                where, w_params = "", []
            try:
                having, h_params = (
                    self.compile(self.having) if self.having is not None else ("", [])
                )
            except FullResultSet:
                having, h_params = "", []
            result = ["SELECT"]
            params = []
            if query.distinct:
                if distinct_fields:
                    if self.connection.vendor != "postgresql":
                        from fastdj.db.utils import NotSupportedError

                        raise NotSupportedError(
                            "DISTINCT ON fields is not supported by this database "
                            "backend"
                        )
                    result.append("DISTINCT ON ({})".format(", ".join(distinct_fields)))
                    params.extend(distinct_params)
                else:
                    result.append("DISTINCT")
            out_cols = []
            for _, (s_sql, s_params), alias in self.select + extra_select:
                if alias:
                    s_sql = f"{s_sql} AS {self.connection.ops.quote_name(alias)}"
                params.extend(s_params)
                out_cols.append(s_sql)
            result.append(", ".join(out_cols))
            if from_:
                result += ["FROM", *from_]
                params.extend(f_params)
            if where:
                result.append(f"WHERE {where}")
                params.extend(w_params)
            grouping = []
            for g_sql, g_params in group_by:
                grouping.append(g_sql)
                params.extend(g_params)
            if grouping:
                if distinct_fields:
                    raise NotImplementedError(
                        "annotate() + distinct(fields) is not implemented."
                    )
                result.append("GROUP BY {}".format(", ".join(grouping)))
                if self._meta_ordering:
                    order_by = None
            if having:
                result.append(f"HAVING {having}")
                params.extend(h_params)
            if order_by:
                ordering = []
                for _, (o_sql, o_params, _) in order_by:
                    ordering.append(o_sql)
                    params.extend(o_params)
                result.append("ORDER BY {}".format(", ".join(ordering)))
            if with_limits and (query.high_mark is not None or query.low_mark):
                result.append(
                    _limit_offset_sql(self.connection, query.low_mark, query.high_mark)
                )
            if query.select_for_update and self.connection.vendor == "postgresql":
                # SQLite locks the whole database on write: nothing to add.
                lock = (
                    "FOR NO KEY UPDATE"
                    if query.select_for_update_no_key
                    else ("FOR UPDATE")
                )
                if query.select_for_update_nowait:
                    lock += " NOWAIT"
                elif query.select_for_update_skip_locked:
                    lock += " SKIP LOCKED"
                result.append(lock)
            return " ".join(result), tuple(params)
        finally:
            query.alias_refcount = refcounts_before

    # -- execution -------------------------------------------------------------

    def get_converters(self, expressions):
        converters = {}
        ops = self.connection.ops
        backend = getattr(ops, "get_db_converters", None)
        for i, expression in enumerate(expressions):
            if expression is None:
                continue
            backend_converters = backend(expression) if backend else []
            field_converters = expression.get_db_converters(self.connection)
            if backend_converters or field_converters:
                converters[i] = (backend_converters + field_converters, expression)
        return converters

    def apply_converters(self, rows, converters):
        connection = self.connection
        items = list(converters.items())
        for row in map(list, rows):
            for pos, (convs, expression) in items:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
            yield row

    def results_iter(
        self,
        results=None,
        tuple_expected=False,
        chunked_fetch=False,
        chunk_size=GET_ITERATOR_CHUNK_SIZE,
    ):
        """Yield rows with every database value converted to Python."""
        if results is None:
            results = self.execute_sql(
                MULTI, chunked_fetch=chunked_fetch, chunk_size=chunk_size
            )
        converters = self._converters
        if converters is None:
            fields = [s[0] for s in self.select[0 : self.col_count]]
            converters = self.get_converters(fields)
        rows = chain.from_iterable(results)
        if converters:
            rows = self.apply_converters(rows, converters)
            if tuple_expected:
                rows = map(tuple, rows)
        return rows

    def has_results(self) -> bool:
        return bool(self.execute_sql(SINGLE))

    def execute_sql(
        self, result_type=MULTI, chunked_fetch=False, chunk_size=GET_ITERATOR_CHUNK_SIZE
    ):
        """Run the query; return rows, one row, a cursor or a row count."""
        result_type = result_type or NO_RESULTS
        try:
            sql, params = self.as_sql()
            if not sql:
                raise EmptyResultSet
        except EmptyResultSet:
            if result_type == MULTI:
                return iter([])
            return None
        if result_type == MULTI and not chunked_fetch:
            rows = self.connection.execute_fetchall(sql, params)
            if self.has_extra_select:
                trim = self.col_count
                rows = [r[:trim] for r in rows]
            return [rows]
        if result_type == SINGLE:
            # Aggregates and exists(): one row at most.
            rows = self.connection.execute_fetchall(sql, params)
            val = rows[0] if rows else None
            if val:
                return val[0 : self.col_count] if self.col_count else val
            return val
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, params)
        except Exception:
            cursor.close()
            raise
        if result_type == CURSOR:
            return cursor
        if result_type == NO_RESULTS:
            cursor.close()
            return None
        if result_type == ROW_COUNT:
            try:
                return cursor.rowcount
            finally:
                cursor.close()
        trim = self.col_count if self.has_extra_select else None
        return cursor_iter(cursor, trim, chunk_size)

    def explain_query(self):  # pragma: no cover - not supported
        raise NotImplementedError("explain() is not supported")


def _no_setter(obj, value):
    return None


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def cursor_iter(cursor, col_count, itersize):
    """Yield chunks of rows from ``cursor`` until exhausted, then close it."""
    try:
        while True:
            rows = cursor.fetchmany(itersize)
            if not rows:
                break
            yield rows if col_count is None else [r[0:col_count] for r in rows]
    finally:
        cursor.close()


class SQLInsertCompiler(SQLCompiler):
    """Compile INSERT statements (one per batch, with RETURNING when asked)."""

    returning_fields = None
    returning_params = ()

    def prepare_value(self, field, value):
        if hasattr(value, "resolve_expression"):
            value = value.resolve_expression(
                self.query, allow_joins=False, for_save=True
            )
            if value.contains_aggregate:
                raise FieldError(
                    "Aggregate functions are not allowed in this query "
                    f"({field.name}={value!r})."
                )
            return value
        if hasattr(value, "_meta") and hasattr(value, "_state") and field.is_relation:
            value = getattr(value, field.target_field.attname)
        return field.get_db_prep_save(value, connection=self.connection)

    def pre_save_val(self, field, obj):
        if self.query.raw:
            return getattr(obj, field.attname)
        return field.pre_save(obj, add=True)

    def field_as_sql(self, field, val):
        if hasattr(val, "as_sql"):
            return self.compile(val)
        return "%s", [val]

    def _can_return(self) -> bool:
        features = getattr(self.connection, "features", None)
        value = getattr(features, "can_return_columns_from_insert", None)
        if value is None:
            if self.connection.vendor == "sqlite":
                import sqlite3

                return sqlite3.sqlite_version_info >= (3, 35)
            return True
        return bool(value)

    def as_sql(self):
        qn = self.connection.ops.quote_name
        opts = self.query.get_meta()
        fields = self.query.fields or [opts.pk]
        result = [f"INSERT INTO {qn(opts.db_table)}"]
        if self.query.fields:
            result.append("({})".format(", ".join(qn(f.column) for f in fields)))
            value_rows = [
                [self.prepare_value(f, self.pre_save_val(f, obj)) for f in fields]
                for obj in self.query.objs
            ]
        else:
            result.append(f"({qn(opts.pk.column)})")
            default = "NULL" if self.connection.vendor == "sqlite" else "DEFAULT"
            value_rows = [[_RawDefault(default)] for _ in self.query.objs]
        rows_sql, params = [], []
        for row in value_rows:
            sqls = []
            for field, val in zip(fields, row, strict=False):
                s, p = self.field_as_sql(field, val)
                sqls.append(s)
                params.extend(p)
            rows_sql.append("({})".format(", ".join(sqls)))
        on_conflict = ""
        if self.query.on_conflict == "ignore":
            on_conflict = " ON CONFLICT DO NOTHING"
        elif self.query.on_conflict == "update":
            updates = ", ".join(
                f"{qn(f.column)} = EXCLUDED.{qn(f.column)}"
                for f in self.query.update_fields
            )
            targets = ", ".join(qn(f.column) for f in self.query.unique_fields)
            on_conflict = f" ON CONFLICT({targets}) DO UPDATE SET {updates}"
        sql = " ".join(result) + " VALUES " + ", ".join(rows_sql) + on_conflict
        if self.returning_fields and self._can_return():
            sql += " RETURNING {}".format(
                ", ".join(qn(f.column) for f in self.returning_fields)
            )
        return [(sql, params)]

    def execute_sql(self, returning_fields=None):
        self.returning_fields = returning_fields
        opts = self.query.get_meta()
        with self.connection.cursor() as cursor:
            for sql, params in self.as_sql():
                cursor.execute(sql, params)
            if not self.returning_fields:
                return []
            if self._can_return():
                rows = cursor.fetchall()
            else:
                rows = [
                    (
                        self.connection.ops.last_insert_id(
                            cursor, opts.db_table, opts.pk.column
                        ),
                    )
                ]
        cols = [field.get_col(opts.db_table) for field in self.returning_fields]
        converters = self.get_converters(cols)
        if converters:
            rows = list(self.apply_converters(rows, converters))
        return [tuple(r) for r in rows]


class _RawDefault:
    def __init__(self, sql):
        self.sql = sql

    def as_sql(self, compiler=None, connection=None):
        return self.sql, []


class SQLDeleteCompiler(SQLCompiler):
    """Compile DELETE; filters across joins become ``pk IN (subquery)``."""

    @property
    def single_alias(self):
        return (
            sum(
                1
                for a, t in self.query.alias_map.items()
                if isinstance(t, BaseTable) or self.query.alias_refcount.get(a)
            )
            == 1
        )

    def as_sql(self):
        query = self.query
        qn = self.connection.ops.quote_name
        table = qn(query.get_meta().db_table)
        if not query.alias_map:
            query.get_initial_alias()
        if self.single_alias:
            try:
                where, params = self.compile(query.where)
            except FullResultSet:
                return f"DELETE FROM {table}", ()
            return f"DELETE FROM {table} WHERE {where}", tuple(params)
        pk = query.get_meta().pk
        inner = query.clone()
        inner.__class__ = _select_query_class()
        inner.clear_select_clause()
        inner.select = (pk.get_col(inner.base_table),)
        inner.subquery = True
        inner.bump_prefix(query)
        sql, params = inner.get_compiler(connection=self.connection).as_sql()
        return f"DELETE FROM {table} WHERE {table}.{qn(pk.column)} IN ({sql})", params


def _select_query_class():
    from fastdj.db.models.sql.query import Query

    return Query


class SQLUpdateCompiler(SQLCompiler):
    """Compile UPDATE ... SET ... WHERE ...."""

    def as_sql(self):
        query = self.query
        if not query.values:
            return "", ()
        qn = self.connection.ops.quote_name
        opts = query.get_meta()
        table = qn(opts.db_table)
        if not query.alias_map:
            query.get_initial_alias()
        values, update_params = [], []
        for field, _model, val in query.values:
            if hasattr(val, "resolve_expression"):
                val = val.resolve_expression(query, allow_joins=False, for_save=True)
                if val.contains_aggregate:
                    raise FieldError(
                        "Aggregate functions are not allowed in this query "
                        f"({field.name}={val!r})."
                    )
            elif hasattr(val, "_meta") and hasattr(val, "_state"):
                if not field.is_relation:
                    raise TypeError(
                        f"Tried to update field {field} with a model instance, "
                        f"{val!r}. Use "
                        f"a value compatible with {field.__class__.__name__}."
                    )
                val = getattr(val, field.target_field.attname)
                val = field.get_db_prep_save(val, connection=self.connection)
            else:
                val = field.get_db_prep_save(val, connection=self.connection)
            name = qn(field.column)
            if hasattr(val, "as_sql"):
                sql, params = self.compile(val)
                values.append(f"{name} = {sql}")
                update_params.extend(params)
            elif val is not None:
                values.append(f"{name} = %s")
                update_params.append(val)
            else:
                values.append(f"{name} = NULL")
        joined = sum(
            1
            for a, t in query.alias_map.items()
            if not isinstance(t, BaseTable) and query.alias_refcount.get(a)
        )
        result = [f"UPDATE {table} SET", ", ".join(values)]
        params = list(update_params)
        if joined:
            pk = opts.pk
            inner = query.clone()
            inner.__class__ = _select_query_class()
            inner.clear_select_clause()
            inner.select = (pk.get_col(inner.base_table),)
            inner.bump_prefix(query)
            sql, p = inner.get_compiler(connection=self.connection).as_sql()
            result.append(f"WHERE {table}.{qn(pk.column)} IN ({sql})")
            params.extend(p)
        else:
            try:
                where, p = self.compile(query.where)
            except FullResultSet:
                where, p = "", []
            if where:
                result.append(f"WHERE {where}")
                params.extend(p)
        return " ".join(result), tuple(params)

    def execute_sql(self, result_type=ROW_COUNT, **kwargs):
        try:
            sql, params = self.as_sql()
        except EmptyResultSet:
            return 0
        if not sql:
            return 0
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.rowcount if cursor else 0
        return rows


class SQLAggregateCompiler(SQLCompiler):
    """``SELECT <aggregates> FROM (<inner query>) subquery``."""

    def as_sql(self):
        sql, params = [], []
        for annotation in self.query.annotation_select.values():
            ann_sql, ann_params = self.compile(annotation)
            ann_sql, ann_params = annotation.select_format(self, ann_sql, ann_params)
            sql.append(ann_sql)
            params.extend(ann_params)
        self.col_count = len(self.query.annotation_select)
        inner = self.query.inner_query.get_compiler(
            self.using, self.connection, self.elide_empty
        )
        inner.recording, inner.slot_fns = self.recording, self.slot_fns
        inner_sql, inner_params = inner.as_sql(with_col_aliases=True)
        self.tz_dependent = self.tz_dependent or inner.tz_dependent
        sql = "SELECT {} FROM ({}) subquery".format(", ".join(sql), inner_sql)
        return sql, tuple(params) + tuple(inner_params)


def _reverse_unique_relations(opts):
    """Return the reverse one-to-one relations of ``opts`` (Django's choices)."""
    return [
        rel
        for rel in getattr(opts, "related_objects", ())
        if rel.field.unique and not rel.many_to_many
    ]
