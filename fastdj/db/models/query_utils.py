"""Query building blocks shared by models and the SQL layer: Q, lookup registry."""

from __future__ import annotations

import functools
import sys
from collections import namedtuple
from typing import Any

from fastdj.core.exceptions import FieldError

__all__ = [
    "DeferredAttribute",
    "FieldError",
    "PathInfo",
    "Q",
    "RegisterLookupMixin",
    "select_related_descend",
]

# One step of a relation path: which options to join from and to, and on what.
PathInfo = namedtuple(
    "PathInfo",
    "from_opts to_opts target_fields join_field m2m direct filtered_relation",
)


class Q:
    """A node of a filter tree: keyword lookups joined by AND, OR or XOR."""

    AND = "AND"
    OR = "OR"
    XOR = "XOR"
    default = AND
    conditional = True

    __slots__ = ("children", "connector", "negated")

    def __init__(self, *args, _connector=None, _negated=False, **kwargs):
        self.children = [*args, *sorted(kwargs.items())]
        self.connector = _connector or self.default
        self.negated = _negated

    @classmethod
    def create(cls, children=None, connector=None, negated=False) -> Q:
        """Return a Q with the given children, bypassing keyword sorting."""
        obj = cls.__new__(cls)
        obj.children = list(children) if children else []
        obj.connector = connector or cls.default
        obj.negated = negated
        return obj

    def _combine(self, other, conn):
        if getattr(other, "conditional", False) is False:
            raise TypeError(other)
        if not self:
            return other.copy() if hasattr(other, "copy") else other
        if isinstance(other, Q) and not other:
            return self.copy()
        obj = Q.create(connector=conn)
        obj.children = [self, other]
        return obj

    def copy(self) -> Q:
        """Return a shallow copy of this node (children list copied)."""
        return Q.create(self.children, self.connector, self.negated)

    def __or__(self, other):
        return self._combine(other, self.OR)

    def __and__(self, other):
        return self._combine(other, self.AND)

    def __xor__(self, other):
        return self._combine(other, self.XOR)

    def __invert__(self):
        obj = self.copy()
        obj.negated = not self.negated
        return obj

    def __bool__(self):
        return bool(self.children)

    def __len__(self):
        return len(self.children)

    def __contains__(self, other):
        return other in self.children

    def __eq__(self, other):
        return (
            self.__class__ == other.__class__
            and self.connector == other.connector
            and self.negated == other.negated
            and self.children == other.children
        )

    def __hash__(self):
        return hash(
            (self.__class__, self.connector, self.negated, *map(_h, self.children))
        )

    def __repr__(self):
        template = "(NOT (%s: %s))" if self.negated else "(%s: %s)"
        return template % (self.connector, ", ".join(str(c) for c in self.children))

    __str__ = __repr__

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        """Return the WhereNode this Q compiles to inside ``query``."""
        clause, joins = query._add_q(
            self,
            reuse,
            allow_joins=allow_joins,
            split_subq=False,
            check_filterable=False,
            summarize=summarize,
        )
        query.promote_joins(joins)
        return clause

    def flatten(self):
        """Yield this node and every descendant."""
        yield self
        for child in self.children:
            if isinstance(child, tuple):
                child = child[1]
            if hasattr(child, "flatten"):
                yield from child.flatten()
            else:
                yield child

    def deconstruct(self):
        path = "fastdj.db.models.Q"
        args = tuple(self.children)
        kwargs = {}
        if self.connector != self.default:
            kwargs["_connector"] = self.connector
        if self.negated:
            kwargs["_negated"] = True
        return path, args, kwargs


def _h(value):
    try:
        return hash(value)
    except TypeError:
        return id(value)


class DeferredAttribute:
    """Descriptor that loads a deferred field from the database on first access."""

    def __init__(self, field):
        self.field = field

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        data = instance.__dict__
        name = self.field.attname
        if name not in data:
            instance.refresh_from_db(fields=[name])
        return data[name]


class RegisterLookupMixin:
    """Class-level registry of lookups and transforms (``register_lookup``)."""

    @classmethod
    def _get_lookups_of(cls) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for parent in reversed(cls.__mro__):
            merged.update(parent.__dict__.get("class_lookups", {}))
        return merged

    @classmethod
    @functools.cache
    def get_class_lookups(cls) -> dict[str, Any]:
        return cls._get_lookups_of()

    def get_lookups(self) -> dict[str, Any]:
        lookups = dict(self.get_class_lookups())
        lookups.update(self.__dict__.get("instance_lookups", {}))
        return lookups

    def get_lookup(self, lookup_name):
        """Return the Lookup class registered under ``lookup_name`` or None."""
        from fastdj.db.models.lookups import Lookup

        found = self.get_lookups().get(lookup_name)
        if found is None or not issubclass(found, Lookup):
            if hasattr(self, "output_field") and self.output_field is not self:
                return self.output_field.get_lookup(lookup_name)
            return None
        return found

    def get_transform(self, lookup_name):
        """Return the Transform class registered under ``lookup_name`` or None."""
        from fastdj.db.models.lookups import Transform

        found = self.get_lookups().get(lookup_name)
        if found is None or not issubclass(found, Transform):
            if hasattr(self, "output_field") and self.output_field is not self:
                return self.output_field.get_transform(lookup_name)
            return None
        return found

    @classmethod
    def register_class_lookup(cls, lookup, lookup_name=None):
        if lookup_name is None:
            lookup_name = lookup.lookup_name
        if "class_lookups" not in cls.__dict__:
            cls.class_lookups = {}
        cls.class_lookups[lookup_name] = lookup
        _clear_lookup_caches()
        return lookup

    @classmethod
    def _unregister_class_lookup(cls, lookup, lookup_name=None):
        if lookup_name is None:
            lookup_name = lookup.lookup_name
        del cls.class_lookups[lookup_name]
        _clear_lookup_caches()

    register_lookup = register_class_lookup
    _unregister_lookup = _unregister_class_lookup


def _clear_lookup_caches():
    RegisterLookupMixin.get_class_lookups.cache_clear()
    # Cached SQL may embed the old lookup classes; the cache module is only
    # consulted if it was ever loaded.
    shapes = sys.modules.get("fastdj.db.models.sql._shapes")
    if shapes is not None:
        shapes.clear_all()


def select_related_descend(field, restricted, requested, select_mask=None) -> bool:
    """Return whether select_related() should follow ``field``."""
    if not field.remote_field:
        return False
    if getattr(field.remote_field, "parent_link", False) and not restricted:
        return False
    if restricted:
        if field.name not in requested:
            return False
    elif field.null:
        return False
    if not restricted and not (field.many_to_one or field.one_to_one):
        return False
    return True
