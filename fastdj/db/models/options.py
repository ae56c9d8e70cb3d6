"""Options: the ``Model._meta`` of a model, built from its ``class Meta``."""

from __future__ import annotations

import bisect
from functools import cached_property

from fastdj.apps import apps as global_apps
from fastdj.core.exceptions import FieldDoesNotExist, ImproperlyConfigured

__all__ = ["DEFAULT_NAMES", "Options"]

DEFAULT_NAMES = (
    "verbose_name",
    "verbose_name_plural",
    "db_table",
    "db_table_comment",
    "ordering",
    "unique_together",
    "permissions",
    "get_latest_by",
    "order_with_respect_to",
    "app_label",
    "db_tablespace",
    "abstract",
    "managed",
    "proxy",
    "swappable",
    "auto_created",
    "apps",
    "default_permissions",
    "select_on_save",
    "default_related_name",
    "required_db_features",
    "required_db_vendor",
    "base_manager_name",
    "default_manager_name",
    "indexes",
    "constraints",
)

# Cached properties dropped whenever the set of fields or models changes.
_FORWARD_CACHES = (
    "fields",
    "concrete_fields",
    "_concrete_relation_fields",
    "local_concrete_fields",
    "many_to_many",
    "_forward_fields_map",
    "fields_map",
    "_field_name_cache",
    "db_returning_fields",
    "_plain_init",
)
_REVERSE_CACHES = ("related_objects", "fields_map", "_relation_tree")


def _camel_case_to_spaces(value: str) -> str:
    out = []
    for i, char in enumerate(value):
        if char.isupper() and i and not value[i - 1].isupper():
            out.append(" ")
        elif (
            char.isupper()
            and i
            and i + 1 < len(value)
            and value[i + 1].islower()
            and value[i - 1].isupper()
        ):
            out.append(" ")
        out.append(char.lower())
    return "".join(out).strip()


def normalize_together(option_together):
    """Return ``option_together`` as a tuple of tuples."""
    if not option_together:
        return ()
    if not isinstance(option_together, (tuple, list)):
        raise TypeError("unique_together must be a list or tuple of field names")
    first = option_together[0]
    if not isinstance(first, (tuple, list)):
        option_together = (option_together,)
    return tuple(tuple(ot) for ot in option_together)


class Options:
    """Everything the ORM knows about one model's structure."""

    FORWARD_PROPERTIES = set(_FORWARD_CACHES)
    REVERSE_PROPERTIES = set(_REVERSE_CACHES)

    default_apps = global_apps

    def __init__(self, meta, app_label=None):
        self._get_fields_cache = {}
        self.local_fields = []
        self.local_many_to_many = []
        self.private_fields = []
        self.local_managers = []
        self.base_manager_name = None
        self.default_manager_name = None
        self.model_name = None
        self.verbose_name = None
        self.verbose_name_plural = None
        self.db_table = ""
        self.db_table_comment = ""
        self.ordering = []
        self._ordering_clash = False
        self.indexes = []
        self.constraints = []
        self.unique_together = []
        self.select_on_save = False
        self.default_permissions = ("add", "change", "delete", "view")
        self.permissions = []
        self.object_name = None
        self.app_label = app_label
        self.get_latest_by = None
        self.order_with_respect_to = None
        self.db_tablespace = ""
        self.required_db_features = []
        self.required_db_vendor = None
        self.meta = meta
        self.pk = None
        self.auto_field = None
        self.abstract = False
        self.managed = True
        self.proxy = False
        self.proxy_for_model = None
        self.concrete_model = None
        self.swappable = None
        self.swapped = None
        self.parents = {}
        self.auto_created = False
        self.related_fkey_lookups = []
        self.apps = self.default_apps
        self.default_related_name = None

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.object_name}"

    @property
    def label_lower(self) -> str:
        return f"{self.app_label}.{self.model_name}"

    @property
    def app_config(self):
        return self.apps.app_configs.get(self.app_label)

    def contribute_to_class(self, cls, name) -> None:
        cls._meta = self
        self.model = cls
        self.object_name = cls.__name__
        self.model_name = self.object_name.lower()
        self.verbose_name = _camel_case_to_spaces(self.object_name)
        self.original_attrs = {}
        if self.meta:
            meta_attrs = {
                k: v for k, v in self.meta.__dict__.items() if not k.startswith("_")
            }
            for attr_name in DEFAULT_NAMES:
                if attr_name in meta_attrs:
                    setattr(self, attr_name, meta_attrs.pop(attr_name))
                    self.original_attrs[attr_name] = getattr(self, attr_name)
                elif hasattr(self.meta, attr_name):
                    setattr(self, attr_name, getattr(self.meta, attr_name))
                    self.original_attrs[attr_name] = getattr(self, attr_name)
            self.unique_together = normalize_together(self.unique_together)
            if self.verbose_name_plural is None:
                self.verbose_name_plural = f"{self.verbose_name}s"
            if not self.abstract:
                # Copy, so that a subclass's constraints are its own objects.
                # Named in ModelBase._prepare(), once the fields exist.
                self.indexes = [idx.clone() for idx in self.indexes]
            if meta_attrs:
                raise TypeError(
                    "'class Meta' got invalid attribute(s): " + ",".join(meta_attrs)
                )
        else:
            self.verbose_name_plural = f"{self.verbose_name}s"
        del self.meta
        if not self.db_table:
            self.db_table = f"{self.app_label}_{self.model_name}"

    def _prepare(self, model) -> None:
        if self.pk is None:
            if self.parents:
                field = next(iter(self.parents.values()))
                field.primary_key = True
                self.setup_pk(field)
            else:
                from fastdj.db.models.fields import AutoField, BigAutoField
                from fastdj.utils.module_loading import import_string

                auto_field = self._default_auto_field()
                field_class = {
                    "fastdj.db.models.AutoField": AutoField,
                    "fastdj.db.models.BigAutoField": BigAutoField,
                    "django.db.models.AutoField": AutoField,
                    "django.db.models.BigAutoField": BigAutoField,
                }.get(auto_field) or import_string(auto_field)
                auto = field_class(
                    verbose_name="ID", primary_key=True, auto_created=True
                )
                model.add_to_class("id", auto)

    def _default_auto_field(self) -> str:
        from fastdj.conf import settings

        app_config = self.app_config
        if app_config is not None and "default_auto_field" in type(app_config).__dict__:
            return app_config.default_auto_field
        return getattr(settings, "DEFAULT_AUTO_FIELD", "fastdj.db.models.AutoField")

    def add_manager(self, manager) -> None:
        self.local_managers.append(manager)
        for name in ("managers", "managers_map", "base_manager", "default_manager"):
            self.__dict__.pop(name, None)

    def add_field(self, field, private: bool = False) -> None:
        if private:
            self.private_fields.append(field)
        elif field.is_relation and field.many_to_many:
            bisect.insort(self.local_many_to_many, field)
        else:
            bisect.insort(self.local_fields, field)
            self.setup_pk(field)
        if (
            field.is_relation
            and field.related_model is not None
            and not isinstance(field.related_model, str)
        ):
            try:
                field.remote_field.model._meta._expire_cache(forward=False)
            except AttributeError:
                pass
            self._expire_cache()
        else:
            self._expire_cache(reverse=False)

    def setup_pk(self, field) -> None:
        if not self.pk and field.primary_key:
            self.pk = field
            field.serialize = False

    def __repr__(self):
        return f"<Options for {self.object_name}>"

    def __str__(self):
        return self.label_lower

    # -- managers ---------------------------------------------------------

    @cached_property
    def managers(self):
        managers = []
        seen = set()
        bases = (b for b in self.model.mro() if hasattr(b, "_meta"))
        for depth, base in enumerate(bases):
            for manager in base._meta.local_managers:
                if manager.name in seen:
                    continue
                manager = manager._copy_to_model(self.model) if depth else manager
                manager.model = self.model
                seen.add(manager.name)
                managers.append((depth, manager.creation_counter, manager))
        return tuple(m[2] for m in sorted(managers, key=lambda t: (t[0], t[1])))

    @cached_property
    def managers_map(self):
        return {manager.name: manager for manager in self.managers}

    @cached_property
    def base_manager(self):
        from fastdj.db.models.manager import Manager

        name = self.base_manager_name
        if name:
            try:
                return self.managers_map[name]
            except KeyError:
                raise ValueError(
                    f"{self.object_name} has no manager named {name!r}"
                ) from None
        manager = Manager()
        manager.name = "_base_manager"
        manager.model = self.model
        manager.auto_created = True
        return manager

    @cached_property
    def default_manager(self):
        name = self.default_manager_name
        if not name and not self.local_managers:
            for parent in self.model.mro()[1:]:
                if hasattr(parent, "_meta"):
                    name = parent._meta.default_manager_name
                    break
        if name:
            try:
                return self.managers_map[name]
            except KeyError:
                raise ValueError(
                    f"{self.object_name} has no manager named {name!r}"
                ) from None
        return self.managers[0] if self.managers else None

    # -- fields -----------------------------------------------------------

    @cached_property
    def fields(self):
        """Return the forward concrete and private fields (no M2M), in order."""
        return tuple(
            f
            for f in self._get_fields(reverse=False)
            if not (f.is_relation and f.many_to_many)
        )

    @cached_property
    def concrete_fields(self):
        return tuple(f for f in self.fields if f.concrete)

    @cached_property
    def _concrete_relation_fields(self):
        # The fields Model._prepare_related_fields_for_save() looks at.
        return tuple(f for f in self.concrete_fields if f.is_relation)

    @cached_property
    def local_concrete_fields(self):
        return tuple(f for f in self.local_fields if f.concrete)

    @cached_property
    def many_to_many(self):
        return tuple(
            f
            for f in self._get_fields(reverse=False)
            if f.is_relation and f.many_to_many
        )

    @cached_property
    def related_objects(self):
        """Return the reverse relations (ForeignObjectRel) pointing at this model."""
        return tuple(
            obj
            for obj in self._get_fields(
                forward=False, reverse=True, include_hidden=True
            )
            if not obj.hidden or obj.field.many_to_many
        )

    @cached_property
    def db_returning_fields(self):
        return [f for f in self.concrete_fields if getattr(f, "db_returning", False)]

    @cached_property
    def _forward_fields_map(self):
        res = {}
        for field in self._get_fields(reverse=False):
            res[field.name] = field
            try:
                res[field.attname] = field
            except AttributeError:
                pass
        return res

    @cached_property
    def fields_map(self):
        res = {}
        for field in self._get_fields(forward=False, include_hidden=True):
            res[field.name] = field
            try:
                res[field.attname] = field
            except AttributeError:
                pass
        return res

    def get_field(self, field_name: str):
        """Return the field (forward or reverse) named ``field_name``."""
        try:
            return self._forward_fields_map[field_name]
        except KeyError:
            try:
                return self.fields_map[field_name]
            except KeyError:
                raise FieldDoesNotExist(
                    f"{self.object_name} has no field named '{field_name}'"
                )

    def get_fields(self, include_parents: bool = True, include_hidden: bool = False):
        """Return forward and reverse fields, as Django's get_fields()."""
        return self._get_fields(include_hidden=include_hidden)

    def get_base_chain(self, model):
        return []

    def get_parent_list(self):
        return []

    def get_ancestor_link(self, ancestor):
        return None

    def get_path_to_parent(self, parent):
        return []

    def get_path_from_parent(self, parent):
        return []

    @cached_property
    def _relation_tree(self):
        """Return the relation fields of every registered model pointing here."""
        related = []
        for model in self.apps.all_registered_models():
            opts = model._meta
            if opts.abstract:
                continue
            for field in (*opts.local_fields, *opts.local_many_to_many):
                if (
                    field.is_relation
                    and field.remote_field is not None
                    and not isinstance(field.remote_field.model, str)
                    and field.remote_field.model._meta.concrete_model
                    is self.concrete_model
                ):
                    related.append(field)
        return related

    def _expire_cache(self, forward: bool = True, reverse: bool = True) -> None:
        if forward:
            for name in _FORWARD_CACHES:
                self.__dict__.pop(name, None)
        if reverse and not self.abstract:
            for name in _REVERSE_CACHES:
                self.__dict__.pop(name, None)
        self._get_fields_cache = {}

    def _get_fields(self, forward=True, reverse=True, include_hidden=False):
        cache_key = (forward, reverse, include_hidden)
        try:
            return self._get_fields_cache[cache_key]
        except KeyError:
            pass
        fields = []
        if reverse and not self.proxy:
            for field in self._relation_tree:
                remote = field.remote_field
                if include_hidden or not remote.hidden:
                    fields.append(remote)
        if forward:
            fields += self.local_fields
            fields += self.local_many_to_many
            fields += self.private_fields
        fields = tuple(fields)
        self._get_fields_cache[cache_key] = fields
        return fields

    @cached_property
    def total_unique_constraints(self):
        from fastdj.db.models.constraints import UniqueConstraint

        return [
            c
            for c in self.constraints
            if isinstance(c, UniqueConstraint)
            and c.condition is None
            and not c.contains_expressions
        ]

    @cached_property
    def _plain_init(self):
        """Return what Model.__init__'s keyword-only fast path needs, or None.

        That is ``((attname, field), ...)`` for every field, and whether the
        ``__init__`` after Model's in the MRO is more than object's. None when
        the model is abstract or a field is a relation or has no column
        (those take Model.__init__'s general path).
        """
        from fastdj.db.models.base import Model

        if self.abstract:
            return None
        fields = self.fields
        if any(field.is_relation or field.column is None for field in fields):
            return None
        next_init = super(Model, self.model).__init__
        return (
            tuple((field.attname, field) for field in fields),
            next_init is not object.__init__,
        )

    @cached_property
    def _property_names(self):
        names = set()
        for klass in self.model.__mro__:
            for name, value in vars(klass).items():
                if isinstance(value, property):
                    names.add(name)
        return frozenset(names)

    @cached_property
    def _non_pk_concrete_field_names(self):
        names = set()
        for field in self.concrete_fields:
            if not field.primary_key:
                names.add(field.name)
                if field.name != field.attname:
                    names.add(field.attname)
        return frozenset(names)

    @cached_property
    def db_returning_fields_cached(self):
        return self.db_returning_fields

    def can_migrate(self, connection) -> bool:
        return self.managed and not self.proxy

    def check_table_name(self):
        if not self.db_table:
            raise ImproperlyConfigured(f"{self.label} has no db_table")
