"""Support objects of the SQL shape cache shared by lookups, Query and QuerySet.

A QuerySet whose every step is cacheable is reduced (by the "sql" kernel) to a
hashable shape key plus the list of its plain values ("slots"). The first time
a shape is compiled, the values are wrapped in :class:`Slotted` so the lookups
built from them remember their slot number; while compiling, those lookups emit
:class:`SlotParam` placeholders instead of real parameters, which gives the
parameter-extraction plan of the cached SQL.
"""

from __future__ import annotations

from fastdj import _accel

__all__ = ["SlotParam", "Slotted", "clear_all", "get_cache", "sql_kernel"]


class Slotted:
    """A plain filter value tagged with its slot number in the shape."""

    __slots__ = ("index", "value")

    def __init__(self, value, index: int):
        self.value = value
        self.index = index

    def __repr__(self):
        return f"Slotted({self.value!r}, {self.index})"


class SlotParam:
    """A parameter placeholder: param ``pos`` of the value in slot ``slot``."""

    __slots__ = ("pos", "slot", "value")

    def __init__(self, slot: int, pos: int, value):
        self.slot = slot
        self.pos = pos
        self.value = value

    def __repr__(self):
        return repr(self.value)

    def __str__(self):
        return str(self.value)


def sql_kernel():
    """Return the active SQL compilation kernel module."""
    return _accel.kernel("sql")


_CACHES: dict = {}


def get_cache(kernel=None):
    """Return the shape cache of ``kernel`` (default: the active kernel).

    There is one cache per kernel module.
    """
    if kernel is None:
        # _accel.kernel("sql") without the call: this runs per query.
        kernel = _accel._active["sql"]
    cache = _CACHES.get(kernel)
    if cache is None:
        cache = _CACHES[kernel] = kernel.ShapeCache(2048)
    return cache


def clear_all() -> None:
    """Forget every cached shape (lookup registrations changed)."""
    for cache in _CACHES.values():
        cache.clear()
