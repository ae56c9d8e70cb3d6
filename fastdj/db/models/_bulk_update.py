"""QuerySet.bulk_update's batches, without rebuilding a CASE tree per batch.

Django compiles each batch to ``UPDATE t SET f = CASE WHEN pk = %s THEN %s ...
END WHERE pk IN (...)``. Building that Case/When tree and compiling it costs
milliseconds for a few dozen objects, far more than the statement itself, and
the statement's text grows with the batch. Two faster routes give the same
result:

- Where the backend can join a table to arrays (PostgreSQL's unnest, see
  ``bulk_update_from_arrays_sql``), one statement with one array parameter per
  column updates any batch: its text never changes, so it is parsed once and
  prepared once. Only built-in fields with scalar column types take it; a
  primary key given twice keeps its first object's values, as the CASE would.
- Elsewhere the CASE statement's text is remembered per shape (model, fields,
  batch length) and later batches only compute their parameters. That text is
  never written by hand: the first batch of a shape is compiled by the general
  path, and the shape is cached only if the parameters derived here equal the
  compiler's exactly.

A batch whose values include an expression, or that could compile to other SQL
text (a value saved as NULL, a primary key given twice), takes the general
path, as does a QuerySet with filters of its own.
"""

from __future__ import annotations

from fastdj.db import transaction
from fastdj.db.models import sql
from fastdj.db.models.expressions import Case, Value, When
from fastdj.db.models.sql.constants import ROW_COUNT

__all__ = ["update_batch"]

# (model, attnames, batch length, vendor) -> CASE SQL, or False for "never";
# (model, attnames, vendor) -> (array SQL, column db types), or False where
# arrays do not apply.
_SHAPES: dict = {}
_SHAPES_MAX = 1024

# Column types whose values psycopg sends faithfully inside an array.
_ARRAY_TYPES = frozenset(
    {
        "bigint",
        "boolean",
        "date",
        "double precision",
        "integer",
        "interval",
        "smallint",
        "text",
        "time",
        "timestamp with time zone",
        "uuid",
    }
)
_ARRAY_TYPE_PREFIXES = ("varchar(", "numeric(")


def update_batch(queryset, fields, batch, pks, connection) -> int:
    """Run one bulk_update batch of ``queryset``; return the matched row count.

    ``pks`` are the primary keys of the objects in ``batch``, in order.
    """
    if queryset._key != ():
        # Filtered or Query-backed: its own WHERE joins the statement.
        return _general(queryset, fields, batch, pks)
    pk_field = queryset.model._meta.pk
    arrays = _arrays_sql(queryset.model, fields, connection)
    if arrays:
        arrays_sql, db_types = arrays
        params = _array_params(fields, batch, pks, pk_field, connection)
        if params is not None:
            ops = connection.ops
            params = [
                ops.bulk_update_array_param(db_type, column)
                for db_type, column in zip(db_types, params, strict=True)
            ]
            return _execute(connection, arrays_sql, params)
        return _general(queryset, fields, batch, pks)
    params = _case_params(fields, batch, pks, pk_field, connection)
    if params is None:
        return _general(queryset, fields, batch, pks)
    key = (
        queryset.model,
        tuple(f.attname for f in fields),
        len(batch),
        connection.vendor,
    )
    sql_text = _SHAPES.get(key)
    if sql_text is None:
        sql_text = _record(queryset, fields, batch, pks, params, connection)
        _remember(key, sql_text)
    if sql_text is False:
        return _general(queryset, fields, batch, pks)
    return _execute(connection, sql_text, params)


def _remember(key, sql_text) -> None:
    if len(_SHAPES) >= _SHAPES_MAX:
        _SHAPES.clear()
    _SHAPES[key] = sql_text


def _array_column(field, connection) -> bool:
    if not type(field).__module__.startswith("fastdj.db.models.fields"):
        return False  # a custom field may save values arrays cannot carry
    db_type = field.db_type(connection)
    return db_type in _ARRAY_TYPES or db_type.startswith(_ARRAY_TYPE_PREFIXES)


def _arrays_sql(model, fields, connection):
    """Return (the array SQL, its columns' db types, primary key first), or
    False where arrays do not apply."""
    key = (model, tuple(f.attname for f in fields), connection.vendor)
    shape = _SHAPES.get(key)
    if shape is None:
        columns = (model._meta.pk, *fields)
        sql_text = connection.ops.bulk_update_from_arrays_sql(model, fields)
        if sql_text and all(_array_column(f, connection) for f in columns):
            shape = (sql_text, tuple(f.db_type(connection) for f in columns))
        else:
            shape = False
        _remember(key, shape)
    return shape


def _array_params(fields, batch, pks, pk_field, connection):
    """Return [pks, values of field 1, ...] as lists, or None for an expression."""
    seen = set()
    objs = []
    unique_pks = []
    for obj, pk in zip(batch, pks, strict=True):
        if pk not in seen:
            seen.add(pk)
            objs.append(obj)
            unique_pks.append(pk)
    arrays = [
        [
            pk_field.get_db_prep_value(pk_field.get_prep_value(pk), connection, True)
            for pk in unique_pks
        ]
    ]
    for field in fields:
        attname = field.attname
        column = []
        for obj in objs:
            value = getattr(obj, attname)
            if hasattr(value, "resolve_expression"):
                return None
            column.append(field.get_db_prep_save(value, connection=connection))
        arrays.append(column)
    return arrays


def _case_params(fields, batch, pks, pk_field, connection):
    """Return the batch's parameters in the CASE statement's order, or None."""
    if len(set(pks)) != len(pks):
        # The general path's IN list drops duplicates: its SQL would differ.
        return None
    pk_params = [
        pk_field.get_db_prep_value(pk_field.get_prep_value(pk), connection, True)
        for pk in pks
    ]
    params: list = []
    for field in fields:
        attname = field.attname
        for obj, pk_param in zip(batch, pk_params, strict=True):
            value = getattr(obj, attname)
            if hasattr(value, "resolve_expression"):
                return None
            value = field.get_db_prep_save(value, connection=connection)
            if value is None:
                # Compiles to a NULL literal, not a parameter.
                return None
            params.append(pk_param)
            params.append(value)
    params.extend(pk_params)
    return params


def _update_query(queryset, fields, batch, pks):
    update_kwargs = {}
    for field in fields:
        whens = []
        for obj in batch:
            attr = getattr(obj, field.attname)
            if not hasattr(attr, "resolve_expression"):
                attr = Value(attr, output_field=field)
            whens.append(When(pk=obj.pk, then=attr))
        update_kwargs[field.name] = Case(*whens, output_field=field)
    query = queryset.filter(pk__in=pks).query.chain(sql.UpdateQuery)
    query.add_update_values(update_kwargs)
    query.annotations = {}
    return query


def _general(queryset, fields, batch, pks) -> int:
    compiler = _update_query(queryset, fields, batch, pks).get_compiler(queryset.db)
    with transaction.mark_for_rollback_on_error(using=queryset.db):
        return compiler.execute_sql(ROW_COUNT)


def _record(queryset, fields, batch, pks, params, connection):
    """Compile the batch the general way; return its SQL if ``params`` agree."""
    query = _update_query(queryset, fields, batch, pks)
    sql_text, expected = query.get_compiler(connection=connection).as_sql()
    if len(expected) != len(params) or any(
        type(a) is not type(b) or a != b for a, b in zip(expected, params, strict=True)
    ):
        return False
    return sql_text


def _execute(connection, sql_text, params) -> int:
    # What transaction.mark_for_rollback_on_error() around a cursor does,
    # without its generator and context-manager frames.
    try:
        return connection.execute_fetchall(sql_text, params, rowcount=True)
    except Exception as exc:
        if connection.in_atomic_block:
            connection.needs_rollback = True
            connection.rollback_exc = exc
        raise
