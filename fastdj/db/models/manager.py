"""Managers: the ``Model.objects`` entry point that hands out QuerySets."""

from __future__ import annotations

import copy
import inspect

from fastdj import _accel
from fastdj.db.models.query import QuerySet, keyed_get_rows, one_result

__all__ = ["BaseManager", "EmptyManager", "Manager"]


def __getattr__(name):
    # ManagerDescriptor is the active rows kernel's (every ``Model.objects``
    # goes through its __get__), known only once _accel, which imports this
    # package, has chosen it.
    if name == "ManagerDescriptor":
        return _accel.kernel("rows").ManagerDescriptor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class BaseManager:
    """Proxy QuerySet methods onto a per-model, per-database entry point."""

    # Declaration order, so a model's first manager is its default one.
    creation_counter = 0
    auto_created = False
    # Set by as_manager() so a copied QuerySet-based manager can be rebuilt.
    _queryset_class = None
    use_in_migrations = False

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        obj._constructor_args = (args, kwargs)
        return obj

    def __init__(self):
        super().__init__()
        self._set_creation_counter()
        self.model = None
        self.name = None
        self._db = None
        self._hints = {}

    def __str__(self):
        return f"{self.model._meta.label}.{self.name}"

    def __class_getitem__(cls, *args, **kwargs):
        return cls

    def deconstruct(self):
        qs_class = self._queryset_class
        if getattr(self, "_built_with_as_manager", False):
            return True, None, f"{qs_class.__module__}.{qs_class.__name__}", None, None
        module_name = self.__module__
        return (
            False,
            f"{module_name}.{type(self).__name__}",
            None,
            self._constructor_args[0],
            self._constructor_args[1],
        )

    def check(self, **kwargs):
        return []

    @classmethod
    def _get_queryset_methods(cls, queryset_class) -> dict:
        def create_method(name, method):
            def manager_method(self, *args, **kwargs):
                return getattr(self.get_queryset(), name)(*args, **kwargs)

            manager_method.__name__ = method.__name__
            manager_method.__doc__ = method.__doc__
            return manager_method

        new_methods = {}
        for name, method in inspect.getmembers(
            queryset_class, predicate=inspect.isfunction
        ):
            if hasattr(cls, name):
                continue
            queryset_only = getattr(method, "queryset_only", None)
            if queryset_only or (queryset_only is None and name.startswith("_")):
                continue
            new_methods[name] = create_method(name, method)
        return new_methods

    @classmethod
    def from_queryset(cls, queryset_class, class_name=None):
        """Return a Manager subclass exposing ``queryset_class``'s public methods."""
        if class_name is None:
            class_name = f"{cls.__name__}From{queryset_class.__name__}"
        return type(
            class_name,
            (cls,),
            {
                "_queryset_class": queryset_class,
                **cls._get_queryset_methods(queryset_class),
            },
        )

    def contribute_to_class(self, cls, name) -> None:
        self.name = self.name or name
        self.model = cls
        setattr(cls, name, _accel.kernel("rows").ManagerDescriptor(self))
        cls._meta.add_manager(self)

    def _set_creation_counter(self) -> None:
        self.creation_counter = BaseManager.creation_counter
        BaseManager.creation_counter += 1

    def _copy_to_model(self, model):
        # An inherited manager must point at the child model.
        manager = copy.copy(self)
        manager.model = model
        return manager

    def db_manager(self, using=None, hints=None):
        """Return a copy of this manager bound to database ``using``."""
        obj = copy.copy(self)
        obj._db = using or self._db
        obj._hints = hints or self._hints
        return obj

    @property
    def db(self) -> str:
        return self._db or "default"

    def get_queryset(self):
        """Return the QuerySet this manager's methods start from."""
        return self._queryset_class(model=self.model, using=self._db, hints=self._hints)

    def all(self):
        # Not proxied through get_queryset().all(): a copy is needed only if
        # get_queryset() returns a shared object, and ours never does.
        return self.get_queryset()

    def __eq__(self, other):
        return (
            isinstance(other, self.__class__)
            and self._constructor_args == other._constructor_args
        )

    def __hash__(self):
        return id(self)


class Manager(BaseManager.from_queryset(QuerySet)):
    """The default manager: every QuerySet method, on the model's rows."""

    def get(self, *args, **kwargs):
        """Return the one object matching the lookups (as ``QuerySet.get()``)."""
        # With the stock get_queryset() and QuerySet class the QuerySet would
        # be a plain one, so a keyed get() whose shape is cached needs none.
        if (
            kwargs
            and not args
            and self._queryset_class is QuerySet
            and type(self).get_queryset is BaseManager.get_queryset
        ):
            rows = keyed_get_rows(self.model, self._db, (), (), kwargs)
            if rows is not None:
                return rows[0] if len(rows) == 1 else one_result(self.model, rows)
        return self.get_queryset().get(*args, **kwargs)


class EmptyManager(Manager):
    """A manager whose QuerySets are always empty."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def get_queryset(self):
        return super().get_queryset().none()
