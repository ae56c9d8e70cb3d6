"""Turn a URL regex into %-format templates for reverse().

``normalize(regex)`` returns ``[(template, params), ...]``: every way to write
a URL that the regex accepts with its groups replaced by ``%(name)s``
placeholders, keeping the least number of repetitions (so an optional group
holding a parameter gives two forms: without and with it), the first
character of any character class, and a representative character for classes
such as ``\\d`` or ``.``. Look-arounds are ignored; an alternation ``|`` makes
the regex non-reversible (``[("", [])]``), as in Django.
"""

from __future__ import annotations

__all__ = ["normalize"]

# What an escape stands for in a reversed URL; None means "drop it".
_ESCAPES = {
    "A": None,
    "b": None,
    "B": None,
    "Z": None,
    "d": "0",
    "D": "x",
    "s": " ",
    "S": "x",
    "w": "x",
    "W": "!",
}


class _Group(list):
    """A capturing group: [template, parameter name or None]."""


class _NonCapture(list):
    """The contents of a (?:...) group."""


class _Choice(list):
    """Alternatives at one point: [None (absent), item (present)]."""


class _Alternation(Exception):
    pass


class _Chars:
    """Iterate (char, escaped) over a regex; ``back()`` re-reads one char."""

    def __init__(self, pattern):
        self._pattern = pattern
        self._pos = 0
        self._pending = None

    def next(self):
        if self._pending is not None:
            item, self._pending = self._pending, None
            return item
        pattern = self._pattern
        while True:
            if self._pos >= len(pattern):
                raise StopIteration
            ch = pattern[self._pos]
            self._pos += 1
            if ch != "\\":
                return ch, False
            if self._pos >= len(pattern):
                raise StopIteration
            ch = pattern[self._pos]
            self._pos += 1
            stand_in = _ESCAPES.get(ch, ch)
            if stand_in is not None:
                return stand_in, True

    def back(self, item):
        self._pending = item

    def skip_group(self, first):
        """Skip to the ")" closing the group whose first inner char was ``first``."""
        depth = 1 if first == "(" else 0
        while True:
            ch, escaped = self.next()
            if escaped:
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                if not depth:
                    return
                depth -= 1


def _min_repeat(first, chars):
    """Read a quantifier starting at ``first``; return its minimum count."""
    if first in "*?+":
        minimum = 1 if first == "+" else 0
    else:
        text = []
        ch = first
        while ch != "}":
            ch, _ = chars.next()
            text.append(ch)
        minimum = int("".join(text[:-1]).split(",")[0])
    try:
        item = chars.next()
    except StopIteration:
        return minimum
    if item[0] != "?":  # a lazy marker belongs to the quantifier
        chars.back(item)
    return minimum


def _holds_group(item):
    if isinstance(item, _Group):
        return True
    return isinstance(item, _NonCapture) and any(_holds_group(x) for x in item)


def _parse(pattern):
    items = []
    noncapture_starts = []
    positional = 0
    chars = _Chars(pattern)
    try:
        ch, escaped = chars.next()
    except StopIteration:
        return []
    try:
        while True:
            if escaped:
                items.append(ch)
            elif ch == "|":
                raise _Alternation
            elif ch == "^":
                pass
            elif ch == "$":
                break
            elif ch == ".":
                items.append(".")
            elif ch == ")":
                start = noncapture_starts.pop()
                items[start:] = [_NonCapture(items[start:])]
            elif ch == "[":
                ch, escaped = chars.next()
                items.append(ch)
                while True:
                    ch, escaped = chars.next()
                    if ch == "]" and not escaped:
                        break
            elif ch == "(":
                ch, escaped = chars.next()
                if escaped or ch != "?":
                    name = f"_{positional}"
                    positional += 1
                    items.append(_Group([f"%({name})s", name]))
                    chars.skip_group(ch)
                else:
                    items.extend(_special_group(chars, noncapture_starts, len(items)))
            elif ch in "*?+{":
                minimum = _min_repeat(ch, chars)
                if minimum == 0:
                    if _holds_group(items[-1]):
                        items[-1] = _Choice([None, items[-1]])
                    else:
                        items.pop()
                elif minimum > 1:
                    items.extend([items[-1]] * (minimum - 1))
            else:
                items.append(ch)
            ch, escaped = chars.next()
    except StopIteration:
        pass
    return items


def _special_group(chars, noncapture_starts, position):
    """Handle "(?..." and return the items it adds."""
    ch, _ = chars.next()
    if ch in "!=<":
        chars.skip_group(ch)
        return []
    if ch == ":":
        noncapture_starts.append(position)
        return []
    if ch != "P":
        raise ValueError(f"Non-reversible reg-exp portion: '(?{ch}'")
    ch, _ = chars.next()
    if ch not in "<=":
        raise ValueError(f"Non-reversible reg-exp portion: '(?P{ch}'")
    end = ">" if ch == "<" else ")"
    name = []
    ch, _ = chars.next()
    while ch != end:
        name.append(ch)
        ch, _ = chars.next()
    param = "".join(name)
    if end == ")":  # (?P=name): a back-reference repeats a value, adds no param
        return [_Group([f"%({param})s", None])]
    chars.skip_group(ch)
    return [_Group([f"%({param})s", param])]


def _flatten(node):
    if node is None:
        return [("", [])]
    if isinstance(node, _Group):
        return [(node[0], [node[1]] if node[1] else [])]
    forms = [("", [])]
    for item in node:
        if isinstance(item, str):
            forms = [(text + item, params) for text, params in forms]
        elif isinstance(item, _Group):
            extra = [item[1]] if item[1] else []
            forms = [(text + item[0], params + extra) for text, params in forms]
        else:
            options = []
            for option in item if isinstance(item, _Choice) else [item]:
                options.extend(_flatten(option))
            forms = [
                (text + more, params + more_params)
                for text, params in forms
                for more, more_params in options
            ]
    return forms


def normalize(pattern: str) -> list[tuple[str, list[str]]]:
    """Return the reverse templates of regex ``pattern`` (see module docstring)."""
    try:
        items = _parse(pattern)
    except _Alternation:
        return [("", [])]
    return _flatten(items)
