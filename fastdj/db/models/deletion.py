"""Deletion: collect the rows a delete() reaches and remove them in order.

on_delete handlers (CASCADE, PROTECT, RESTRICT, SET_NULL, SET_DEFAULT, SET(),
DO_NOTHING) are called by the Collector with the related rows of each
relation; delete() returns (total, {"app_label.Model": count}) as Django does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import reduce
from itertools import chain
from operator import attrgetter, or_

from fastdj.db.models import signals

__all__ = [
    "CASCADE",
    "DO_NOTHING",
    "PROTECT",
    "RESTRICT",
    "SET",
    "SET_DEFAULT",
    "SET_NULL",
    "Collector",
    "ProtectedError",
    "RestrictedError",
]

# Rows fetched per query when following relations (SQLite's variable limit).
_BATCH_SIZE = 500


class ProtectedError(Exception):
    """Deleting would remove rows a PROTECT foreign key points at."""

    def __init__(self, msg, protected_objects):
        self.protected_objects = protected_objects
        super().__init__(msg, protected_objects)


class RestrictedError(Exception):
    """Deleting would remove rows a RESTRICT foreign key points at."""

    def __init__(self, msg, restricted_objects):
        self.restricted_objects = restricted_objects
        super().__init__(msg, restricted_objects)


def CASCADE(collector, field, sub_objs, using):  # noqa: N802 - Django's name
    collector.collect(
        sub_objs,
        source=field.remote_field.model,
        source_attr=field.name,
        nullable=field.null,
        fail_on_restricted=False,
    )
    if field.null and not _features(using, "can_defer_constraint_checks"):
        collector.add_field_update(field, None, sub_objs)


def PROTECT(collector, field, sub_objs, using):  # noqa: N802
    raise ProtectedError(
        f"Cannot delete some instances of model "
        f"'{field.remote_field.model.__name__}' because they are referenced "
        f"through a protected foreign key: "
        f"'{sub_objs[0].__class__.__name__}.{field.name}'",
        sub_objs,
    )


def RESTRICT(collector, field, sub_objs, using):  # noqa: N802
    collector.add_restricted_objects(field, sub_objs)
    collector.add_dependency(field.remote_field.model, field.model)


def SET(value):  # noqa: N802
    """Return an on_delete handler that sets the FK to ``value`` (or its result)."""
    if callable(value):

        def set_on_delete(collector, field, sub_objs, using):
            collector.add_field_update(field, value(), sub_objs)

    else:

        def set_on_delete(collector, field, sub_objs, using):
            collector.add_field_update(field, value, sub_objs)

    set_on_delete.deconstruct = lambda: ("fastdj.db.models.SET", (value,), {})
    set_on_delete.lazy_sub_objs = True
    return set_on_delete


def SET_NULL(collector, field, sub_objs, using):  # noqa: N802
    collector.add_field_update(field, None, sub_objs)


SET_NULL.lazy_sub_objs = True


def SET_DEFAULT(collector, field, sub_objs, using):  # noqa: N802
    collector.add_field_update(field, field.get_default(), sub_objs)


SET_DEFAULT.lazy_sub_objs = True


def DO_NOTHING(collector, field, sub_objs, using):  # noqa: N802
    pass


def _features(using, name) -> bool:
    from fastdj.db import connections

    return bool(getattr(connections[using].features, name, False))


def get_candidate_relations_to_delete(opts):
    """Yield the reverse one-to-one and many-to-one relations of ``opts``."""
    return (
        f
        for f in opts._get_fields(forward=False, reverse=True, include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    )


def _is_queryset(objs) -> bool:
    return (
        hasattr(objs, "model") and hasattr(objs, "query") and not hasattr(objs, "_meta")
    )


class Collector:
    """Gather the objects a delete reaches, then delete them in a safe order."""

    def __init__(self, using, origin=None):
        self.using = using
        # The object or QuerySet delete() was called on, for signals.
        self.origin = origin
        # model -> set of instances to delete
        self.data = defaultdict(set)
        # (field, value) -> [instances or querysets to update]
        self.field_updates = defaultdict(list)
        # model -> {field -> set of instances} held by RESTRICT
        self.restricted_objects = defaultdict(partial_defaultdict_set)
        # QuerySets deleted without fetching (no signals, no further relations)
        self.fast_deletes = []
        # model -> set of models that must be deleted before it
        self.dependencies = defaultdict(set)

    def add(self, objs, source=None, nullable=False, reverse_dependency=False):
        """Add ``objs`` to delete; return the ones not already collected."""
        if not objs:
            return []
        new_objs = []
        model = objs[0].__class__
        instances = self.data[model]
        for obj in objs:
            if obj not in instances:
                new_objs.append(obj)
        instances.update(new_objs)
        # A non-nullable FK row must go before the row it points at.
        if source is not None and not nullable:
            self.add_dependency(source, model, reverse_dependency=reverse_dependency)
        return new_objs

    def add_dependency(self, model, dependency, reverse_dependency=False):
        if reverse_dependency:
            model, dependency = dependency, model
        self.dependencies[model._meta.concrete_model].add(
            dependency._meta.concrete_model
        )
        self.data.setdefault(dependency, self.data.default_factory())

    def add_field_update(self, field, value, objs):
        """Schedule ``field = value`` on ``objs`` (a list or a QuerySet)."""
        self.field_updates[field, value].append(objs)

    def add_restricted_objects(self, field, objs):
        if objs:
            model = objs[0].__class__
            self.restricted_objects[model][field].update(objs)

    def clear_restricted_objects_from_set(self, model, objs):
        if model in self.restricted_objects:
            self.restricted_objects[model] = {
                field: items - objs
                for field, items in self.restricted_objects[model].items()
            }

    def clear_restricted_objects_from_queryset(self, model, qs):
        if model in self.restricted_objects:
            pks = [
                obj.pk
                for objs in self.restricted_objects[model].values()
                for obj in objs
            ]
            objs = set(qs.filter(pk__in=pks))
            self.clear_restricted_objects_from_set(model, objs)

    def _has_signal_listeners(self, model) -> bool:
        return signals.pre_delete.has_listeners(
            model
        ) or signals.post_delete.has_listeners(model)

    def can_fast_delete(self, objs, from_field=None) -> bool:
        """Return True if ``objs`` can be deleted without fetching them.

        That is: no signals, and nothing points at them but DO_NOTHING relations.
        """
        if from_field is not None and from_field.remote_field.on_delete is not CASCADE:
            return False
        if hasattr(objs, "_meta"):
            model = objs._meta.model
        elif _is_queryset(objs) and hasattr(objs, "_raw_delete"):
            model = objs.model
        else:
            return False
        if self._has_signal_listeners(model):
            return False
        opts = model._meta
        return all(
            related.field.remote_field.on_delete is DO_NOTHING
            for related in get_candidate_relations_to_delete(opts)
        )

    def get_del_batches(self, objs, fields):
        """Split ``objs`` in batches small enough for one IN (...) query."""
        objs = list(objs) if not isinstance(objs, list) else objs
        if len(objs) > _BATCH_SIZE:
            return [objs[i : i + _BATCH_SIZE] for i in range(0, len(objs), _BATCH_SIZE)]
        return [objs]

    def collect(
        self,
        objs,
        source=None,
        nullable=False,
        collect_related=True,
        source_attr=None,
        reverse_dependency=False,
        keep_parents=False,
        fail_on_restricted=True,
    ) -> None:
        """Add ``objs`` and everything their deletion cascades to."""
        if self.can_fast_delete(objs):
            self.fast_deletes.append(objs)
            return
        new_objs = self.add(
            list(objs) if _is_queryset(objs) else objs,
            source,
            nullable,
            reverse_dependency=reverse_dependency,
        )
        if not new_objs:
            return
        model = new_objs[0].__class__
        if not collect_related:
            return
        protected_objects = defaultdict(list)
        model_fast_deletes = defaultdict(list)
        for related in get_candidate_relations_to_delete(model._meta):
            field = related.field
            on_delete = field.remote_field.on_delete
            if on_delete is DO_NOTHING:
                continue
            related_model = related.related_model
            if self.can_fast_delete(related_model, from_field=field):
                model_fast_deletes[related_model].append(field)
                continue
            for batch in self.get_del_batches(new_objs, [field]):
                sub_objs = self.related_objects(related_model, [field], batch)
                if getattr(on_delete, "lazy_sub_objs", False) or sub_objs:
                    try:
                        on_delete(self, field, sub_objs, self.using)
                    except ProtectedError as error:
                        key = f"'{field.model.__name__}.{field.name}'"
                        protected_objects[key] += list(error.protected_objects)
        if protected_objects:
            raise ProtectedError(
                f"Cannot delete some instances of model {model.__name__!r} "
                "because they are referenced through protected foreign keys: "
                f"{', '.join(protected_objects)}.",
                set(chain.from_iterable(protected_objects.values())),
            )
        for related_model, related_fields in model_fast_deletes.items():
            for batch in self.get_del_batches(new_objs, related_fields):
                sub_objs = self.related_objects(related_model, related_fields, batch)
                self.fast_deletes.append(sub_objs)
        if fail_on_restricted:
            # RESTRICT only blocks when the rows are not deleted by a CASCADE
            # path anyway.
            for related_model, instances in self.data.items():
                self.clear_restricted_objects_from_set(related_model, instances)
            for qs in self.fast_deletes:
                self.clear_restricted_objects_from_queryset(qs.model, qs)
            if self.restricted_objects.values():
                restricted_objects = defaultdict(list)
                for related_model, fields in self.restricted_objects.items():
                    for field, objs_ in fields.items():
                        if objs_:
                            key = f"'{related_model.__name__}.{field.name}'"
                            restricted_objects[key] += list(objs_)
                if restricted_objects:
                    raise RestrictedError(
                        f"Cannot delete some instances of model "
                        f"{model.__name__!r} because they are referenced "
                        "through restricted foreign keys: "
                        f"{', '.join(restricted_objects)}.",
                        set(chain.from_iterable(restricted_objects.values())),
                    )

    def related_objects(self, related_model, related_fields, objs):
        """Return a QuerySet of ``related_model`` rows pointing at ``objs``."""
        from fastdj.db.models.query_utils import Q

        pks = [obj.pk for obj in objs]
        predicate = reduce(
            or_,
            (
                Q.create([(f"{related_field.attname}__in", pks)])
                for related_field in related_fields
            ),
        )
        return related_model._base_manager.using(self.using).filter(predicate)

    def instances_with_model(self):
        for model, instances in self.data.items():
            for obj in instances:
                yield model, obj

    def sort(self) -> None:
        sorted_models = []
        concrete_models = set()
        models = list(self.data)
        while len(sorted_models) < len(models):
            found = False
            for model in models:
                if model in sorted_models:
                    continue
                dependencies = self.dependencies.get(model._meta.concrete_model)
                if not (dependencies and dependencies.difference(concrete_models)):
                    sorted_models.append(model)
                    concrete_models.add(model._meta.concrete_model)
                    found = True
            if not found:
                return
        self.data = defaultdict(
            set, {model: self.data[model] for model in sorted_models}
        )

    def delete(self):
        """Delete the collected rows; return (total, {label: count})."""
        from fastdj.db import connections, transaction

        for model, instances in self.data.items():
            self.data[model] = sorted(instances, key=attrgetter("pk"))
        self.sort()
        deleted_counter = Counter()

        # One object, nothing else: delete it directly.
        if len(self.data) == 1 and not self.fast_deletes and not self.field_updates:
            model, instances = next(iter(self.data.items()))
            if len(instances) == 1:
                instance = instances[0]
                if self.can_fast_delete(instance):
                    with transaction.mark_for_rollback_on_error(self.using):
                        count = self._delete_batch(
                            connections[self.using], model, [instance.pk]
                        )
                    setattr(instance, model._meta.pk.attname, None)
                    return count, {model._meta.label: count}

        with transaction.atomic(using=self.using, savepoint=False):
            for model, obj in self.instances_with_model():
                if not model._meta.auto_created:
                    signals.pre_delete.send(
                        sender=model, instance=obj, using=self.using, origin=self.origin
                    )
            for qs in self.fast_deletes:
                count = qs._raw_delete(using=self.using)
                if count:
                    deleted_counter[qs.model._meta.label] += count
            for (field, value), instances_list in self.field_updates.items():
                updates = []
                objs = []
                for instances in instances_list:
                    if _is_queryset(instances) and instances._result_cache is None:
                        updates.append(instances)
                    else:
                        objs.extend(instances)
                if updates:
                    combined = reduce(or_, updates)
                    combined.update(**{field.name: value})
                if objs:
                    model = objs[0].__class__
                    pks = list({obj.pk for obj in objs})
                    model._base_manager.using(self.using).filter(pk__in=pks).update(
                        **{field.name: value}
                    )
            for model, instances in self.data.items():
                if not instances:
                    continue
                pk_list = [obj.pk for obj in instances]
                count = self._delete_batch(connections[self.using], model, pk_list)
                if count:
                    deleted_counter[model._meta.label] += count
                if not model._meta.auto_created:
                    for obj in instances:
                        signals.post_delete.send(
                            sender=model,
                            instance=obj,
                            using=self.using,
                            origin=self.origin,
                        )
        for (field, value), instances_list in self.field_updates.items():
            for instances in instances_list:
                if _is_queryset(instances) and instances._result_cache is None:
                    continue
                for obj in instances:
                    setattr(obj, field.attname, value)
        for model, instances in self.data.items():
            for instance in instances:
                setattr(instance, model._meta.pk.attname, None)
        return sum(deleted_counter.values()), dict(deleted_counter)

    @staticmethod
    def _delete_batch(connection, model, pk_list) -> int:
        """DELETE rows of ``model`` by primary key, in batches; return the count."""
        qn = connection.ops.quote_name
        opts = model._meta
        table = qn(opts.db_table)
        column = qn(opts.pk.column)
        count = 0
        pk_field = opts.pk
        with connection.cursor() as cursor:
            for start in range(0, len(pk_list), _BATCH_SIZE):
                batch = [
                    pk_field.get_db_prep_value(pk, connection)
                    for pk in pk_list[start : start + _BATCH_SIZE]
                ]
                placeholders = ", ".join(["%s"] * len(batch))
                cursor.execute(
                    f"DELETE FROM {table} WHERE {table}.{column} IN ({placeholders})",
                    batch,
                )
                count += cursor.rowcount
        return count


def partial_defaultdict_set():
    return defaultdict(set)
