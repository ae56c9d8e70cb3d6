"""Route table kernel: the pure-Python reference of ``fastdj._speedups.urls_match``.

``compile_routes(entries)`` turns a flattened URLconf into a ``RouteTable``
whose ``match(path)`` returns the same winner as Django's linear scan, without
scanning: routes are stored in a trie keyed on literal path segments, with
converter segments as typed edges, and the table keeps the smallest URLconf
index among the candidates it reaches.

An entry is ``(handle, levels)``, one per view in URLconf order, where
``levels`` lists the patterns from the outermost include down to the view:
``(matcher, pieces, defaults)``.

- ``matcher`` has Django's pattern protocol: ``matcher.match(path)`` returns
  ``(remaining_path, args, kwargs)`` or None.
- ``pieces`` is None for a regex pattern, or the parsed ``path()`` route: a
  sequence of literal strings and ``(name, kind, converter, regex)`` captures,
  where ``kind`` is "int", "str", "slug", "uuid" (built-in converters),
  "custom" (``regex`` is the compiled converter regex, which cannot match
  "/") or "other" (anything else).
- ``defaults`` is the dict of extra kwargs given to ``path()``/``include()``.

Entries whose routes split into whole segments go in the trie; the others
(``re_path()``, ``<path:...>``, pieces glued to converters such as
``page-<slug:s>/``) are matched level by level with their matchers, exactly as
Django does, but only when the path reaches the trie node of their literal
prefix, so the rest of the table is never scanned.

``RouteTable.match(path)`` takes the path as the first level sees it (a root
resolver passes the whole path and makes its "^/" the literal first level of
every entry) and returns ``(handle, args, kwargs, captured_kwargs)`` or None.
"""

from __future__ import annotations

import re
import sys
import uuid

__all__ = ["KERNEL_VERSION", "RouteTable", "compile_routes"]

KERNEL_VERSION = 1

_NO_ORDER = sys.maxsize
_KINDS = ("int", "str", "slug", "uuid", "custom")
_SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CONSTANT = -1


def compile_routes(entries) -> RouteTable:
    """Return a RouteTable for ``entries`` (see the module docstring)."""
    return RouteTable(entries)


class _Node:
    __slots__ = ("literal", "typed", "leaves", "fallbacks", "min_order")

    def __init__(self):
        self.literal = {}
        self.typed = []  # [(kind, regex, child)], sorted by child.min_order
        self.leaves = []
        self.fallbacks = []
        self.min_order = _NO_ORDER

    def child(self, segment):
        """Return the child for ``segment`` (a literal str or a (kind, regex))."""
        if isinstance(segment, str):
            node = self.literal.get(segment)
            if node is None:
                node = self.literal[segment] = _Node()
            return node
        for kind, regex, node in self.typed:
            if (kind, regex) == segment:
                return node
        node = _Node()
        self.typed.append((segment[0], segment[1], node))
        return node

    def finish(self):
        """Sort candidates and compute min_order bottom-up; return it."""
        best = _NO_ORDER
        for node in self.literal.values():
            best = min(best, node.finish())
        for _, _, node in self.typed:
            best = min(best, node.finish())
        self.typed.sort(key=lambda edge: edge[2].min_order)
        self.leaves.sort(key=lambda leaf: leaf.order)
        self.fallbacks.sort(key=lambda fb: fb.order)
        for item in self.leaves[:1] + self.fallbacks[:1]:
            best = min(best, item.order)
        self.min_order = best
        return best


class _Leaf:
    """A trie route: converts its captured segments and builds kwargs."""

    __slots__ = ("order", "handle", "captures", "plan", "captured_plan")

    def __init__(self, order, handle, captures, plan, captured_plan):
        self.order = order
        self.handle = handle
        # [(segment index, kind, converter)], every capture of every level.
        self.captures = captures
        # [(name, capture index or _CONSTANT, constant)] in Django's key order.
        self.plan = plan
        # [(name, capture index)] of the view's own route.
        self.captured_plan = captured_plan

    def build(self, segments):
        values = []
        for index, kind, converter in self.captures:
            segment = segments[index]
            if kind == "str" or kind == "slug":
                values.append(segment)
            elif kind == "int":
                values.append(int(segment))
            elif kind == "uuid":
                values.append(uuid.UUID(segment))
            else:
                try:
                    values.append(converter.to_python(segment))
                except ValueError:
                    return None
        kwargs = {}
        for name, index, constant in self.plan:
            kwargs[name] = constant if index == _CONSTANT else values[index]
        captured = {name: values[index] for name, index in self.captured_plan}
        return (self.handle, (), kwargs, captured)


class _Fallback:
    """A route matched level by level with its patterns, as Django does."""

    __slots__ = ("order", "handle", "levels")

    def __init__(self, order, handle, levels):
        self.order = order
        self.handle = handle
        self.levels = levels  # [(matcher, defaults)]

    def match(self, path):
        found = []
        for matcher, defaults in self.levels:
            result = matcher.match(path)
            if result is None:
                return None
            path, args, kwargs = result
            found.append((args, kwargs, defaults))
        args, captured, defaults = found[-1]
        kwargs = {**captured, **defaults}
        for outer_args, outer_kwargs, outer_defaults in reversed(found[:-1]):
            merged = {**outer_kwargs, **outer_defaults}
            merged.update(kwargs)
            # Django drops positional args as soon as any kwarg exists.
            if not merged:
                args = tuple(outer_args) + tuple(args)
            kwargs = merged
        return (self.handle, args, kwargs, captured)


def _segments(levels):
    """Return the route split into segments, or None if it needs the fallback.

    A segment is a literal str or a capture tuple. A capture must fill a whole
    segment; a "custom" one must also be followed by "/" or the end inside its
    own pattern, since Django matches an include() prefix on its own and a
    custom regex may stop short of the segment end there.
    """
    segments = []
    current = []  # pieces of the segment being read
    last = len(levels) - 1
    for depth, (_, pieces, _) in enumerate(levels):
        if pieces is None:
            return None
        for position, piece in enumerate(pieces):
            if isinstance(piece, str):
                parts = piece.split("/")
                current.append(parts[0])
                for part in parts[1:]:
                    segments.append(current)
                    current = [part]
                continue
            if piece[1] not in _KINDS:
                return None
            if piece[1] == "custom" and position == len(pieces) - 1 and depth != last:
                return None
            current.append(piece)
    segments.append(current)
    result = []
    for pieces in segments:
        literal = [p for p in pieces if isinstance(p, str)]
        captures = [p for p in pieces if not isinstance(p, str)]
        if not captures:
            result.append("".join(literal))
        elif len(captures) == 1 and not "".join(literal):
            result.append(captures[0])
        else:
            return None
    return result


def _literal_prefix(levels):
    """Return the literal segments every path matching ``levels`` starts with."""
    text = []
    for matcher, pieces, _ in levels:
        if pieces is None:
            prefix, whole = _regex_literal_prefix(matcher)
        else:
            prefix_pieces = []
            whole = True
            for piece in pieces:
                if not isinstance(piece, str):
                    whole = False
                    break
                prefix_pieces.append(piece)
            prefix = "".join(prefix_pieces)
        text.append(prefix)
        if not whole:
            break
    return "".join(text).split("/")[:-1]


_REGEX_SPECIAL = frozenset(".^$*+?{}[]()|\\")
_QUANTIFIERS = frozenset("*+?{")


def _regex_literal_prefix(matcher):
    """Return (literal text every match starts with, whether that is all of it)."""
    regex = getattr(matcher, "regex", None)
    if regex is None or not isinstance(regex, re.Pattern):
        return "", False
    source = regex.pattern
    if not isinstance(source, str) or not source.startswith("^"):
        return "", False
    if "|" in source or regex.flags & (re.IGNORECASE | re.VERBOSE):
        return "", False
    text = []
    i, n = 1, len(source)
    while i < n:
        ch = source[i]
        step = 1
        if ch == "\\":
            if i + 1 >= n or source[i + 1].isalnum():
                return "".join(text), False
            ch = source[i + 1]
            step = 2
        elif ch in _REGEX_SPECIAL:
            return "".join(text), False
        if i + step < n and source[i + step] in _QUANTIFIERS:
            return "".join(text), False
        text.append(ch)
        i += step
    return "".join(text), True


def _plan_routes(entries):
    """Return how each entry goes into a route table, in URLconf order.

    Both twins build their tables from this plan, so they agree on which
    routes use the trie. Each item is either
    ``("trie", order, handle, segments, (captures, plan, captured_plan))``
    where a segment is a literal str or a ``(kind, regex)`` edge key, or
    ``("fallback", order, handle, literal_prefix_segments, [(matcher, defaults)])``.
    """
    planned = []
    for order, (handle, levels) in enumerate(entries):
        levels = list(levels)
        if not levels:
            raise ValueError("a route entry needs at least one level")
        segments = _segments(levels)
        if segments is None:
            planned.append(
                (
                    "fallback",
                    order,
                    handle,
                    _literal_prefix(levels),
                    [(matcher, defaults) for matcher, _, defaults in levels],
                )
            )
            continue
        keys = []
        captures = []
        for index, segment in enumerate(segments):
            if not isinstance(segment, str):
                name, kind, converter, regex = segment
                captures.append((index, kind, converter, name))
                segment = (kind, regex if kind == "custom" else None)
            keys.append(segment)
        planned.append(("trie", order, handle, keys, _leaf(levels, captures)))
    return planned


class RouteTable:
    """A compiled URLconf: ``match(path)`` returns Django's winner or None."""

    __slots__ = ("_root", "size")

    def __init__(self, entries):
        root = _Node()
        planned = _plan_routes(entries)
        for where, order, handle, segments, spec in planned:
            node = root
            for segment in segments:
                node = node.child(segment)
            if where == "trie":
                node.leaves.append(_Leaf(order, handle, *spec))
            else:
                node.fallbacks.append(_Fallback(order, handle, spec))
        root.finish()
        self._root = root
        self.size = len(planned)

    def match(self, path: str):
        """Return ``(handle, args, kwargs, captured_kwargs)`` or None."""
        if not isinstance(path, str):
            raise TypeError(f"path must be a str, not {type(path).__name__}")
        found = _search(self._root, path.split("/"), 0, path, _NO_ORDER)
        return None if found is None else found[1]


def _leaf(levels, captures):
    # Replay Django's kwargs merge (outer captures, outer defaults, inner ...)
    # once here, so that a match only fills in values.
    by_level = []
    index = 0
    for _, pieces, defaults in levels:
        names = []
        for piece in pieces:
            if not isinstance(piece, str):
                names.append((piece[0], index))
                index += 1
        by_level.append((names, defaults))
    plan = {}
    for names, defaults in by_level:
        for name, capture in names:
            plan[name] = (capture, None)
        for name, value in defaults.items():
            plan[name] = (_CONSTANT, value)
    return (
        [(index, kind, converter) for index, kind, converter, _ in captures],
        [(name, capture, value) for name, (capture, value) in plan.items()],
        by_level[-1][0],
    )


def _test(kind, regex, segment):
    if kind == "str":
        return segment != ""
    if kind == "int":
        return segment.isascii() and segment.isdigit()
    if kind == "slug":
        return _SLUG_RE.fullmatch(segment) is not None
    if kind == "uuid":
        return _UUID_RE.fullmatch(segment) is not None
    return regex.fullmatch(segment) is not None


def _search(node, segments, depth, path, bound):
    """Return (order, result) of the first route under ``node`` before ``bound``."""
    found = None
    if depth == len(segments):
        for leaf in node.leaves:
            if leaf.order >= bound:
                break
            result = leaf.build(segments)
            if result is not None:
                found, bound = (leaf.order, result), leaf.order
                break
    else:
        segment = segments[depth]
        child = node.literal.get(segment)
        if child is not None and child.min_order < bound:
            sub = _search(child, segments, depth + 1, path, bound)
            if sub is not None:
                found, bound = sub, sub[0]
        for kind, regex, child in node.typed:
            if child.min_order >= bound:
                break
            if _test(kind, regex, segment):
                sub = _search(child, segments, depth + 1, path, bound)
                if sub is not None:
                    found, bound = sub, sub[0]
    for fallback in node.fallbacks:
        if fallback.order >= bound:
            break
        result = fallback.match(path)
        if result is not None:
            return (fallback.order, result)
    return found
