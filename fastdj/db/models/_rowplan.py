"""Build row-materialisation plans from a compiled query (once per query shape).

The query layer's ModelIterable calls :func:`row_plan_for` with its compiler
(Django-shaped: ``select``, ``klass_info``, ``annotation_col_map``,
``get_converters()``, ``connection``, ``col_count``) and hands each fetched chunk
of raw rows to ``rows_kernel().materialize(rows, plan)``.
"""

from __future__ import annotations

from types import ModuleType

from fastdj import _accel

__all__ = ["row_plan_for", "rows_kernel"]


def rows_kernel() -> ModuleType:
    """Return the active "rows" kernel."""
    return _accel.kernel("rows")


def _attnames(select, start, end):
    return tuple(col[0].target.attname for col in select[start:end])


def _related_plans(kernel, klass_info, select, db, connection):
    plans = []
    for info in klass_info.get("related_klass_infos", ()):
        if info.get("from_parent"):
            raise NotImplementedError("multi-table inheritance rows")
        fields = info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        attnames = _attnames(select, start, end)
        model = info["model"]
        pk_index = start + attnames.index(model._meta.pk.attname)
        plans.append(
            kernel.RowPlan(
                model,
                attnames,
                start,
                db,
                connection,
                related=_related_plans(kernel, info, select, db, connection),
                pk_index=pk_index,
                local_setter=info["local_setter"],
                remote_setter=info["remote_setter"],
            )
        )
    return tuple(plans)


def row_plan_for(compiler, db: str, kernel: ModuleType | None = None):
    """Return a RowPlan for the rows ``compiler.execute_sql()`` returns.

    Call it after ``compiler.setup_query()``/``as_sql()`` (``select`` and
    ``klass_info`` are known) and cache it with the compiled query shape.
    """
    kernel = kernel or rows_kernel()
    select = compiler.select
    klass_info = compiler.klass_info
    connection = compiler.connection
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    col_count = getattr(compiler, "col_count", None) or len(select)
    fields = [s[0] for s in select[:col_count]]
    converters = tuple(
        (pos, tuple(convs), expr)
        for pos, (convs, expr) in compiler.get_converters(fields).items()
    )
    annotations = tuple((compiler.annotation_col_map or {}).items())
    return kernel.RowPlan(
        klass_info["model"],
        _attnames(select, start, end),
        start,
        db,
        connection,
        converters=converters,
        related=_related_plans(kernel, klass_info, select, db, connection),
        annotations=annotations,
    )
