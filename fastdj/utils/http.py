"""HTTP helpers (dates, query strings, header parameters), as ``django.utils.http``."""

from __future__ import annotations

import base64
import codecs
import re
import unicodedata
from binascii import Error as BinasciiError
from datetime import datetime, timezone
from email.message import Message
from email.utils import collapse_rfc2231_value, formatdate
from urllib.parse import quote, urlsplit
from urllib.parse import urlencode as _urlencode

from fastdj.utils.datastructures import MultiValueDict

__all__ = [
    "MAX_URL_LENGTH",
    "MAX_URL_REDIRECT_LENGTH",
    "base36_to_int",
    "content_disposition_header",
    "escape_leading_slashes",
    "http_date",
    "int_to_base36",
    "is_same_domain",
    "parse_etags",
    "parse_header_parameters",
    "parse_http_date",
    "parse_http_date_safe",
    "quote_etag",
    "url_has_allowed_host_and_scheme",
    "urlencode",
    "urlsafe_base64_decode",
    "urlsafe_base64_encode",
]

ETAG_MATCH = re.compile(
    r"""
    \A(      # start of string and capture group
    (?:W/)?  # optional weak indicator
    "        # opening quote
    [^"]*    # any sequence of non-quote characters
    "        # end quote
    )\Z      # end of string and capture group
""",
    re.X,
)

MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_D = r"(?P<day>[0-9]{2})"
_D2 = r"(?P<day>[ 0-9][0-9])"
_M = r"(?P<mon>\w{3})"
_Y = r"(?P<year>[0-9]{4})"
_Y2 = r"(?P<year>[0-9]{2})"
_T = r"(?P<hour>[0-9]{2}):(?P<min>[0-9]{2}):(?P<sec>[0-9]{2})"
RFC1123_DATE = re.compile(rf"^\w{{3}}, {_D} {_M} {_Y} {_T} GMT$")
RFC850_DATE = re.compile(rf"^\w{{6,9}}, {_D}-{_M}-{_Y2} {_T} GMT$")
ASCTIME_DATE = re.compile(rf"^\w{{3}} {_M} {_D2} {_T} {_Y}$")

RFC3986_GENDELIMS = ":/?#[]@"
RFC3986_SUBDELIMS = "!$&'()*+,;="
MAX_URL_LENGTH = 2048
MAX_URL_REDIRECT_LENGTH = 16384

_QUOTABLE_FILENAME = re.compile(r"^[\t \x21-\x7e]*$")


def _none_error(key) -> TypeError:
    return TypeError(
        f"Cannot encode None for key '{key}' in a query string. Did you mean to "
        "pass an empty string or omit the value?"
    )


def urlencode(query, doseq: bool = False) -> str:
    """Return query (mapping, MultiValueDict or pairs) as a query string.

    Like urllib's, but refuses None values and accepts MultiValueDict.
    """
    if isinstance(query, MultiValueDict):
        query = query.lists()
    elif hasattr(query, "items"):
        query = query.items()
    params = []
    for key, value in query:
        if value is None:
            raise _none_error(key)
        if not doseq or isinstance(value, (str, bytes)):
            params.append((key, value))
            continue
        try:
            items = iter(value)
        except TypeError:
            params.append((key, value))
            continue
        values = []
        for item in items:
            if item is None:
                raise _none_error(key)
            values.append(item if isinstance(item, bytes) else str(item))
        params.append((key, values))
    return _urlencode(params, doseq)


def http_date(epoch_seconds: float | None = None) -> str:
    """Return epoch_seconds (default now) as 'Wdy, DD Mon YYYY HH:MM:SS GMT'."""
    return formatdate(epoch_seconds, usegmt=True)


def parse_http_date(date: str) -> int:
    """Return the epoch seconds of an HTTP date in any of RFC 9110's 3 formats.

    Raise ValueError for anything else.
    """
    for regex in (RFC1123_DATE, RFC850_DATE, ASCTIME_DATE):
        m = regex.match(date)
        if m is not None:
            break
    else:
        raise ValueError(f"{date!r} is not in a valid HTTP date format")
    try:
        year = int(m["year"])
        if year < 100:
            # RFC 850 two-digit years: at most 50 years into the future.
            current_year = datetime.now(tz=timezone.utc).year
            century = current_year - current_year % 100
            if year - current_year % 100 > 50:
                year += century - 100
            else:
                year += century
        month = MONTHS.index(m["mon"].lower()) + 1
        result = datetime(
            year,
            month,
            int(m["day"]),
            int(m["hour"]),
            int(m["min"]),
            int(m["sec"]),
            tzinfo=timezone.utc,
        )
        return int(result.timestamp())
    except Exception as exc:
        raise ValueError(f"{date!r} is not a valid date") from exc


def parse_http_date_safe(date: str) -> int | None:
    """Return parse_http_date(date), or None if it is invalid."""
    try:
        return parse_http_date(date)
    except Exception:
        return None


def base36_to_int(s: str) -> int:
    """Return the int of a base 36 string of at most 13 characters."""
    if len(s) > 13:
        raise ValueError("Base36 input too large")
    return int(s, 36)


def int_to_base36(i: int) -> str:
    """Return i in base 36."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if i < 0:
        raise ValueError("Negative base36 conversion input.")
    if i < 36:
        return digits[i]
    out = ""
    while i:
        i, n = divmod(i, 36)
        out = digits[n] + out
    return out


def urlsafe_base64_encode(s: bytes) -> str:
    """Return s in URL-safe base64 without trailing '='."""
    return base64.urlsafe_b64encode(s).rstrip(b"\n=").decode("ascii")


def urlsafe_base64_decode(s: str) -> bytes:
    """Return the bytes of a URL-safe base64 string missing its padding."""
    b = s.encode()
    try:
        return base64.urlsafe_b64decode(b.ljust(len(b) + len(b) % 4, b"="))
    except (LookupError, BinasciiError) as e:
        raise ValueError(e)


def parse_etags(etag_str: str) -> list[str]:
    """Return the quoted ETags of an If-(None-)Match header (['*'] for '*')."""
    if etag_str.strip() == "*":
        return ["*"]
    matches = (ETAG_MATCH.match(etag.strip()) for etag in etag_str.split(","))
    return [m[1] for m in matches if m]


def quote_etag(etag_str: str) -> str:
    """Return etag_str as a quoted ETag (unchanged if it already is one)."""
    if ETAG_MATCH.match(etag_str):
        return etag_str
    return f'"{etag_str}"'


def is_same_domain(host: str, pattern: str) -> bool:
    """Return True if host equals pattern, or is pattern's domain or subdomain.

    A pattern starting with '.' matches the domain and all its subdomains.
    """
    if not pattern:
        return False
    pattern = pattern.lower()
    return (
        pattern[0] == "."
        and (host.endswith(pattern) or host == pattern[1:])
        or pattern == host
    )


def url_has_allowed_host_and_scheme(url, allowed_hosts, require_https=False) -> bool:
    """Return True if url is relative or points at an allowed host and scheme."""
    if url is not None:
        url = url.strip()
    if not url:
        return False
    if allowed_hosts is None:
        allowed_hosts = set()
    elif isinstance(allowed_hosts, str):
        allowed_hosts = {allowed_hosts}
    # Browsers treat backslashes as slashes: check both spellings.
    return _url_has_allowed_host_and_scheme(
        url, allowed_hosts, require_https
    ) and _url_has_allowed_host_and_scheme(
        url.replace("\\", "/"), allowed_hosts, require_https
    )


def _url_has_allowed_host_and_scheme(url, allowed_hosts, require_https) -> bool:
    if url.startswith("///") or len(url) > MAX_URL_LENGTH:
        return False
    try:
        info = urlsplit(url)
    except ValueError:
        return False
    if not info.netloc and info.scheme:
        # "http:example.com" is not a relative URL to browsers.
        return False
    if unicodedata.category(url[0])[0] == "C":
        return False
    scheme = info.scheme
    if not scheme and info.netloc:
        scheme = "http"
    valid = ["https"] if require_https else ["http", "https"]
    return (not info.netloc or info.netloc in allowed_hosts) and (
        not scheme or scheme in valid
    )


def escape_leading_slashes(url: str) -> str:
    """Return url with '//' at the start escaped so it stays on this host."""
    if url.startswith("//"):
        url = "/%2F" + url[2:]
    return url


def parse_header_parameters(line: str) -> tuple[str, dict[str, str]]:
    """Return (lower-cased main value, parameters) of a Content-Type-like header.

    RFC 2231 parameters are decoded; an unknown charset in one raises ValueError.
    """
    if not line:
        return "", {}
    if ";" not in line:
        return line.strip().lower(), {}
    msg = Message()
    msg["content-type"] = line
    params = msg.get_params()
    key = params.pop(0)[0].lower()
    pdict = {}
    for name, value in params:
        if not name:
            continue
        if isinstance(value, tuple):
            if encoding := value[0]:
                try:
                    codecs.lookup(encoding)
                except LookupError:
                    raise ValueError(
                        f"Invalid encoding {encoding!r} for RFC 2231 param."
                    )
            value = collapse_rfc2231_value(value)
        pdict[name] = value
    return key, pdict


def content_disposition_header(as_attachment: bool, filename: str) -> str | None:
    """Return a Content-Disposition value for filename (RFC 6266), or None."""
    if filename:
        disposition = "attachment" if as_attachment else "inline"
        if filename.isascii() and _QUOTABLE_FILENAME.match(filename):
            escaped = filename.replace("\\", "\\\\").replace('"', r"\"")
            file_expr = f'filename="{escaped}"'
        else:
            file_expr = f"filename*=utf-8''{quote(filename)}"
        return f"{disposition}; {file_expr}"
    if as_attachment:
        return "attachment"
    return None
