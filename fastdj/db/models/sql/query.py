"""Query: the tree a QuerySet builds (tables and joins, where, select, order...).

A Query knows nothing of SQL text: ``query.get_compiler(using).as_sql()`` turns
it into ``(sql, params)`` for a connection.
"""

from __future__ import annotations

import copy
from collections import namedtuple
from itertools import count

from fastdj.core.exceptions import FieldDoesNotExist, FieldError
from fastdj.db.models.expressions import (
    BaseExpression,
    Col,
    F,
    OuterRef,
    Ref,
    ResolvedOuterRef,
    Value,
)
from fastdj.db.models.lookups import Lookup
from fastdj.db.models.query_utils import Q
from fastdj.db.models.sql.constants import INNER, LOUTER
from fastdj.db.models.sql.datastructures import (
    BaseTable,
    EmptyResultSet,
    Join,
)
from fastdj.db.models.sql.where import AND, OR, WhereNode

__all__ = ["JoinInfo", "Query", "RawQuery", "check_alias"]

LOOKUP_SEP = "__"

JoinInfo = namedtuple(
    "JoinInfo",
    ("final_field", "targets", "opts", "joins", "path", "transform_function"),
)
# One step of a relation path: join ``to_opts`` to the previous table on
# ``join_cols`` ((previous column, new column), ...). ``local_fields`` are the
# fields on the previous table that hold the target values (forward relations
# only), which lets trim_joins() skip a join that adds nothing.
_Step = namedtuple(
    "_Step",
    "from_opts to_opts target_fields join_field m2m direct local_fields join_cols",
)

_FORBIDDEN_ALIAS_CHARS = frozenset("'`\"][;")


def check_alias(alias: str) -> None:
    """Reject column aliases that could break out of quoting (CVE-2022-28346)."""
    if not isinstance(alias, str):
        raise TypeError("Column aliases must be strings.")
    if (
        any(ch in _FORBIDDEN_ALIAS_CHARS or ch.isspace() for ch in alias)
        or "--" in alias
        or "/*" in alias
        or "*/" in alias
    ):
        raise ValueError(
            "Column aliases cannot contain whitespace characters, quotation marks, "
            "semicolons, or SQL comments."
        )


def _related_path(field, opts):
    """Return the relation steps for following ``field`` from ``opts``."""
    if getattr(field, "many_to_many", False):
        return _m2m_path(field)
    if getattr(field, "concrete", False):
        # Forward many-to-one / one-to-one.
        target = field.target_field
        to_opts = field.remote_field.model._meta
        return [
            _Step(
                opts,
                to_opts,
                (target,),
                field,
                False,
                True,
                (field,),
                ((field.column, target.column),),
            )
        ]
    # Reverse many-to-one / one-to-one (a ForeignObjectRel).
    fk = field.field
    to_opts = fk.model._meta
    return [
        _Step(
            opts,
            to_opts,
            (to_opts.pk,),
            field,
            not getattr(field, "one_to_one", False),
            False,
            None,
            ((fk.target_field.column, fk.column),),
        )
    ]


def _through_fks(through, source_model, target_model, field):
    """Return the through model's (FK to source, FK to target)."""
    fks = [
        f
        for f in through._meta.fields
        if getattr(f, "many_to_one", False) and f.remote_field is not None
    ]
    if hasattr(field, "m2m_field_name") and hasattr(field, "m2m_reverse_field_name"):
        try:
            src = through._meta.get_field(field.m2m_field_name())
            dst = through._meta.get_field(field.m2m_reverse_field_name())
            return src, dst
        except Exception:  # noqa: BLE001 - fall back to discovery below
            pass
    src = [f for f in fks if f.remote_field.model is source_model]
    dst = [f for f in fks if f.remote_field.model is target_model]
    if source_model is target_model and len(src) >= 2:
        return src[0], src[1]
    return src[0], dst[0]


def _m2m_path(field):
    if getattr(field, "concrete", False) or not hasattr(field, "field"):
        m2m = field
        source, target = m2m.model, m2m.remote_field.model
        reverse = False
    else:
        m2m = field.field
        source, target = m2m.remote_field.model, m2m.model
        reverse = True
    through = m2m.remote_field.through
    fk_src, fk_dst = _through_fks(through, m2m.model, m2m.remote_field.model, m2m)
    if reverse:
        fk_src, fk_dst = fk_dst, fk_src
    s_opts, t_opts, th_opts = source._meta, target._meta, through._meta
    return [
        _Step(
            s_opts,
            th_opts,
            (th_opts.pk,),
            fk_src,
            True,
            False,
            None,
            ((fk_src.target_field.column, fk_src.column),),
        ),
        _Step(
            th_opts,
            t_opts,
            (fk_dst.target_field,),
            fk_dst,
            False,
            True,
            (fk_dst,),
            ((fk_dst.column, fk_dst.target_field.column),),
        ),
    ]


class Query(BaseExpression):
    """A single SQL query under construction."""

    alias_prefix = "T"
    empty_result_set_value = None
    compiler = "SQLCompiler"
    default_cols = True
    default_ordering = True
    standard_ordering = True
    filter_is_sticky = False
    subquery = False
    select = ()
    group_by = None
    order_by = ()
    low_mark = 0
    high_mark = None
    distinct = False
    distinct_fields = ()
    select_for_update = False
    select_for_update_nowait = False
    select_for_update_skip_locked = False
    select_for_update_no_key = False
    select_related = False
    max_depth = 5
    values_select = ()
    selected = None
    annotation_select_mask = None
    combinator = None
    combinator_all = False
    combined_queries = ()
    extra: dict = {}
    extra_select: dict = {}
    contains_aggregate = False

    def __init__(self, model, alias_cols=True):
        self.model = model
        self.alias_refcount: dict = {}
        self.alias_map: dict = {}
        self.alias_cols = alias_cols
        self.external_aliases: dict = {}
        self.table_map: dict = {}
        self.used_aliases: set = set()
        self.where = WhereNode()
        self.annotations: dict = {}
        self.deferred_loading = (frozenset(), True)

    # -- basics --------------------------------------------------------------

    @property
    def output_field(self):
        if len(self.select) == 1:
            select = self.select[0]
            return getattr(select, "target", None) or select.field
        if len(self.annotation_select) == 1:
            return next(iter(self.annotation_select.values())).output_field
        raise FieldError("Cannot infer the output field of a multi-column subquery.")

    @property
    def has_select_fields(self) -> bool:
        return bool(self.select or self.annotation_select_mask)

    @property
    def base_table(self):
        for alias in self.alias_map:
            return alias

    def __str__(self):
        sql, params = self.sql_with_params()
        return sql % tuple(params)

    def sql_with_params(self):
        """Return the (sql, params) of this query on the default connection."""
        from fastdj.db import DEFAULT_DB_ALIAS

        return self.get_compiler(DEFAULT_DB_ALIAS).as_sql()

    def __deepcopy__(self, memo):
        result = self.clone()
        memo[id(self)] = result
        return result

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        """Return the compiler of this query for ``using`` or ``connection``."""
        if using is None and connection is None:
            raise ValueError("Need either using or connection")
        if using:
            from fastdj.db import connections

            connection = connections[using]
        from fastdj.db.models.sql import compiler as compiler_module

        return getattr(compiler_module, self.compiler)(
            self, connection, using, elide_empty
        )

    def get_meta(self):
        return self.model._meta

    def clone(self):
        """Return a copy that can be changed without affecting this query."""
        obj = self.__class__.__new__(self.__class__)
        obj.__dict__ = self.__dict__.copy()
        obj.alias_refcount = self.alias_refcount.copy()
        obj.alias_map = self.alias_map.copy()
        obj.external_aliases = self.external_aliases.copy()
        obj.table_map = {k: v[:] for k, v in self.table_map.items()}
        obj.where = self.where.clone()
        obj.annotations = self.annotations.copy()
        if self.annotation_select_mask is not None:
            obj.annotation_select_mask = set(self.annotation_select_mask)
        if self.combined_queries:
            obj.combined_queries = tuple(q.clone() for q in self.combined_queries)
        if isinstance(self.select_related, dict):
            obj.select_related = copy.deepcopy(self.select_related)
        obj.used_aliases = set(self.used_aliases) if self.filter_is_sticky else set()
        obj.__dict__.pop("base_table", None)
        return obj

    def chain(self, klass=None):
        """Return a copy ready for another filter step."""
        obj = self.clone()
        if klass and obj.__class__ != klass:
            obj.__class__ = klass
            if hasattr(obj, "_setup_query"):
                obj._setup_query()
        if not obj.filter_is_sticky:
            obj.used_aliases = set()
        obj.filter_is_sticky = False
        return obj

    def relabeled_clone(self, change_map):
        clone = self.clone()
        clone.change_aliases(change_map)
        return clone

    # -- aliases and joins -------------------------------------------------

    def table_alias(self, table_name, create=False):
        """Return (alias, created) for ``table_name``."""
        alias_list = self.table_map.get(table_name)
        if not create and alias_list:
            alias = alias_list[0]
            self.alias_refcount[alias] += 1
            return alias, False
        if alias_list:
            alias = f"{self.alias_prefix}{len(self.alias_map) + 1}"
            alias_list.append(alias)
        else:
            alias = (
                table_name
                if self.alias_prefix == "T"
                else f"{self.alias_prefix}{len(self.alias_map)}"
            )
            self.table_map[table_name] = [alias]
        self.alias_refcount[alias] = 1
        return alias, True

    def ref_alias(self, alias):
        self.alias_refcount[alias] += 1

    def unref_alias(self, alias, amount=1):
        self.alias_refcount[alias] -= amount

    def get_initial_alias(self):
        """Return the alias of the base table, creating it if needed."""
        if self.alias_map:
            alias = self.base_table
            self.ref_alias(alias)
        else:
            alias = self.join(BaseTable(self.get_meta().db_table, None))
        return alias

    def join(self, join, reuse=None):
        """Return an alias for ``join``, reusing an equal one when allowed."""
        reuse_aliases = [
            a
            for a, j in self.alias_map.items()
            if (reuse is None or a in reuse) and j.equals(join)
        ]
        if reuse_aliases:
            if join.table_alias in reuse_aliases:
                reuse_alias = join.table_alias
            else:
                reuse_alias = reuse_aliases[-1]
            self.ref_alias(reuse_alias)
            return reuse_alias
        alias, _ = self.table_alias(join.table_name, create=True)
        if join.join_type:
            parent = self.alias_map[join.parent_alias]
            if parent.join_type == LOUTER or join.nullable:
                join_type = LOUTER
            else:
                join_type = INNER
            join.join_type = join_type
        join.table_alias = alias
        self.alias_map[alias] = join
        return alias

    def names_to_path(self, names, opts, allow_many=True, fail_on_missing=False):
        """Walk ``names`` through relations; return (path, field, targets, rest)."""
        path, names_with_path = [], []
        field = None
        targets = ()
        pos = -1
        for pos, name in enumerate(names):
            cur_names_with_path = (name, [])
            if name == "pk" and opts is not None:
                name = opts.pk.name
            field = None
            if opts is not None:
                try:
                    field = opts.get_field(name)
                except FieldDoesNotExist:
                    if name in self.annotation_select:
                        field = self.annotation_select[name].output_field
                    elif name in self.annotations and pos == 0:
                        field = self.annotations[name].output_field
            if field is None:
                if pos == 0 or fail_on_missing:
                    available = sorted([*_field_choices(opts), *self.annotation_select])
                    raise FieldError(
                        "Cannot resolve keyword '{}' into field. Choices are: "
                        "{}".format(name, ", ".join(available))
                    )
                # Not a field: this name and the rest are lookups/transforms.
                pos -= 1
                break
            if getattr(field, "is_relation", False) and not _is_generic(field):
                pathinfos = _related_path(field, opts)
                for inner_pos, p in enumerate(pathinfos):
                    if p.m2m:
                        cur_names_with_path[1].extend(pathinfos[0 : inner_pos + 1])
                        names_with_path.append(cur_names_with_path)
                        if not allow_many:
                            from fastdj.db.models.sql.datastructures import MultiJoin

                            raise MultiJoin(pos + 1, names_with_path)
                last = pathinfos[-1]
                path.extend(pathinfos)
                final_field = last.join_field
                opts = last.to_opts
                targets = last.target_fields
                cur_names_with_path[1].extend(pathinfos)
                names_with_path.append(cur_names_with_path)
            else:
                final_field = field
                targets = (field,)
                if fail_on_missing and pos + 1 != len(names):
                    raise FieldError(
                        f"Cannot resolve keyword {names[pos + 1]!r} into field. "
                        f"Join on '{name}'"
                        " not permitted."
                    )
                break
        return path, final_field, targets, names[pos + 1 :]

    def setup_joins(self, names, opts, alias, can_reuse=None, allow_many=True):
        """Join every relation in ``names``; return JoinInfo."""
        joins = [alias]
        last_field_exception = None
        path = final_field = targets = rest = None
        for pivot in range(len(names), 0, -1):
            try:
                path, final_field, targets, rest = self.names_to_path(
                    names[:pivot], opts, allow_many, fail_on_missing=True
                )
            except FieldError as exc:
                if pivot == 1:
                    raise
                last_field_exception = exc
            else:
                transforms = names[pivot:]
                break
        else:  # pragma: no cover - loop always breaks or raises
            raise last_field_exception

        def final_transformer(field, alias):
            if not self.alias_cols:
                alias = None
            return field.get_col(alias)

        for name in transforms:

            def transform(field, alias, *, name=name, previous=final_transformer):
                wrapped = previous(field, alias)
                return self.try_transform(wrapped, name)

            final_transformer = transform

        for step in path:
            opts = step.to_opts
            nullable = True if not step.direct else bool(step.join_field.null)
            connection = Join(
                opts.db_table,
                alias,
                None,
                INNER,
                step.join_field,
                nullable,
                step.join_cols,
                m2m=step.m2m,
            )
            reuse = can_reuse if step.m2m else None
            alias = self.join(connection, reuse=reuse)
            joins.append(alias)
        return JoinInfo(final_field, targets, opts, joins, path, final_transformer)

    def trim_joins(self, targets, joins, path):
        """Drop trailing joins whose target columns exist on the previous table."""
        joins = joins[:]
        for step in reversed(path):
            if not step.direct or len(joins) == 1 or step.local_fields is None:
                break
            cur_targets = {t.column for t in targets}
            join_targets = {t.column for t in step.target_fields}
            if not cur_targets.issubset(join_targets):
                break
            by_target = {
                t.column: local
                for t, local in zip(step.target_fields, step.local_fields, strict=False)
            }
            targets = tuple(by_target[t.column] for t in targets)
            self.unref_alias(joins.pop())
        return targets, joins[-1], joins

    def promote_joins(self, aliases):
        """Make joins LEFT OUTER (and everything after them in the chain)."""
        aliases = list(aliases)
        while aliases:
            alias = aliases.pop(0)
            join = self.alias_map.get(alias)
            if join is None or join.join_type is None:
                continue
            if join.join_type != LOUTER:
                self.alias_map[alias] = join.promote()
                aliases.extend(
                    a
                    for a, j in self.alias_map.items()
                    if j.parent_alias == alias and a not in aliases
                )

    def try_transform(self, lhs, name):
        """Return ``lhs`` wrapped in the transform ``name`` or raise FieldError."""
        transform_class = lhs.get_transform(name)
        if transform_class:
            return transform_class(lhs)
        output_field = lhs.output_field.__class__
        raise FieldError(
            f"Unsupported lookup '{name}' for {output_field.__name__} or join on "
            "the field not permitted."
        )

    def change_aliases(self, change_map):
        """Rename table aliases (used when a query becomes a subquery)."""
        self.where.relabel_aliases(change_map)
        if isinstance(self.group_by, tuple):
            self.group_by = tuple(c.relabeled_clone(change_map) for c in self.group_by)
        self.select = tuple(col.relabeled_clone(change_map) for col in self.select)
        self.annotations = {
            key: col.relabeled_clone(change_map)
            for key, col in self.annotations.items()
        }
        new_map = {}
        for alias, join in self.alias_map.items():
            new_alias = change_map.get(alias, alias)
            new_map[new_alias] = join.relabeled_clone(change_map)
        self.alias_map = new_map
        self.alias_refcount = {
            change_map.get(a, a): c for a, c in self.alias_refcount.items()
        }
        self.table_map = {
            t: [change_map.get(a, a) for a in aliases]
            for t, aliases in self.table_map.items()
        }
        self.external_aliases = {
            change_map.get(a, a): v for a, v in self.external_aliases.items()
        }

    def bump_prefix(self, other_query):
        """Give this query aliases that cannot clash with ``other_query``'s."""
        prefix = chr(ord(other_query.alias_prefix) + 1)
        if prefix == "T":
            prefix = "U"
        self.alias_prefix = prefix
        change_map = {
            alias: f"{prefix}{pos}" for pos, alias in enumerate(self.alias_map)
        }
        self.change_aliases(change_map)

    # -- filters -----------------------------------------------------------

    def solve_lookup_type(self, lookup, summarize=False):
        """Return (lookup names, field names, annotation expression or None)."""
        lookup_splitted = lookup.split(LOOKUP_SEP)
        if self.annotations:
            annotation = self.annotations.get(lookup_splitted[0])
            if annotation is not None:
                if summarize and lookup_splitted[0] in self.annotation_select:
                    annotation = Ref(lookup_splitted[0], annotation)
                return lookup_splitted[1:], lookup_splitted[:1], annotation
        _, field, _, lookup_parts = self.names_to_path(lookup_splitted, self.get_meta())
        field_parts = lookup_splitted[: len(lookup_splitted) - len(lookup_parts)]
        if len(lookup_parts) > 1 and not field_parts:
            raise FieldError(
                f'Invalid lookup "{lookup}" for model '
                f'{self.get_meta().model.__name__}".'
            )
        return lookup_parts, field_parts, False

    def resolve_lookup_value(self, value, can_reuse, allow_joins, summarize=False):
        if hasattr(value, "resolve_expression"):
            value = value.resolve_expression(
                self, reuse=can_reuse, allow_joins=allow_joins, summarize=summarize
            )
        elif isinstance(value, (list, tuple)):
            values = [
                self.resolve_lookup_value(v, can_reuse, allow_joins, summarize)
                for v in value
            ]
            type_ = type(value)
            if hasattr(type_, "_make"):
                return type_(*values)
            return type_(values)
        return value

    def build_lookup(self, lookups, lhs, rhs):
        """Return the Lookup for ``lhs__<lookups> = rhs`` (transforms applied)."""
        *transforms, lookup_name = lookups or ["exact"]
        for name in transforms:
            lhs = self.try_transform(lhs, name)
        lookup_class = lhs.get_lookup(lookup_name)
        if not lookup_class:
            lhs = self.try_transform(lhs, lookup_name)
            lookup_name = "exact"
            lookup_class = lhs.get_lookup(lookup_name)
            if not lookup_class:
                return None
        raw = getattr(rhs, "value", rhs) if type(rhs).__name__ == "Slotted" else rhs
        if raw is None and lookup_name not in ("exact", "iexact"):
            if not lookup_class.can_use_none_as_rhs:
                raise ValueError("Cannot use None as a query value")
        if (
            raw is None
            and lookup_name in ("exact", "iexact")
            and not lookup_class.can_use_none_as_rhs
        ):
            return lhs.get_lookup("isnull")(lhs, True)
        return lookup_class(lhs, rhs)

    def _lookup_or_error(self, lookups, lhs, value):
        condition = self.build_lookup(lookups, lhs, value)
        if condition is None:
            raise FieldError(
                f"Unsupported lookup '{lookups[-1]}' for "
                f"{lhs.output_field.__class__.__name__} or join on the field not "
                "permitted."
            )
        return condition

    def build_filter(
        self,
        filter_expr,
        branch_negated=False,
        current_negated=False,
        can_reuse=None,
        allow_joins=True,
        split_subq=True,
        check_filterable=True,
        summarize=False,
    ):
        """Return (WhereNode, used join aliases) for one filter child."""
        if isinstance(filter_expr, dict):
            raise FieldError("Cannot parse keyword query as dict")
        if isinstance(filter_expr, Q):
            return self._add_q(
                filter_expr,
                branch_negated=branch_negated,
                current_negated=current_negated,
                used_aliases=can_reuse,
                allow_joins=allow_joins,
                split_subq=split_subq,
                check_filterable=check_filterable,
                summarize=summarize,
            )
        if hasattr(filter_expr, "resolve_expression"):
            if not getattr(filter_expr, "conditional", False):
                raise TypeError("Cannot filter against a non-conditional expression.")
            condition = filter_expr.resolve_expression(
                self, allow_joins=allow_joins, reuse=can_reuse, summarize=summarize
            )
            if not isinstance(condition, (Lookup, WhereNode)):
                condition = self._lookup_or_error(["exact"], condition, True)
            return WhereNode([condition], connector=AND), []
        arg, value = filter_expr
        if not arg:
            raise FieldError(f"Cannot parse keyword query {arg!r}")
        if not isinstance(arg, str):
            raise TypeError("Filter keywords must be strings.")
        lookups, parts, reffed_expression = self.solve_lookup_type(arg, summarize)
        if not allow_joins and len(parts) > 1:
            raise FieldError("Joined field references are not permitted in this query")
        value = self.resolve_lookup_value(value, can_reuse, allow_joins, summarize)
        if reffed_expression:
            condition = self._lookup_or_error(lookups, reffed_expression, value)
            return WhereNode([condition], connector=AND), []

        opts = self.get_meta()
        alias = self.get_initial_alias()
        if branch_negated and split_subq and self._path_is_multivalued(parts, opts):
            self.unref_alias(alias)
            return self.split_exclude(filter_expr, can_reuse)
        join_info = self.setup_joins(parts, opts, alias, can_reuse=can_reuse)
        if can_reuse is not None:
            can_reuse.update(join_info.joins)
        used_joins = {a for a in join_info.joins if a in self.alias_map}
        targets, alias, join_list = self.trim_joins(
            join_info.targets, join_info.joins, join_info.path
        )
        if len(targets) > 1:
            raise FieldError(f"Related Field got invalid lookup: {lookups[0]}")
        col = join_info.transform_function(targets[0], alias)
        condition = self._lookup_or_error(lookups, col, value)
        lookup_type = condition.lookup_name
        clause = WhereNode([condition], connector=AND)
        require_outer = (
            lookup_type == "isnull" and condition.rhs is True and not current_negated
        )
        if (
            current_negated
            and (lookup_type != "isnull" or condition.rhs is False)
            and condition.rhs is not None
        ):
            require_outer = True
            if lookup_type != "isnull":
                join = self.alias_map[join_list[-1]]
                if self._is_nullable(targets[0]) or join.join_type == LOUTER:
                    clause.add(col.get_lookup("isnull")(col, False), AND)
                rhs = condition.rhs
                if isinstance(rhs, Col) and self._is_nullable(rhs.target):
                    clause.add(rhs.get_lookup("isnull")(rhs, False), AND)
        if require_outer:
            self.promote_joins(join_list[1:])
        return clause, used_joins if not require_outer else ()

    def _is_nullable(self, field) -> bool:
        return bool(getattr(field, "null", False))

    def _path_is_multivalued(self, parts, opts) -> bool:
        try:
            path, _, _, _ = self.names_to_path(parts, opts, True, fail_on_missing=True)
        except FieldError:
            return False
        return any(step.m2m for step in path)

    def split_exclude(self, filter_expr, can_reuse):
        """Return ``pk IN (subquery)`` for a negated multi-valued filter."""
        filter_lhs, filter_rhs = filter_expr
        if isinstance(filter_rhs, OuterRef):
            filter_rhs = OuterRef(filter_rhs)
        elif isinstance(filter_rhs, F):
            filter_rhs = OuterRef(filter_rhs.name)
        query = self.__class__(self.model)
        query._filtered_relations = {}
        query.add_filter(filter_lhs, filter_rhs)
        query.clear_ordering(force=True)
        query.clear_select_clause()
        query.add_fields(["pk"])
        condition, needed_inner = self.build_filter(("pk__in", query))
        return condition, needed_inner

    def add_filter(self, filter_lhs, filter_rhs):
        self.add_q(Q((filter_lhs, filter_rhs)))

    def add_q(self, q_object):
        """Add a Q tree to the WHERE clause (AND)."""
        existing_inner = {
            a for a in self.alias_map if self.alias_map[a].join_type == INNER
        }
        clause, _ = self._add_q(q_object, self.used_aliases)
        if clause:
            self.where.add(clause, AND)
        _ = existing_inner

    def build_where(self, filter_expr):
        return self.build_filter(filter_expr, allow_joins=False)[0]

    def clear_where(self):
        self.where = WhereNode()

    def _add_q(
        self,
        q_object,
        used_aliases,
        branch_negated=False,
        current_negated=False,
        allow_joins=True,
        split_subq=True,
        check_filterable=True,
        summarize=False,
    ):
        connector = q_object.connector
        current_negated ^= q_object.negated
        branch_negated = branch_negated or q_object.negated
        target_clause = WhereNode(connector=connector, negated=q_object.negated)
        joins = set()
        for child in q_object.children:
            child_clause, needed_inner = self.build_filter(
                child,
                can_reuse=used_aliases,
                branch_negated=branch_negated,
                current_negated=current_negated,
                allow_joins=allow_joins,
                split_subq=split_subq,
                check_filterable=check_filterable,
                summarize=summarize,
            )
            joins.update(needed_inner)
            if child_clause:
                target_clause.add(child_clause, connector)
        if connector == OR and len(q_object.children) > 1:
            # A row may match through either branch: joins must not drop it.
            self.promote_joins(
                [
                    a
                    for a in joins
                    if a in self.alias_map and self.alias_map[a].join_type
                ]
            )
        return target_clause, joins

    # -- references and annotations --------------------------------------

    def resolve_ref(self, name, allow_joins=True, reuse=None, summarize=False):
        """Return the expression an F(name) stands for in this query."""
        annotation = self.annotations.get(name)
        if annotation is not None:
            if not allow_joins:
                for alias in self._gen_col_aliases([annotation]):
                    if isinstance(self.alias_map[alias], Join):
                        raise FieldError(
                            "Joined field references are not permitted in this query"
                        )
            if summarize:
                if name not in self.annotation_select:
                    raise FieldError(
                        f"Cannot aggregate over the '{name}' alias. Use annotate() "
                        "to promote it."
                    )
                return Ref(name, self.annotation_select[name])
            return annotation
        field_list = name.split(LOOKUP_SEP)
        annotation = self.annotations.get(field_list[0])
        if annotation is not None:
            for transform in field_list[1:]:
                annotation = self.try_transform(annotation, transform)
            return annotation
        join_info = self.setup_joins(
            field_list, self.get_meta(), self.get_initial_alias(), can_reuse=reuse
        )
        targets, final_alias, join_list = self.trim_joins(
            join_info.targets, join_info.joins, join_info.path
        )
        if not allow_joins and len(join_list) > 1:
            raise FieldError("Joined field references are not permitted in this query")
        if len(targets) > 1:
            raise FieldError(
                "Referencing multicolumn fields with F() objects isn't supported"
            )
        return join_info.transform_function(targets[0], final_alias)

    @staticmethod
    def _gen_col_aliases(exprs):
        for expr in exprs:
            if hasattr(expr, "flatten"):
                for e in expr.flatten():
                    if isinstance(e, Col):
                        yield e.alias

    def add_annotation(self, annotation, alias, select=True):
        """Add ``annotation`` under ``alias`` (selected unless ``select`` is False)."""
        check_alias(alias)
        annotation = annotation.resolve_expression(self, allow_joins=True, reuse=None)
        if select:
            self.append_annotation_mask([alias])
        else:
            self.set_annotation_mask(set(self.annotation_select).difference({alias}))
        self.annotations[alias] = annotation
        if self.selected is not None and select:
            self.selected = (*self.selected, alias)

    @property
    def annotation_select(self) -> dict:
        if self.annotation_select_mask is None:
            return self.annotations
        return {
            k: v
            for k, v in self.annotations.items()
            if k in self.annotation_select_mask
        }

    def set_annotation_mask(self, names):
        self.annotation_select_mask = None if names is None else set(names)

    def append_annotation_mask(self, names):
        if self.annotation_select_mask is not None:
            self.set_annotation_mask(self.annotation_select_mask.union(names))

    # -- select, values ----------------------------------------------------

    def clear_select_clause(self):
        self.select = ()
        self.default_cols = False
        self.select_related = False
        self.set_annotation_mask(())
        self.values_select = ()
        self.selected = None

    def clear_select_fields(self):
        self.select = ()
        self.values_select = ()
        self.selected = None

    def add_fields(self, field_names, allow_m2m=True):
        """Select the columns ``field_names`` (relation paths allowed)."""
        alias = self.get_initial_alias()
        opts = self.get_meta()
        cols = []
        for name in field_names:
            join_info = self.setup_joins(
                name.split(LOOKUP_SEP), opts, alias, allow_many=allow_m2m
            )
            targets, final_alias, joins = self.trim_joins(
                join_info.targets, join_info.joins, join_info.path
            )
            for target in targets:
                cols.append(join_info.transform_function(target, final_alias))
            self.promote_joins(joins[1:])
        if cols:
            self.set_select(cols)

    def set_select(self, cols):
        self.default_cols = False
        self.select = tuple(cols)

    def add_select_col(self, col, name):
        self.select += (col,)
        self.values_select += (name,)

    def set_values(self, fields):
        """Select ``fields`` (names of fields or annotations) for values()."""
        self.select_related = False
        self.clear_deferred_loading()
        self.clear_select_fields()
        if fields:
            field_names, annotation_names = [], []
            for f in fields:
                if f in self.annotations:
                    annotation_names.append(f)
                else:
                    field_names.append(f)
            self.set_annotation_mask(annotation_names)
            selected = tuple(fields)
        else:
            field_names = [f.attname for f in self.model._meta.concrete_fields]
            selected = None
        if self.group_by is True:
            self.add_fields(
                (f.attname for f in self.model._meta.concrete_fields), False
            )
            self.set_group_by(allow_aliases=False)
            self.clear_select_fields()
        elif self.group_by:
            group_by = list(self.group_by)
            for expr in group_by:
                if isinstance(expr, Ref) and expr.refs not in (selected or ()):
                    expr = self.annotations[expr.refs]
            self.group_by = tuple(group_by)
        self.values_select = tuple(field_names)
        self.add_fields(field_names, True)
        self.selected = (
            selected
            if selected is not None
            else (*field_names, *self.annotation_select)
        )

    def set_group_by(self, allow_aliases=True):
        """Group by the selected columns and non-aggregate annotations."""
        group_by = list(self.select)
        for _alias, annotation in self.annotation_select.items():
            if not annotation.contains_aggregate:
                group_by.extend(annotation.get_group_by_cols())
        self.group_by = tuple(group_by)

    def add_select_related(self, fields):
        """Record ``fields`` (``a__b`` paths) for select_related()."""
        if isinstance(self.select_related, bool):
            field_dict = {}
        else:
            field_dict = self.select_related
        for field in fields:
            d = field_dict
            for part in field.split(LOOKUP_SEP):
                d = d.setdefault(part, {})
        self.select_related = field_dict

    # -- deferred loading ----------------------------------------------

    def clear_deferred_loading(self):
        self.deferred_loading = (frozenset(), True)

    def add_deferred_loading(self, field_names):
        existing, defer = self.deferred_loading
        if defer:
            self.deferred_loading = existing.union(field_names), True
        else:
            remaining = existing.difference(field_names)
            if remaining:
                self.deferred_loading = remaining, False
            else:
                self.clear_deferred_loading()
                self.deferred_loading = frozenset(field_names), True

    def add_immediate_loading(self, field_names):
        existing, defer = self.deferred_loading
        field_names = set(field_names)
        if "pk" in field_names:
            field_names.remove("pk")
            field_names.add(self.get_meta().pk.name)
        if defer:
            self.deferred_loading = frozenset(field_names.difference(existing)), False
        else:
            self.deferred_loading = frozenset(field_names), False

    def get_select_mask(self):
        """Return the set of the model's concrete fields to load (None: all)."""
        field_names, defer = self.deferred_loading
        if not field_names:
            return None
        opts = self.get_meta()
        names = set()
        for full in field_names:
            name, *rest = full.split(LOOKUP_SEP)
            if name == "pk":
                names.add(opts.pk.name)
                continue
            field = opts.get_field(name)
            if rest and not getattr(field, "is_relation", False):
                raise FieldError(
                    f"Field {opts.object_name}.{field.name} is not a relation."
                )
            # only("author_id") names the same column as only("author").
            names.add(field.name)
        if defer:
            return {
                f for f in opts.concrete_fields if f.name not in names or f.primary_key
            }
        return {f for f in opts.concrete_fields if f.name in names or f.primary_key}

    # -- ordering and limits ------------------------------------------

    def add_ordering(self, *ordering):
        """Append ``ordering`` (names, ``-names``, ``?`` or expressions)."""
        errors = []
        for item in ordering:
            if isinstance(item, str):
                if item == "?":
                    continue
                name = item[1:] if item.startswith("-") else item
                if name in self.annotations:
                    continue
                if not name or name.startswith("-"):
                    errors.append(item)
                    continue
                self.names_to_path(name.split(LOOKUP_SEP), self.model._meta)
            elif not hasattr(item, "resolve_expression"):
                errors.append(item)
            elif getattr(item, "contains_aggregate", False):
                raise FieldError(
                    "Using an aggregate in order_by() without also including "
                    f"it in annotate() is not allowed: {item}"
                )
        if errors:
            raise FieldError(f"Invalid order_by arguments: {errors}")
        if ordering:
            self.order_by += ordering
        else:
            self.default_ordering = False

    def clear_ordering(self, force=False, clear_default=True):
        if not force and (
            self.is_sliced or self.distinct_fields or self.select_for_update
        ):
            return
        self.order_by = ()
        if clear_default:
            self.default_ordering = False

    def set_limits(self, low=None, high=None):
        """Narrow the LIMIT/OFFSET window (slices of slices compose)."""
        if high is not None:
            if self.high_mark is not None:
                self.high_mark = min(self.high_mark, self.low_mark + high)
            else:
                self.high_mark = self.low_mark + high
        if low is not None:
            if self.high_mark is not None:
                self.low_mark = min(self.high_mark, self.low_mark + low)
            else:
                self.low_mark = self.low_mark + low
        if self.low_mark == self.high_mark:
            self.set_empty()

    def clear_limits(self):
        self.low_mark, self.high_mark = 0, None

    @property
    def is_sliced(self) -> bool:
        return self.low_mark != 0 or self.high_mark is not None

    def has_limit_one(self) -> bool:
        return self.high_mark is not None and (self.high_mark - self.low_mark) == 1

    def can_filter(self) -> bool:
        return not self.is_sliced

    def set_empty(self):
        self.where.add(_NothingNode(), AND)
        for query in self.combined_queries:
            query.set_empty()

    def is_empty(self) -> bool:
        return any(isinstance(c, _NothingNode) for c in self.where.children)

    def add_distinct_fields(self, *field_names):
        self.distinct_fields = field_names
        self.distinct = True

    # -- derived queries -----------------------------------------------

    def exists(self, limit=True):
        """Return a query that selects 1 for the first matching row."""
        q = self.clone()
        q.select_for_update = False
        if not (q.distinct and q.is_sliced):
            if q.group_by is True:
                q.add_fields(
                    (f.attname for f in self.model._meta.concrete_fields), False
                )
                q.set_group_by(allow_aliases=False)
            q.clear_select_clause()
        if q.combined_queries and q.combinator == "union":
            q.combined_queries = tuple(
                combined.exists(limit=False) for combined in q.combined_queries
            )
        q.clear_ordering(force=True)
        if limit:
            q.set_limits(high=1)
        q.add_annotation(Value(1), "a")
        return q

    def has_results(self, using):
        q = self.exists()
        return q.get_compiler(using=using).has_results()

    def get_count(self, using):
        """Return the number of rows this query matches."""
        from fastdj.db.models.aggregates import Count

        obj = self.clone()
        return obj.get_aggregation(using, {"__count": Count("*")})["__count"]

    def build_aggregation(self, aggregate_exprs):
        """Return (query, resolved aggregates, empty values) for aggregate()."""
        self.select_for_update = False
        from fastdj.db.models.sql.subqueries import AggregateQuery

        for alias in aggregate_exprs:
            check_alias(alias)
        existing = [a for a in self.annotations.values() if a.contains_aggregate]
        needs_subquery = bool(
            existing
            or self.distinct
            or self.is_sliced
            or self.combinator
            or self.group_by is not None
        )
        if needs_subquery:
            inner = self.clone()
            inner.subquery = True
            outer = AggregateQuery(self.model, inner)
            inner.clear_ordering(force=False)
            if not inner.is_sliced:
                inner.clear_ordering(force=True)
            if inner.group_by is True:
                # Grouping by the primary key groups by every column of the row.
                inner.group_by = (
                    self.model._meta.pk.get_col(inner.get_initial_alias()),
                )
            if inner.default_cols and not inner.distinct:
                # Only the referenced columns are needed inside.
                inner.default_cols = False
                inner.select = ()
            aggregates = {}
            counter = count()
            for alias, aggregate in aggregate_exprs.items():
                resolved = aggregate.resolve_expression(inner, summarize=True)
                replacements = {}
                for expr in _cols_and_refs(resolved):
                    if isinstance(expr, Col):
                        name = f"__col{next(counter)}"
                        inner.annotations[name] = expr
                        inner.append_annotation_mask([name])
                        replacements[expr] = Ref(name, expr)
                    elif expr.refs in inner.annotations:
                        inner.append_annotation_mask([expr.refs])
                if replacements:
                    resolved = resolved.replace_expressions(replacements)
                aggregates[alias] = resolved
            if not inner.select and not inner.annotation_select:
                inner.select = (self.model._meta.pk.get_col(inner.get_initial_alias()),)
            elif inner.selected is not None:
                inner.selected = (
                    *inner.selected,
                    *[n for n in inner.annotation_select if n not in inner.selected],
                )
            outer.annotations = aggregates
            outer.annotation_select_mask = set(aggregates)
            query = outer
        else:
            query = self.clone()
            aggregates = {
                alias: aggregate.resolve_expression(query, summarize=True)
                for alias, aggregate in aggregate_exprs.items()
            }
            query.default_cols = False
            query.select = ()
            query.select_related = False
            query.values_select = ()
            query.selected = None
            query.annotations = aggregates
            query.annotation_select_mask = set(aggregates)
            query.clear_ordering(force=True)
            query.group_by = None
        empty_values = {
            alias: getattr(agg, "empty_result_set_value", None)
            for alias, agg in aggregates.items()
        }
        return query, aggregates, empty_values

    def get_aggregation(self, using, aggregate_exprs):
        """Return {alias: value} of ``aggregate_exprs`` over this query."""
        if not aggregate_exprs:
            return {}
        query, aggregates, empty_values = self.build_aggregation(aggregate_exprs)
        compiler = query.get_compiler(using, elide_empty=False)
        try:
            result = compiler.execute_sql("single")
        except EmptyResultSet:
            return empty_values
        if result is None:
            result = [empty_values[a] for a in aggregates]
        converters = compiler.get_converters(list(aggregates.values()))
        result = next(compiler.apply_converters((result,), converters))
        return dict(zip(aggregates, result, strict=False))

    # -- use as a subquery ---------------------------------------------

    def resolve_expression(self, query, *args, **kwargs):
        clone = self.clone()
        clone.bump_prefix(query)
        clone.subquery = True
        clone.where = clone.where.resolve_expression(query, *args, **kwargs)
        for key, value in clone.annotations.items():
            clone.annotations[key] = value.resolve_expression(query, *args, **kwargs)
            if hasattr(clone.annotations[key], "external_aliases"):
                clone.annotations[key].external_aliases = {}
        clone.select = tuple(
            s.resolve_expression(query, *args, **kwargs)
            if isinstance(s, ResolvedOuterRef)
            else s
            for s in clone.select
        )
        if not clone.is_sliced and not clone.distinct_fields:
            clone.clear_ordering(force=True)
        return clone

    def get_external_cols(self):
        return []

    def get_group_by_cols(self, wrapper=None):
        if not self.contains_outer_reference_cols():
            return []
        return [wrapper or self]

    def contains_outer_reference_cols(self):
        return False

    def as_sql(self, compiler, connection):
        inner = self.get_compiler(connection=connection)
        inner.recording = getattr(compiler, "recording", False)
        inner.slot_fns = getattr(compiler, "slot_fns", {})
        sql, params = inner.as_sql()
        if inner.tz_dependent:
            compiler.tz_dependent = inner.tz_dependent
        if self.subquery:
            sql = f"({sql})"
        return sql, params

    def get_source_expressions(self):
        return []

    def combine(self, rhs, connector):
        """Merge ``rhs`` into this query with AND or OR (``qs1 | qs2``)."""
        if self.model != rhs.model:
            raise TypeError("Cannot combine queries on two different base models.")
        if self.is_sliced:
            raise TypeError("Cannot combine queries once a slice has been taken.")
        if self.distinct != rhs.distinct:
            raise TypeError("Cannot combine a unique query with a non-unique query.")
        pk = self.model._meta.pk.name
        lhs_sub = self.clone()
        lhs_sub.clear_ordering(force=True)
        lhs_sub.clear_select_clause()
        lhs_sub.add_fields([pk])
        rhs_sub = rhs.clone()
        rhs_sub.clear_ordering(force=True)
        rhs_sub.clear_select_clause()
        rhs_sub.add_fields([pk])
        q = Q((pk + "__in", lhs_sub))
        q = (
            q | Q((pk + "__in", rhs_sub))
            if connector == OR
            else q & Q((pk + "__in", rhs_sub))
        )
        new = self.__class__(self.model)
        new.order_by = self.order_by or rhs.order_by
        new.default_ordering = self.default_ordering
        new.add_q(q)
        self.__dict__ = new.__dict__


def _cols_and_refs(expr):
    """Yield the Cols and Refs of ``expr``, not looking inside Refs."""
    if isinstance(expr, (Col, Ref)):
        yield expr
        return
    for source in expr.get_source_expressions():
        if source is not None:
            yield from _cols_and_refs(source)


class _NothingNode:
    """A WHERE child that never matches (``none()``, empty slices)."""

    contains_aggregate = False
    contains_outer_reference = False

    def as_sql(self, compiler=None, connection=None):
        raise EmptyResultSet

    def get_group_by_cols(self):
        return []

    def relabeled_clone(self, change_map):
        return self


def _is_generic(field) -> bool:
    return not hasattr(field, "remote_field") or field.remote_field is None


def _field_choices(opts):
    if opts is None:
        return []
    names = []
    for f in opts.get_fields():
        if getattr(f, "is_relation", False) and not getattr(f, "concrete", True):
            name = getattr(f, "related_query_name", None)
            names.append(name() if callable(name) else f.name)
        else:
            names.append(f.name)
    return names


class RawQuery:
    """A raw SQL query (used by RawQuerySet)."""

    def __init__(self, sql, using, params=()):
        self.params = params
        self.sql = sql
        self.using = using
        self.cursor = None

    def chain(self, using):
        return self.clone(using)

    def clone(self, using):
        return RawQuery(self.sql, using, params=self.params)

    def __str__(self):
        return self.sql % tuple(self.params)

    def __iter__(self):
        from fastdj.db import connections

        self.cursor = connections[self.using].cursor()
        self.cursor.execute(self.sql, self.params)
        return iter(self.cursor)

    def get_columns(self):
        if self.cursor is None:
            iter(self)
        return [c[0] for c in self.cursor.description]
