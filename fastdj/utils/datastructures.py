"""Container types used by the HTTP layer, as ``django.utils.datastructures``."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

__all__ = [
    "CaseInsensitiveMapping",
    "ImmutableList",
    "MultiValueDict",
    "MultiValueDictKeyError",
    "OrderedSet",
]


class OrderedSet:
    """A set that remembers insertion order."""

    def __init__(self, iterable: Iterable | None = None):
        self.dict = dict.fromkeys(iterable or ())

    def add(self, item) -> None:
        self.dict[item] = None

    def remove(self, item) -> None:
        del self.dict[item]

    def discard(self, item) -> None:
        self.dict.pop(item, None)

    def __iter__(self):
        return iter(self.dict)

    def __reversed__(self):
        return reversed(self.dict)

    def __contains__(self, item) -> bool:
        return item in self.dict

    def __bool__(self) -> bool:
        return bool(self.dict)

    def __len__(self) -> int:
        return len(self.dict)

    def __repr__(self) -> str:
        data = repr(list(self.dict)) if self.dict else ""
        return f"{type(self).__qualname__}({data})"


class MultiValueDictKeyError(KeyError):
    """A key is missing from a MultiValueDict."""


class MultiValueDict(dict):
    """A dict whose keys each map to a list of values.

    Item access returns the last value of the list; ``getlist()`` returns all
    of them. Form data needs this: ``<select multiple>`` sends a name many
    times.
    """

    def __init__(self, key_to_list_mapping=()):
        super().__init__(key_to_list_mapping)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {dict.__repr__(self)}>"

    def __getitem__(self, key):
        """Return the last value for key ([] for an empty list)."""
        try:
            values = dict.__getitem__(self, key)
        except KeyError:
            raise MultiValueDictKeyError(key)
        return values[-1] if values else []

    def __setitem__(self, key, value) -> None:
        dict.__setitem__(self, key, [value])

    def __copy__(self):
        return type(self)([(k, v[:]) for k, v in dict.items(self)])

    def __deepcopy__(self, memo):
        result = type(self)()
        memo[id(self)] = result
        for key, value in dict.items(self):
            dict.__setitem__(
                result, copy.deepcopy(key, memo), copy.deepcopy(value, memo)
            )
        return result

    def __getstate__(self):
        return {**self.__dict__, "_data": {k: self._getlist(k) for k in self}}

    def __setstate__(self, state) -> None:
        data = state.pop("_data", {})
        for key, values in data.items():
            self.setlist(key, values)
        self.__dict__.update(state)

    def get(self, key, default=None):
        """Return the last value for key, or default if missing or empty."""
        try:
            value = self[key]
        except KeyError:
            return default
        if value == []:
            return default
        return value

    def _getlist(self, key, default=None, force_list: bool = False):
        try:
            values = dict.__getitem__(self, key)
        except KeyError:
            return [] if default is None else default
        if force_list and values is not None:
            values = list(values)
        return values

    def getlist(self, key, default=None) -> list:
        """Return a copy of the list of values for key (default or [])."""
        return self._getlist(key, default, force_list=True)

    def setlist(self, key, list_) -> None:
        dict.__setitem__(self, key, list_)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def setlistdefault(self, key, default_list=None) -> list:
        if key not in self:
            self.setlist(key, [] if default_list is None else default_list)
        return self._getlist(key)

    def appendlist(self, key, value) -> None:
        """Append value to the list of key."""
        self.setlistdefault(key).append(value)

    def items(self) -> Iterator[tuple[Any, Any]]:
        """Yield (key, last value) pairs."""
        for key in self:
            yield key, self[key]

    def lists(self) -> Iterator[tuple[Any, list]]:
        """Yield (key, list of values) pairs."""
        return iter(dict.items(self))

    def values(self) -> Iterator[Any]:
        """Yield the last value of each key."""
        for key in self:
            yield self[key]

    def copy(self):
        """Return a shallow copy."""
        return copy.copy(self)

    def update(self, *args, **kwargs) -> None:
        """Extend, rather than replace, the lists of existing keys."""
        if len(args) > 1:
            raise TypeError(f"update expected at most 1 argument, got {len(args)}")
        if args:
            other = args[0]
            if isinstance(other, MultiValueDict):
                for key, values in other.lists():
                    self.setlistdefault(key).extend(values)
            else:
                if isinstance(other, Mapping):
                    other = other.items()
                for key, value in other:
                    self.setlistdefault(key).append(value)
        for key, value in kwargs.items():
            self.setlistdefault(key).append(value)

    def dict(self) -> dict:
        """Return a plain dict of key -> last value."""
        return {key: self[key] for key in self}


class ImmutableList(tuple):
    """A tuple whose mutating list methods raise AttributeError(warning)."""

    def __new__(cls, *args, warning: str = "ImmutableList object is immutable.", **kw):
        self = tuple.__new__(cls, *args, **kw)
        self.warning = warning
        return self

    def complain(self, *args, **kwargs):
        raise AttributeError(self.warning)

    __delitem__ = complain
    __iadd__ = complain
    __imul__ = complain
    __setitem__ = complain
    append = complain
    extend = complain
    insert = complain
    pop = complain
    remove = complain
    sort = complain
    reverse = complain


class CaseInsensitiveMapping(Mapping):
    """A read-only mapping with case-insensitive keys.

    The original spelling of each key is kept for iteration and repr.
    ``_store`` maps the lower-cased key to ``(original key, value)``.
    """

    # Request and response headers are built on every request: no __dict__.
    __slots__ = ("_store",)

    def __init__(self, data):
        self._store = {k.lower(): (k, v) for k, v in self._unpack_items(data)}

    def __getitem__(self, key):
        return self._store[key.lower()][1]

    def __contains__(self, key) -> bool:
        # Mapping's default goes through __getitem__ and an exception.
        return isinstance(key, str) and key.lower() in self._store

    def __len__(self) -> int:
        return len(self._store)

    def __eq__(self, other) -> bool:
        return isinstance(other, Mapping) and {
            k.lower(): v for k, v in self.items()
        } == {k.lower(): v for k, v in other.items()}

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self):
        return (key for key, _ in self._store.values())

    def __repr__(self) -> str:
        return repr(dict(self._store.values()))

    def copy(self):
        return self

    @staticmethod
    def _unpack_items(data):
        if isinstance(data, Mapping):
            yield from data.items()
            return
        for i, elem in enumerate(data):
            if len(elem) != 2:
                raise ValueError(
                    f"dictionary update sequence element #{i} has length "
                    f"{len(elem)}; 2 is required."
                )
            if not isinstance(elem[0], str):
                raise ValueError(
                    f"Element key {elem[0]!r} invalid, only strings are allowed"
                )
            yield elem
