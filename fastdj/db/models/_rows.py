"""Row materialisation kernel: database rows -> model instances (pure reference).

This module is the specification of the "rows" kernel; its Cython twin is
``fastdj._speedups.db_rows``. Both export the same ``__all__``.

API (the contract with the query layer's ModelIterable)::

    plan = RowPlan(model, attnames, start, db, connection=None,
                   converters=(), related=(), annotations=(),
                   pk_index=-1, local_setter=None, remote_setter=None)
    objs = materialize(rows, plan)      # -> list of model instances

Build one RowPlan per compiled query shape (``fastdj.db.models._rowplan.
row_plan_for(compiler, db)`` does it from a Django-shaped compiler) and reuse it
for every execution and every chunk of rows. Arguments:

- ``model``: the model class; ``attnames``: tuple of the attnames of the model
  columns selected, in select order, starting at row index ``start``. Fields not
  listed are deferred (loaded on access, as with ``only()``/``defer()``).
- ``db``: the alias stored in ``instance._state.db``; ``connection`` is passed
  to converters.
- ``converters``: tuple of ``(row_index, (conv, ...), expression)``: each
  ``conv(value, expression, connection)`` is applied in order to
  ``row[row_index]`` before anything else (Django's compiler.get_converters()).
  Only the top plan's converters run; they cover every column of the row.
  A converter with a ``passthrough_types`` attribute (a tuple of types) is
  not called for a value whose exact type is one of them: it declares that it
  returns such values unchanged (e.g. a column the driver already parsed).
- ``related``: tuple of RowPlans for select_related() models, each with
  ``pk_index`` (row index of its primary key: NULL there means "no related
  object"), ``local_setter(from_obj, obj)`` and ``remote_setter(obj, from_obj)``
  (Django's klass_info setters, e.g. ``field.set_cached_value``). A related plan
  may have its own ``related`` plans (nested select_related).
- ``annotations``: tuple of ``(attribute name, row_index)``.

Instances are created without calling ``__init__`` when that is unobservable
(the model overrides neither ``__init__`` nor ``from_db`` and ``pre_init`` has no
receiver for it): the instance ``__dict__`` is filled from ``attnames`` and its
``_state`` is an instance of ``loaded_state_class(db)`` (a ModelState whose
``db``/``adding`` are class attributes). ``post_init`` is sent per instance
only when it has receivers. Otherwise ``model.from_db(db, attnames, values)`` is
called, as Django does.

Column parsers, for drivers that hand over a column's text as bytes (the
SQLite backend registers them as sqlite3 converters)::

    date_from_bytes(value)       # date.fromisoformat(text[:10])
    datetime_from_bytes(value)   # datetime.fromisoformat(text)
    time_from_bytes(value)       # time.fromisoformat(text)

``text`` is ``value.decode()`` (invalid UTF-8 raises UnicodeDecodeError); text
that does not parse gives None, so one bad value does not fail a whole fetch.

``ManagerDescriptor(manager)`` is what ``Manager.contribute_to_class()`` sets
on the model class: ``Model.objects`` gives ``_meta.managers_map[name]``, and
raises AttributeError through an instance or on an abstract model, with
Django's messages. Every query that starts from ``Model.objects`` reads it.

Errors: a ``plan`` that is not a RowPlan, or a related plan that is not one,
raises TypeError; a related plan without ``pk_index`` raises ValueError; a row
shorter than the plan needs raises IndexError (never a partial instance).
"""

from __future__ import annotations

import datetime

__all__ = [
    "KERNEL_VERSION",
    "ManagerDescriptor",
    "RowPlan",
    "materialize",
    "date_from_bytes",
    "datetime_from_bytes",
    "time_from_bytes",
]

KERNEL_VERSION = 2


class ManagerDescriptor:
    """Give the manager on the model class; refuse access through instances.

    ``Model.objects`` runs this per query; the twin answers from C.
    """

    def __init__(self, manager):
        self.manager = manager

    def __get__(self, instance, cls=None):
        if instance is not None:
            raise AttributeError(
                f"Manager isn't accessible via {cls.__name__} instances"
            )
        if cls._meta.abstract:
            raise AttributeError(
                f"Manager isn't available; {cls._meta.object_name} is abstract"
            )
        return cls._meta.managers_map[self.manager.name]


def date_from_bytes(value):
    """Return the date in ISO text ``value`` (bytes), or None if it has none."""
    text = value.decode()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def datetime_from_bytes(value):
    """Return the datetime in ISO text ``value`` (bytes), or None if invalid."""
    text = value.decode()
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def time_from_bytes(value):
    """Return the time in ISO text ``value`` (bytes), or None if invalid."""
    text = value.decode()
    try:
        return datetime.time.fromisoformat(text)
    except ValueError:
        return None


def _setter_cache_name(setter):
    # ``field.set_cached_value`` bound methods become a direct fields_cache
    # write; any other callable is called.
    if setter is None:
        return None
    owner = getattr(setter, "__self__", None)
    if getattr(setter, "__name__", "") == "set_cached_value" and owner is not None:
        return owner.cache_name
    return None


def _passthrough(conv):
    types = getattr(conv, "passthrough_types", None)
    if types is None:
        return None
    types = tuple(types)
    if not all(isinstance(t, type) for t in types):
        raise TypeError("passthrough_types must be a tuple of types")
    return frozenset(types)


class RowPlan:
    """How the rows of one query shape become instances of ``model``."""

    __slots__ = (
        "model",
        "attnames",
        "start",
        "end",
        "db",
        "connection",
        "converters",
        "related",
        "annotations",
        "pk_index",
        "width",
        "local_setter",
        "remote_setter",
        "local_cache_name",
        "remote_cache_name",
        "fast",
        "state_cls",
        "pre_init",
        "post_init",
        "_steps",
    )

    def __init__(
        self,
        model,
        attnames,
        start,
        db,
        connection=None,
        converters=(),
        related=(),
        annotations=(),
        pk_index=-1,
        local_setter=None,
        remote_setter=None,
    ):
        from fastdj.db.models import signals
        from fastdj.db.models.base import Model, loaded_state_class

        self.model = model
        self.attnames = tuple(attnames)
        self.start = int(start)
        self.end = self.start + len(self.attnames)
        self.db = db
        self.connection = connection
        self.converters = tuple(
            (int(pos), tuple(convs), expr) for pos, convs, expr in converters
        )
        self.related = tuple(related)
        for plan in self.related:
            if not isinstance(plan, RowPlan):
                raise TypeError("related plans must be RowPlan instances")
        self._steps = tuple(
            (pos, tuple((conv, _passthrough(conv)) for conv in convs), expr)
            for pos, convs, expr in self.converters
        )
        self.annotations = tuple((str(n), int(p)) for n, p in annotations)
        self.pk_index = int(pk_index)
        for plan in self.related:
            if plan.pk_index < 0:
                raise ValueError("a related plan needs the row index of its pk")
        self.width = max(
            [self.end, self.pk_index + 1, *(plan.width for plan in self.related)]
        )
        self.local_setter = local_setter
        self.remote_setter = remote_setter
        self.local_cache_name = _setter_cache_name(local_setter)
        self.remote_cache_name = _setter_cache_name(remote_setter)
        self.fast = (
            model.__init__ is Model.__init__
            and model.from_db.__func__ is Model.from_db.__func__
            and not any(
                isinstance(getattr(model, name, None), property)
                or hasattr(getattr(model, name, None), "__set__")
                for name, _ in self.annotations
            )
        )
        self.state_cls = loaded_state_class(db)
        self.pre_init = signals.pre_init
        self.post_init = signals.post_init

    def __repr__(self):
        return (
            f"<RowPlan {self.model.__name__} cols {self.start}:{self.end} "
            f"related={len(self.related)}>"
        )


def _new_instance(plan, row):
    cls = plan.model
    obj = cls.__new__(cls)
    data = dict(zip(plan.attnames, row[plan.start : plan.end], strict=False))
    data["_state"] = plan.state_cls.__new__(plan.state_cls)
    obj.__dict__ = data
    return obj


def _build(plan, row, fast, send_post_init):
    if fast:
        obj = _new_instance(plan, row)
        if send_post_init:
            plan.post_init.send(sender=plan.model, instance=obj)
    else:
        obj = plan.model.from_db(plan.db, plan.attnames, row[plan.start : plan.end])
    return obj


def _populate_related(plan, row, from_obj, flags):
    for sub in plan.related:
        sub_fast, sub_post = flags[sub]
        if row[sub.pk_index] is None:
            obj = None
        else:
            obj = _build(sub, row, sub_fast, sub_post)
            if sub.related:
                _populate_related(sub, row, obj, flags)
        if sub.local_cache_name is not None:
            from_obj._state.fields_cache[sub.local_cache_name] = obj
        elif sub.local_setter is not None:
            sub.local_setter(from_obj, obj)
        if obj is not None:
            if sub.remote_cache_name is not None:
                obj._state.fields_cache[sub.remote_cache_name] = from_obj
            elif sub.remote_setter is not None:
                sub.remote_setter(obj, from_obj)


def _has_listeners(signal, model):
    # A signal without receivers has none for ``model``: skip the lookup.
    return bool(signal.receivers) and signal.has_listeners(model)


def _signal_flags(plan, flags):
    model = plan.model
    fast = plan.fast and not _has_listeners(plan.pre_init, model)
    flags[plan] = (fast, _has_listeners(plan.post_init, model))
    for sub in plan.related:
        _signal_flags(sub, flags)
    return flags


def _convert(row, steps, connection):
    # Copy the row only when a converter changed a value.
    out = None
    for pos, convs, expression in steps:
        value = original = row[pos]
        for conv, skip in convs:
            if skip is None or type(value) not in skip:
                value = conv(value, expression, connection)
        if value is not original:
            if out is None:
                out = list(row)
            out[pos] = value
    return row if out is None else out


def materialize(rows, plan: RowPlan) -> list:
    """Return the model instances built from ``rows`` following ``plan``."""
    if not isinstance(plan, RowPlan):
        raise TypeError(f"plan must be a RowPlan, not {type(plan).__name__}")
    flags = _signal_flags(plan, {})
    fast, send_post_init = flags[plan]
    steps = plan._steps
    connection = plan.connection
    width = plan.width
    result = []
    append = result.append
    if fast and not send_post_init and not plan.related and not plan.annotations:
        # The common shape (plain model rows): one loop, no per-row calls.
        cls = plan.model
        new = cls.__new__
        state_cls = plan.state_cls
        new_state = state_cls.__new__
        attnames = plan.attnames
        start, end = plan.start, plan.end
        for row in rows:
            if steps:
                row = _convert(row, steps, connection)
            if len(row) < width:
                raise IndexError("row has fewer columns than the plan expects")
            obj = new(cls)
            data = dict(zip(attnames, row[start:end] if start else row, strict=False))
            data["_state"] = new_state(state_cls)
            obj.__dict__ = data
            append(obj)
        return result
    annotations = plan.annotations
    has_related = bool(plan.related)
    for row in rows:
        if steps:
            row = _convert(row, steps, connection)
        if len(row) < width:
            raise IndexError("row has fewer columns than the plan expects")
        obj = _build(plan, row, fast, send_post_init)
        if has_related:
            _populate_related(plan, row, obj, flags)
        for name, pos in annotations:
            setattr(obj, name, row[pos])
        append(obj)
    return result
