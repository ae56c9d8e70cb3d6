"""Text/bytes conversion and IRI/URI helpers, as ``django.utils.encoding``."""

from __future__ import annotations

import datetime
import decimal
from urllib.parse import quote

__all__ = [
    "DjangoUnicodeDecodeError",
    "escape_uri_path",
    "filepath_to_uri",
    "force_bytes",
    "force_str",
    "iri_to_uri",
    "is_protected_type",
    "punycode",
    "repercent_broken_unicode",
    "smart_bytes",
    "smart_str",
    "uri_to_iri",
]

_PROTECTED_TYPES = (
    type(None),
    int,
    float,
    decimal.Decimal,
    datetime.datetime,
    datetime.date,
    datetime.time,
)

# Characters RFC 3987 lets an IRI keep when it becomes a URI.
_IRI_SAFE = "/#%[]=:;$&()+,!?*@'~"


class DjangoUnicodeDecodeError(UnicodeDecodeError):
    """A UnicodeDecodeError that also names the object that failed."""

    def __str__(self) -> str:
        return (
            f"{super().__str__()}. You passed in {self.object!r} ({type(self.object)})"
        )


def is_protected_type(obj) -> bool:
    """Return True if obj is left alone by force_str(strings_only=True)."""
    return isinstance(obj, _PROTECTED_TYPES)


def smart_str(s, encoding="utf-8", strings_only=False, errors="strict"):
    """Return a str for s; lazy objects are left alone (none exist here yet)."""
    return force_str(s, encoding, strings_only, errors)


def force_str(s, encoding="utf-8", strings_only=False, errors="strict") -> str:
    """Return a str for s, decoding bytes with encoding."""
    if type(s) is str:
        return s
    if strings_only and is_protected_type(s):
        return s
    try:
        if isinstance(s, bytes):
            return str(s, encoding, errors)
        return str(s)
    except UnicodeDecodeError as e:
        raise DjangoUnicodeDecodeError(*e.args) from None


def smart_bytes(s, encoding="utf-8", strings_only=False, errors="strict"):
    """Return bytes for s."""
    return force_bytes(s, encoding, strings_only, errors)


def force_bytes(s, encoding="utf-8", strings_only=False, errors="strict") -> bytes:
    """Return bytes for s, re-encoding bytes given in another encoding."""
    if isinstance(s, bytes):
        if encoding == "utf-8":
            return s
        return s.decode("utf-8", errors).encode(encoding, errors)
    if strings_only and is_protected_type(s):
        return s
    if isinstance(s, memoryview):
        return bytes(s)
    return str(s).encode(encoding, errors)


def iri_to_uri(iri):
    """Return the URI form of an IRI portion: non-ASCII is percent-encoded.

    RFC 3987 section 3.1; reserved characters and existing escapes are kept.
    """
    if iri is None:
        return None
    if type(iri) is str and iri.isascii() and not _needs_quoting(iri):
        # Only non-ASCII, controls and a few ASCII punctuation marks change;
        # return the common clean case without building a new string.
        return iri
    return quote(iri, safe=_IRI_SAFE)


# ASCII characters that quote(safe=_IRI_SAFE) escapes (besides control chars).
_IRI_UNSAFE_ASCII = frozenset('"<>\\^`{|}')


def _needs_quoting(s: str) -> bool:
    for ch in s:
        if ch in _IRI_UNSAFE_ASCII or ch < "!" or ch == "\x7f":
            return True
    return False


# Percent-escapes that uri_to_iri() turns back into bytes: the unreserved ASCII
# characters and every byte >= 0x80 (the rest would change the URI's meaning).
_hextobyte: dict[bytes, bytes] = {}
for _c in (45, 46, 95, 126, *range(65, 91), *range(97, 123), *range(0x80, 0x100)):
    for _fmt in ("%02x", "%02X"):
        _hextobyte[(_fmt % _c).encode()] = bytes((_c,))
del _c, _fmt


def uri_to_iri(uri):
    """Return the IRI form of a URI: decode percent-escapes that are safe to.

    RFC 3987 section 3.2 (without step 4); broken UTF-8 stays percent-encoded.
    """
    if uri is None:
        return None
    uri = force_bytes(uri)
    bits = uri.split(b"%")
    if len(bits) == 1:
        iri = uri
    else:
        parts = [bits[0]]
        for item in bits[1:]:
            byte = _hextobyte.get(item[:2])
            if byte is not None:
                parts.append(byte)
                parts.append(item[2:])
            else:
                parts.append(b"%")
                parts.append(item)
        iri = b"".join(parts)
    return repercent_broken_unicode(iri).decode()


def escape_uri_path(path: str) -> str:
    """Return path with the characters unsafe in a URI path percent-encoded."""
    return quote(path, safe="/:@&+$,-_.!~*'()")


def punycode(domain: str) -> str:
    """Return the Punycode of domain if it is not ASCII."""
    return domain.encode("idna").decode("ascii")


def repercent_broken_unicode(path: bytes) -> bytes:
    """Return path with every byte that is not valid UTF-8 percent-encoded.

    RFC 3987 section 3.2, step three.
    """
    if path.isascii():
        return path
    parts = []
    while True:
        try:
            path.decode()
        except UnicodeDecodeError as e:
            bad = quote(path[e.start : e.end], safe=_IRI_SAFE.encode())
            parts.append(path[: e.start] + bad.encode())
            path = path[e.end :]
        else:
            parts.append(path)
            return b"".join(parts)


def filepath_to_uri(path):
    """Return a file system path as a URI portion (backslashes -> slashes)."""
    if path is None:
        return None
    return quote(str(path).replace("\\", "/"), safe="/~!*()'")
