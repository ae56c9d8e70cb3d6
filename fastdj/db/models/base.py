"""Model and its metaclass: class set-up, instances, save, delete, validation."""

from __future__ import annotations

import contextlib
import copy
import inspect
from collections import defaultdict

from fastdj.apps import apps
from fastdj.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)
from fastdj.db.models import signals
from fastdj.db.models.constants import LOOKUP_SEP
from fastdj.db.models.fields import NOT_PROVIDED
from fastdj.db.models.options import Options

__all__ = ["DEFERRED", "Model", "ModelBase", "ModelState"]

DEFAULT_DB_ALIAS = "default"


class Deferred:
    """Marker for a field value that was not loaded from the database."""

    def __repr__(self):
        return "<Deferred field>"

    def __str__(self):
        return "<Deferred field>"


DEFERRED = Deferred()


def subclass_exception(name, bases, module, attached_to):
    """Return an exception class named ``name`` attached to model ``attached_to``."""
    return type(
        name,
        bases,
        {"__module__": module, "__qualname__": f"{attached_to.__qualname__}.{name}"},
    )


def _has_contribute_to_class(value) -> bool:
    # Classes (e.g. a nested Meta-like helper) are left alone, as in Django.
    return not inspect.isclass(value) and hasattr(value, "contribute_to_class")


class ModelBase(type):
    """Metaclass of every model: build ``_meta``, fields and managers."""

    def __new__(cls, name, bases, attrs, **kwargs):
        super_new = super().__new__
        parents = [b for b in bases if isinstance(b, ModelBase)]
        if not parents:
            return super_new(cls, name, bases, attrs, **kwargs)

        module = attrs.pop("__module__")
        new_attrs = {"__module__": module}
        for special in ("__classcell__", "__qualname__", "__doc__"):
            if special in attrs:
                new_attrs[special] = attrs.pop(special)
        attr_meta = attrs.pop("Meta", None)
        contributable = {}
        for obj_name, obj in attrs.items():
            if _has_contribute_to_class(obj):
                contributable[obj_name] = obj
            else:
                new_attrs[obj_name] = obj
        new_class = super_new(cls, name, bases, new_attrs, **kwargs)

        abstract = getattr(attr_meta, "abstract", False)
        meta = attr_meta or getattr(new_class, "Meta", None)
        base_meta = getattr(new_class, "_meta", None)

        app_label = None
        app_config = _containing_app_config(module)
        if getattr(meta, "app_label", None) is None:
            if app_config is None:
                if not abstract:
                    raise RuntimeError(
                        f"Model class {module}.{name} doesn't declare an explicit "
                        "app_label and isn't in an application in INSTALLED_APPS."
                    )
            else:
                app_label = app_config.label

        new_class.add_to_class("_meta", Options(meta, app_label))
        if not abstract:
            new_class.add_to_class(
                "DoesNotExist",
                subclass_exception(
                    "DoesNotExist",
                    tuple(
                        x.DoesNotExist
                        for x in parents
                        if hasattr(x, "_meta") and not x._meta.abstract
                    )
                    or (ObjectDoesNotExist,),
                    module,
                    attached_to=new_class,
                ),
            )
            new_class.add_to_class(
                "MultipleObjectsReturned",
                subclass_exception(
                    "MultipleObjectsReturned",
                    tuple(
                        x.MultipleObjectsReturned
                        for x in parents
                        if hasattr(x, "_meta") and not x._meta.abstract
                    )
                    or (MultipleObjectsReturned,),
                    module,
                    attached_to=new_class,
                ),
            )
            if base_meta and not base_meta.abstract:
                raise TypeError(
                    f"{name}: multi-table inheritance (subclassing the concrete "
                    f"model {base_meta.object_name}) is not supported by fastdj yet; "
                    "make the parent abstract."
                )
        opts = new_class._meta
        if opts.proxy:
            raise TypeError(f"{name}: proxy models are not supported by fastdj yet.")

        for obj_name, obj in contributable.items():
            new_class.add_to_class(obj_name, obj)

        # Fields of abstract parents are copied, so each child owns its fields.
        local_names = {f.name for f in (*opts.local_fields, *opts.local_many_to_many)}
        inherited = set()
        for base in new_class.mro()[1:]:
            if base not in parents and not any(issubclass(p, base) for p in parents):
                continue
            if not hasattr(base, "_meta") or not base._meta.abstract:
                continue
            for field in (*base._meta.local_fields, *base._meta.local_many_to_many):
                if field.name in local_names or field.name in inherited:
                    continue
                # A subclass may shadow an inherited field with a plain attribute.
                if field.name in new_class.__dict__:
                    continue
                inherited.add(field.name)
                new_class.add_to_class(field.name, copy.deepcopy(field))
            for field in base._meta.private_fields:
                if field.name not in local_names:
                    new_class.add_to_class(field.name, copy.deepcopy(field))
            if not opts.indexes and base._meta.indexes and not attr_meta:
                opts.indexes = [i.clone() for i in base._meta.indexes]
            if not opts.constraints and base._meta.constraints and not attr_meta:
                opts.constraints = list(base._meta.constraints)

        opts.concrete_model = new_class
        if abstract:
            # Abstract models are never instantiated; a child's bare Meta inherits.
            attr_meta.abstract = False
            new_class.Meta = attr_meta
            return new_class

        new_class._prepare()
        opts.apps.register_model(opts.app_label, new_class)
        return new_class

    def add_to_class(cls, name, value) -> None:
        if _has_contribute_to_class(value):
            value.contribute_to_class(cls, name)
        else:
            setattr(cls, name, value)

    def _prepare(cls) -> None:
        opts = cls._meta
        opts._prepare(cls)
        if cls.__doc__ is None:
            names = ", ".join(f.name for f in opts.fields)
            cls.__doc__ = f"{cls.__name__}({names})"
        if not opts.managers:
            if any(f.name == "objects" for f in opts.fields):
                raise ValueError(
                    f"Model {cls.__name__} must specify a custom Manager, because "
                    "it has a field named 'objects'."
                )
            from fastdj.db.models.manager import Manager

            manager = Manager()
            manager.auto_created = True
            cls.add_to_class("objects", manager)
        for index in opts.indexes:
            if not index.name:
                index.set_name_with_model(cls)

    @property
    def _base_manager(cls):
        return cls._meta.base_manager

    @property
    def _default_manager(cls):
        return cls._meta.default_manager


def _containing_app_config(module: str):
    if not apps.apps_ready:
        return None
    candidates = [
        ac
        for ac in apps.app_configs.values()
        if module == ac.name or module.startswith(ac.name + ".")
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda ac: len(ac.name))


class _FieldsCacheDescriptor:
    """Create ModelState.fields_cache on first use (most rows never need it)."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        res = instance.fields_cache = {}
        return res


class ModelState:
    """Per-instance state: the database alias and whether it is unsaved."""

    db = None
    # Not saved yet: save() inserts, validate_unique ignores no row.
    adding = True
    fields_cache = _FieldsCacheDescriptor()

    def __getstate__(self):
        state = self.__dict__.copy()
        if "fields_cache" in state:
            state["fields_cache"] = self.fields_cache.copy()
        return state


def _rebuild_state(db, adding, data):
    state = ModelState()
    state.db, state.adding = db, adding
    state.__dict__.update(data)
    return state


_loaded_state_classes: dict = {}


def loaded_state_class(db):
    """Return a ModelState subclass meaning "loaded from ``db``".

    The row loop creates one state per row; with ``db`` and ``adding = False``
    as class attributes a state costs one allocation and no dict. Writes
    (``state.db = ...``) land in the instance as usual; copies and pickles are
    plain ModelStates.
    """
    try:
        return _loaded_state_classes[db]
    except KeyError:
        pass

    def __reduce__(self):  # noqa: N807
        return _rebuild_state, (self.db, self.adding, self.__getstate__())

    cls = type(
        "ModelState",
        (ModelState,),
        {
            "db": db,
            "adding": False,
            "__reduce__": __reduce__,
            "__module__": __name__,
            "__qualname__": "ModelState",
        },
    )
    _loaded_state_classes[db] = cls
    return cls


_MISSING = object()


def _set_other_kwargs(instance, cls, opts, kwargs) -> None:
    """Set Model.__init__'s keywords left after the fields: properties, or
    other names of fields; any other name is a TypeError."""
    property_names = opts._property_names
    unexpected = ()
    for prop, value in kwargs.items():
        if prop in property_names:
            if value is not DEFERRED:
                setattr(instance, prop, value)
        else:
            try:
                opts.get_field(prop)
            except FieldDoesNotExist:
                unexpected += (prop,)
            else:
                if value is not DEFERRED:
                    setattr(instance, prop, value)
    if unexpected:
        names = ", ".join(repr(n) for n in unexpected)
        raise TypeError(f"{cls.__name__}() got unexpected keyword arguments: {names}")


class Model(metaclass=ModelBase):
    """Base class of every model."""

    def __init__(self, *args, **kwargs):
        cls = self.__class__
        opts = self._meta
        _setattr = setattr
        _DEFERRED = DEFERRED
        plain = opts._plain_init
        if (
            plain is not None
            and not args
            and not signals.pre_init.receivers
            and not signals.post_init.receivers
        ):
            # What the general path below does when every field is a plain
            # column and no init signal has a receiver (sending to none does
            # nothing): one keyword or default per field, in field order.
            self._state = ModelState()
            for attname, field in plain[0]:
                val = kwargs.pop(attname, _MISSING)
                if val is _MISSING:
                    val = field.get_default()
                if val is not _DEFERRED:
                    _setattr(self, attname, val)
            if kwargs:
                _set_other_kwargs(self, cls, opts, kwargs)
            if plain[1]:
                super().__init__()
            return
        if opts.abstract:
            raise TypeError("Abstract models cannot be instantiated.")
        signals.pre_init.send(sender=cls, args=args, kwargs=kwargs)
        self._state = ModelState()

        if len(args) > len(opts.concrete_fields):
            raise IndexError("Number of args exceeds number of fields")
        if not kwargs:
            fields_iter = iter(opts.concrete_fields)
            for val, field in zip(args, fields_iter, strict=False):
                if val is _DEFERRED:
                    continue
                _setattr(self, field.attname, val)
        else:
            fields_iter = iter(opts.fields)
            for val, field in zip(args, fields_iter, strict=False):
                if val is _DEFERRED:
                    continue
                _setattr(self, field.attname, val)
                if kwargs.pop(field.name, NOT_PROVIDED) is not NOT_PROVIDED:
                    raise TypeError(
                        f"{cls.__qualname__}() got both positional and keyword "
                        f"arguments for field '{field.name}'."
                    )

        for field in fields_iter:
            is_related_object = False
            if field.attname not in kwargs and field.column is None:
                continue
            if kwargs:
                if field.is_relation and field.many_to_one or field.one_to_one:
                    try:
                        rel_obj = kwargs.pop(field.name)
                        is_related_object = True
                    except KeyError:
                        try:
                            val = kwargs.pop(field.attname)
                        except KeyError:
                            val = field.get_default()
                else:
                    try:
                        val = kwargs.pop(field.attname)
                    except KeyError:
                        val = field.get_default()
            else:
                val = field.get_default()
            if is_related_object:
                if rel_obj is not _DEFERRED:
                    _setattr(self, field.name, rel_obj)
            elif val is not _DEFERRED:
                _setattr(self, field.attname, val)

        if kwargs:
            _set_other_kwargs(self, cls, opts, kwargs)
        super().__init__()
        signals.post_init.send(sender=cls, instance=self)

    @classmethod
    def from_db(cls, db, field_names, values):
        """Return an instance for a database row (``values`` in field order)."""
        if len(values) != len(cls._meta.concrete_fields):
            values_iter = iter(values)
            values = [
                next(values_iter) if f.attname in field_names else DEFERRED
                for f in cls._meta.concrete_fields
            ]
        new = cls(*values)
        new._state.adding = False
        new._state.db = db
        return new

    def __repr__(self):
        return f"<{self.__class__.__name__}: {self}>"

    def __str__(self):
        return f"{self.__class__.__name__} object ({self.pk})"

    def __eq__(self, other):
        if not isinstance(other, Model):
            return NotImplemented
        if self._meta.concrete_model != other._meta.concrete_model:
            return False
        my_pk = self.pk
        if my_pk is None:
            return self is other
        return my_pk == other.pk

    def __hash__(self):
        if self.pk is None:
            raise TypeError("Model instances without primary key value are unhashable")
        return hash(self.pk)

    def __reduce__(self):
        data = self.__getstate__()
        return model_unpickle, ((self._meta.app_label, self._meta.object_name),), data

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_state"] = copy.copy(state["_state"])
        if "fields_cache" in state["_state"].__dict__:
            state["_state"].fields_cache = state["_state"].fields_cache.copy()
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    def _get_pk_val(self, meta=None):
        meta = meta or self._meta
        return getattr(self, meta.pk.attname)

    def _set_pk_val(self, value):
        return setattr(self, self._meta.pk.attname, value)

    pk = property(_get_pk_val, _set_pk_val)

    def get_deferred_fields(self) -> set[str]:
        """Return the attnames of the fields not loaded for this instance."""
        return {
            f.attname
            for f in self._meta.concrete_fields
            if f.attname not in self.__dict__
        }

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        """Reload field values (all, or ``fields``) from the database."""
        if fields is not None:
            fields = list(fields)
            if not fields:
                return
            if any(LOOKUP_SEP in f for f in fields):
                raise ValueError(
                    f'Found "{LOOKUP_SEP}" in fields argument. Relations and '
                    "transforms are not allowed in fields."
                )
        if from_queryset is None:
            from_queryset = self.__class__._base_manager.db_manager(
                using or self._state.db
            )
        elif using is not None:
            from_queryset = from_queryset.using(using)
        db_instance_qs = from_queryset.filter(pk=self.pk)
        deferred_fields = self.get_deferred_fields()
        if fields is not None:
            prefetched = getattr(self, "_prefetched_objects_cache", {})
            names = []
            for name in fields:
                if name in prefetched:
                    # A prefetched relation is refreshed by dropping its cache.
                    del prefetched[name]
                    continue
                try:
                    # Deferred attributes pass attnames ("author_id").
                    names.append(self._meta.get_field(name).name)
                except FieldDoesNotExist:
                    names.append(name)
            if not names:
                return
            db_instance_qs = db_instance_qs.only(*names)
        elif deferred_fields:
            db_instance_qs = db_instance_qs.only(
                *{
                    f.attname
                    for f in self._meta.concrete_fields
                    if f.attname not in deferred_fields
                }
            )
        db_instance = db_instance_qs.get()
        non_loaded_fields = db_instance.get_deferred_fields()
        for field in self._meta.concrete_fields:
            if field.attname in non_loaded_fields:
                continue
            self.__dict__[field.attname] = getattr(db_instance, field.attname)
            if field.is_relation and field.is_cached(self):
                field.delete_cached_value(self)
        for rel in self._meta.related_objects:
            if (fields is None or rel.name in fields) and rel.is_cached(self):
                rel.delete_cached_value(self)
        prefetched = getattr(self, "_prefetched_objects_cache", None)
        if prefetched:
            if fields is None:
                prefetched.clear()
            else:
                for name in fields:
                    prefetched.pop(name, None)
        self._state.db = db_instance._state.db
        self._state.adding = False

    def serializable_value(self, field_name: str):
        try:
            field = self._meta.get_field(field_name)
        except FieldDoesNotExist:
            return getattr(self, field_name)
        return getattr(self, field.attname)

    # -- save -------------------------------------------------------------

    def save(
        self,
        *args,
        force_insert=False,
        force_update=False,
        using=None,
        update_fields=None,
    ) -> None:
        """Insert or update this instance's row."""
        if args:
            names = ["force_insert", "force_update", "using", "update_fields"]
            if len(args) > len(names):
                raise TypeError("Model.save() takes from 1 to 5 positional arguments")
            values = dict(zip(names, args, strict=False))
            force_insert = values.get("force_insert", force_insert)
            force_update = values.get("force_update", force_update)
            using = values.get("using", using)
            update_fields = values.get("update_fields", update_fields)
        self._prepare_related_fields_for_save(operation_name="save")
        using = using or self._state.db or DEFAULT_DB_ALIAS
        if force_insert and (force_update or update_fields):
            raise ValueError("Cannot force both insert and updating in model saving.")
        deferred = self.get_deferred_fields()
        if update_fields is not None:
            if not update_fields:
                return
            update_fields = frozenset(update_fields)
            non_model = update_fields.difference(
                self._meta._non_pk_concrete_field_names
            )
            if non_model:
                raise ValueError(
                    "The following fields do not exist in this model, are m2m "
                    "fields, primary keys, or are non-concrete fields: "
                    + ", ".join(sorted(non_model))
                )
        elif not force_insert and deferred and using == self._state.db:
            loaded = {
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.attname not in deferred
            }
            update_fields = frozenset(loaded)
        self.save_base(
            using=using,
            force_insert=force_insert,
            force_update=force_update,
            update_fields=update_fields,
        )

    save.alters_data = True

    def save_base(
        self,
        raw=False,
        force_insert=False,
        force_update=False,
        using=None,
        update_fields=None,
    ) -> None:
        """Send pre_save, write the row, send post_save."""
        using = using or self._state.db or DEFAULT_DB_ALIAS
        cls = self.__class__
        meta = cls._meta
        if not meta.auto_created:
            signals.pre_save.send(
                sender=cls,
                instance=self,
                raw=raw,
                using=using,
                update_fields=update_fields,
            )
        with _mark_for_rollback_on_error(using):
            updated = self._save_table(
                raw, cls, force_insert, force_update, using, update_fields
            )
        self._state.db = using
        self._state.adding = False
        if not meta.auto_created:
            signals.post_save.send(
                sender=cls,
                instance=self,
                created=not updated,
                update_fields=update_fields,
                raw=raw,
                using=using,
            )

    save_base.alters_data = True

    def _save_table(
        self,
        raw=False,
        cls=None,
        force_insert=False,
        force_update=False,
        using=None,
        update_fields=None,
    ) -> bool:
        from fastdj.db import DatabaseError

        meta = cls._meta
        pk_field = meta.pk
        non_pks = [f for f in meta.local_concrete_fields if not f.primary_key]
        if update_fields:
            non_pks = [
                f
                for f in non_pks
                if f.name in update_fields or f.attname in update_fields
            ]
        pk_val = self._get_pk_val(meta)
        if pk_val is None:
            pk_val = pk_field.get_pk_value_on_save(self)
            setattr(self, pk_field.attname, pk_val)
        pk_set = pk_val is not None
        if not pk_set and (force_update or update_fields):
            raise ValueError("Cannot force an update in save() with no primary key.")
        updated = False
        # An unsaved instance whose pk has a default is new: skip the UPDATE.
        if (
            not raw
            and not force_insert
            and self._state.adding
            and (pk_field.has_default() or pk_field.has_db_default())
        ):
            force_insert = True
        if pk_set and not force_insert:
            base_qs = cls._base_manager.using(using)
            values = [
                (f, None, getattr(self, f.attname) if raw else f.pre_save(self, False))
                for f in non_pks
            ]
            forced_update = update_fields or force_update
            updated = self._do_update(
                base_qs, using, pk_val, values, update_fields, forced_update
            )
            if force_update and not updated:
                raise DatabaseError("Forced update did not affect any rows.")
            if update_fields and not updated:
                raise DatabaseError("Save with update_fields did not affect any rows.")
        if not updated:
            fields = list(meta.local_concrete_fields)
            if not pk_set:
                fields = [f for f in fields if f is not meta.auto_field]
            returning_fields = meta.db_returning_fields
            results = self._do_insert(
                cls._base_manager, using, fields, returning_fields, raw
            )
            if results:
                for value, field in zip(results[0], returning_fields, strict=False):
                    setattr(self, field.attname, value)
        return updated

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        filtered = base_qs.filter(pk=pk_val)
        if not values:
            # Nothing to write: the row exists if we were told so or it is there.
            return update_fields is not None or filtered.exists()
        if self._meta.select_on_save and not forced_update:
            return filtered.exists() and (
                filtered._update(values) > 0 or filtered.exists()
            )
        return filtered._update(values) > 0

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        return manager._insert(
            [self],
            fields=fields,
            returning_fields=returning_fields,
            using=using,
            raw=raw,
        )

    def _prepare_related_fields_for_save(self, operation_name, fields=None) -> None:
        for field in self._meta._concrete_relation_fields:
            if fields and field not in fields:
                continue
            if not field.is_cached(self):
                continue
            obj = getattr(self, field.name, None)
            if not obj:
                continue
            if obj.pk is None:
                if not field.remote_field.multiple:
                    field.remote_field.delete_cached_value(obj)
                raise ValueError(
                    f"{operation_name}() prohibited to prevent data loss due to "
                    f"unsaved related object '{field.name}'."
                )
            if getattr(self, field.attname) in field.empty_values:
                # The related object was saved after assignment: take its pk.
                setattr(self, field.name, obj)
            if getattr(obj, field.target_field.attname) != getattr(self, field.attname):
                field.delete_cached_value(self)

    def delete(self, using=None, keep_parents=False):
        """Delete this row and those depending on it; return (count, per model)."""
        from fastdj.db.models.deletion import Collector

        if self.pk is None:
            raise ValueError(
                f"{self._meta.object_name} object can't be deleted because its "
                f"{self._meta.pk.attname} attribute is set to None."
            )
        using = using or self._state.db or DEFAULT_DB_ALIAS
        collector = Collector(using=using, origin=self)
        collector.collect([self], keep_parents=keep_parents)
        return collector.delete()

    delete.alters_data = True

    def prepare_database_save(self, field):
        if self.pk is None:
            raise ValueError(
                f"Unsaved model instance {self!r} cannot be used in an ORM query."
            )
        return getattr(self, field.remote_field.get_related_field().attname)

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        for key, label in field.flatchoices:
            if _hashable(key) == _hashable(value):
                return str(label)
        return str(value) if value is not None else "None"

    # -- validation -------------------------------------------------------

    def clean(self) -> None:
        """Hook for model-wide validation; raise ValidationError to report."""

    def clean_fields(self, exclude=None) -> None:
        """Clean every field not in ``exclude``; raise one ValidationError dict."""
        exclude = set() if exclude is None else set(exclude)
        errors = {}
        for f in self._meta.fields:
            if f.name in exclude or not f.concrete:
                continue
            raw_value = getattr(self, f.attname)
            if f.blank and raw_value in f.empty_values:
                continue
            try:
                setattr(self, f.attname, f.clean(raw_value, self))
            except ValidationError as exc:
                errors[f.name] = exc.error_list
        if errors:
            raise ValidationError(errors)

    def _get_unique_checks(self, exclude=None, include_meta_constraints=False):
        exclude = set() if exclude is None else set(exclude)
        unique_checks = []
        constraints = []
        if include_meta_constraints:
            constraints = [(self.__class__, self._meta.total_unique_constraints)]
        for check in self._meta.unique_together:
            if not any(name in exclude for name in check):
                unique_checks.append((self.__class__, check))
        for model_class, model_constraints in constraints:
            for constraint in model_constraints:
                if not any(name in exclude for name in constraint.fields):
                    unique_checks.append((model_class, constraint.fields))
        fields_checks = []
        for f in self._meta.local_fields:
            if f.name in exclude:
                continue
            if f.unique:
                unique_checks.append((self.__class__, (f.name,)))
        return unique_checks, fields_checks

    def _perform_unique_checks(self, unique_checks) -> dict:
        errors = {}
        for model_class, unique_check in unique_checks:
            lookup_kwargs = {}
            for field_name in unique_check:
                f = self._meta.get_field(field_name)
                lookup_value = getattr(self, f.attname)
                if lookup_value is None:
                    break
                if f.primary_key and not self._state.adding:
                    break
                lookup_kwargs[str(field_name)] = lookup_value
            else:
                if len(unique_check) != len(lookup_kwargs):
                    continue
                qs = model_class._default_manager.filter(**lookup_kwargs)
                model_class_pk = self._get_pk_val(model_class._meta)
                if not self._state.adding and model_class_pk is not None:
                    qs = qs.exclude(pk=model_class_pk)
                if qs.exists():
                    key = (
                        unique_check[0] if len(unique_check) == 1 else NON_FIELD_ERRORS
                    )
                    errors.setdefault(key, []).append(
                        self.unique_error_message(model_class, unique_check)
                    )
        return errors

    def unique_error_message(self, model_class, unique_check) -> ValidationError:
        opts = model_class._meta
        params = {
            "model": self,
            "model_class": model_class,
            "model_name": _capfirst(opts.verbose_name),
            "unique_check": unique_check,
        }
        if len(unique_check) == 1:
            field = opts.get_field(unique_check[0])
            params["field_label"] = _capfirst(field.verbose_name)
            return ValidationError(
                message=field.error_messages["unique"], code="unique", params=params
            )
        labels = [_capfirst(opts.get_field(f).verbose_name) for f in unique_check]
        params["field_labels"] = _text_list(labels, "and")
        return ValidationError(
            message="%(model_name)s with this %(field_labels)s already exists.",
            code="unique_together",
            params=params,
        )

    def validate_unique(self, exclude=None) -> None:
        """Raise ValidationError if a unique field or unique_together clashes."""
        unique_checks, _ = self._get_unique_checks(exclude=exclude)
        errors = self._perform_unique_checks(unique_checks)
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        """Run each Meta.constraints' validate(); raise one ValidationError."""
        errors = defaultdict(list)
        for constraint in self._meta.constraints:
            try:
                constraint.validate(self.__class__, self, exclude=exclude)
            except ValidationError as exc:
                if (
                    getattr(constraint, "violation_error_code", None) is None
                    and exc.code == "unique"
                    and len(getattr(constraint, "fields", ())) == 1
                ):
                    errors[constraint.fields[0]].append(exc)
                else:
                    errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(dict(errors))

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        """Run clean_fields, clean, validate_unique and validate_constraints."""
        errors = {}
        exclude = set() if exclude is None else set(exclude)
        try:
            self.clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            self.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if validate_unique:
            for name in errors:
                if name != NON_FIELD_ERRORS and name not in exclude:
                    exclude.add(name)
            try:
                self.validate_unique(exclude=exclude)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if validate_constraints:
            for name in errors:
                if name != NON_FIELD_ERRORS and name not in exclude:
                    exclude.add(name)
            try:
                self.validate_constraints(exclude=exclude)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _capfirst(value) -> str:
    value = str(value)
    return value and value[0].upper() + value[1:]


def _text_list(items, last_word) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return str(items[0])
    return f"{', '.join(str(i) for i in items[:-1])} {last_word} {items[-1]}"


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        if isinstance(value, dict):
            return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
        if isinstance(value, (list, tuple)):
            return tuple(_hashable(v) for v in value)
        raise
    return value


@contextlib.contextmanager
def _mark_for_rollback_on_error(using):
    try:
        from fastdj.db.transaction import mark_for_rollback_on_error
    except ImportError:
        yield
        return
    with mark_for_rollback_on_error(using):
        yield


def model_unpickle(model_id):
    """Return a blank instance of the model (app_label, object_name) for pickle."""
    model = apps.get_model(*model_id) if isinstance(model_id, tuple) else model_id
    return model.__new__(model)


model_unpickle.__safe_for_unpickle__ = True
