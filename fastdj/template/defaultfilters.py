"""The built-in template filters of the Django Template Language.

Every filter of Django 5.2, registered with Django's names and flags
(``is_safe``, ``needs_autoescape``, ``expects_localtime``) and producing
Django's output, including its silent failures.
"""

import random as random_module
import re
import types
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, getcontext
from functools import wraps
from inspect import unwrap
from operator import itemgetter
from pprint import pformat
from urllib.parse import quote

from fastdj.template.library import Library
from fastdj.utils import formats
from fastdj.utils.dateformat import format, time_format
from fastdj.utils.encoding import iri_to_uri
from fastdj.utils.html import (
    avoid_wrapping,
    conditional_escape,
    escape,
    escapejs,
    linebreaks,
    strip_tags,
)
from fastdj.utils.html import json_script as _json_script
from fastdj.utils.html import urlize as _urlize
from fastdj.utils.safestring import SafeData, mark_safe
from fastdj.utils.text import Truncator, normalize_newlines, phone2numeric, wrap
from fastdj.utils.text import slugify as _slugify
from fastdj.utils.timesince import timesince, timeuntil

register = Library()

# Same as fastdj.template.base.VARIABLE_ATTRIBUTE_SEPARATOR; kept local so the
# filters do not depend on the engine's module layout.
_ATTRIBUTE_SEPARATOR = "."


def stringfilter(func):
    """Decorate a filter so that its first argument is converted to str.

    If that argument was safe and the filter is registered with
    ``is_safe=True``, the result is marked safe.
    """

    @wraps(func)
    def _dec(first, *args, **kwargs):
        first = str(first)
        result = func(first, *args, **kwargs)
        if isinstance(first, SafeData) and getattr(unwrap(func), "is_safe", False):
            result = mark_safe(result)
        return result

    # Library.filter sets the flags on the innermost function through this.
    _dec._decorated_function = getattr(func, "_decorated_function", func)
    return _dec


# Strings ---------------------------------------------------------------------


@register.filter(is_safe=True)
@stringfilter
def addslashes(value):
    """Return ``value`` with backslashes before quotes and backslashes."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")


@register.filter(is_safe=True)
@stringfilter
def capfirst(value):
    """Return ``value`` with its first character upper-cased."""
    return value and value[0].upper() + value[1:]


@register.filter("escapejs")
@stringfilter
def escapejs_filter(value):
    """Return ``value`` hex-encoded for use in JavaScript strings."""
    return escapejs(value)


@register.filter(is_safe=True)
def json_script(value, element_id=None):
    """Return ``value`` as JSON in a <script type="application/json"> tag."""
    return _json_script(value, element_id)


def _parse_floatformat_arg(arg):
    # Return (places, force_grouping, use_l10n) from "2", "-3", "2g", "2u"...
    force_grouping = False
    use_l10n = True
    if isinstance(arg, str):
        if arg[-2:] in {"gu", "ug"}:
            force_grouping = True
            use_l10n = False
            arg = arg[:-2] or -1
        elif arg[-1] == "g":
            force_grouping = True
            arg = arg[:-1] or -1
        elif arg[-1] == "u":
            use_l10n = False
            arg = arg[:-1] or -1
    return arg, force_grouping, use_l10n


@register.filter(is_safe=True)
def floatformat(text, arg=-1):
    """Return the number ``text`` rounded to ``arg`` decimal places.

    Without an argument show one decimal, only if it is not zero. A positive
    ``arg`` always shows that many decimals, a negative one only if the value
    is not whole. A "g" suffix forces thousands grouping, a "u" suffix turns
    localization off. Infinity and NaN are shown as Python shows them; input
    that is not a number gives "".
    """
    arg, force_grouping, use_l10n = _parse_floatformat_arg(arg)
    try:
        input_val = str(text)
        d = Decimal(input_val)
    except InvalidOperation:
        try:
            d = Decimal(str(float(text)))
        except (ValueError, InvalidOperation, TypeError):
            return ""
    try:
        p = int(arg)
    except ValueError:
        return input_val

    _, digits, exponent = d.as_tuple()
    try:
        size = len(digits) + abs(exponent)
    except TypeError:
        # Infinity and NaN have a letter as exponent.
        size = 0
    # Huge values would cost a lot of memory to expand: return them as is.
    if size > 200:
        return input_val
    try:
        m = int(d) - d
    except (ValueError, OverflowError, InvalidOperation):
        return input_val

    if not m and p <= 0:
        return mark_safe(
            formats.number_format(
                str(int(d)), 0, use_l10n=use_l10n, force_grouping=force_grouping
            )
        )

    exp = Decimal(1).scaleb(-abs(p))
    # Enough precision for quantize() never to raise InvalidOperation.
    sign, digits, exponent = d.as_tuple()
    units = len(digits) + (-exponent if m else exponent)
    prec = max(getcontext().prec, abs(p) + units + 1)
    rounded = d.quantize(exp, ROUND_HALF_UP, Context(prec=prec))
    # Build the digits by hand: str() could switch to scientific notation.
    sign, digits, exponent = rounded.as_tuple()
    chars = [str(digit) for digit in reversed(digits)]
    while len(chars) <= abs(exponent):
        chars.append("0")
    chars.insert(-exponent, ".")
    if sign and rounded:
        chars.append("-")
    number = "".join(reversed(chars))
    return mark_safe(
        formats.number_format(
            number, abs(p), use_l10n=use_l10n, force_grouping=force_grouping
        )
    )


@register.filter(is_safe=True)
@stringfilter
def iriencode(value):
    """Return the IRI ``value`` escaped for use in a URL."""
    return iri_to_uri(value)


@register.filter(is_safe=True, needs_autoescape=True)
@stringfilter
def linenumbers(value, autoescape=True):
    """Return ``value`` with each line prefixed by its zero-padded number."""
    lines = value.split("\n")
    width = len(str(len(lines)))
    escape_lines = autoescape and not isinstance(value, SafeData)
    return mark_safe(
        "\n".join(
            f"{i:0{width}d}. {escape(line) if escape_lines else line}"
            for i, line in enumerate(lines, 1)
        )
    )


@register.filter(is_safe=True)
@stringfilter
def lower(value):
    """Return ``value`` in lower case."""
    return value.lower()


@register.filter(is_safe=False)
@stringfilter
def make_list(value):
    """Return the characters of ``value`` (digits of a number) as a list."""
    return list(value)


@register.filter(is_safe=True)
@stringfilter
def slugify(value):
    """Return ``value`` as an ASCII slug ("Hello World!" -> "hello-world")."""
    return _slugify(value)


@register.filter(is_safe=True)
def stringformat(value, arg):
    """Return ``value`` formatted with the %-format ``arg`` (without the "%").

    Return "" if formatting fails.
    """
    if isinstance(value, tuple):
        # A tuple would be taken as the argument list of the format.
        value = str(value)
    try:
        return ("%" + str(arg)) % value
    except (ValueError, TypeError):
        return ""


_title_apostrophe_re = re.compile("([a-z])'([A-Z])")
_title_digit_re = re.compile(r"\d([A-Z])")


@register.filter(is_safe=True)
@stringfilter
def title(value):
    """Return ``value`` in title case, without capitals after ' or digits."""
    t = _title_apostrophe_re.sub(lambda m: m[0].lower(), value.title())
    return _title_digit_re.sub(lambda m: m[0].lower(), t)


@register.filter(is_safe=True)
@stringfilter
def truncatechars(value, arg):
    """Return ``value`` cut to ``arg`` characters, ellipsis included."""
    try:
        length = int(arg)
    except ValueError:
        return value
    return Truncator(value).chars(length)


@register.filter(is_safe=True)
@stringfilter
def truncatechars_html(value, arg):
    """Return HTML ``value`` cut to ``arg`` text characters, tags closed."""
    try:
        length = int(arg)
    except ValueError:
        return value
    return Truncator(value).chars(length, html=True)


@register.filter(is_safe=True)
@stringfilter
def truncatewords(value, arg):
    """Return ``value`` cut to ``arg`` words (newlines are removed)."""
    try:
        length = int(arg)
    except ValueError:
        return value
    return Truncator(value).words(length, truncate=" …")


@register.filter(is_safe=True)
@stringfilter
def truncatewords_html(value, arg):
    """Return HTML ``value`` cut to ``arg`` words, tags closed."""
    try:
        length = int(arg)
    except ValueError:
        return value
    return Truncator(value).words(length, html=True, truncate=" …")


@register.filter(is_safe=False)
@stringfilter
def upper(value):
    """Return ``value`` in upper case."""
    return value.upper()


@register.filter(is_safe=False)
@stringfilter
def urlencode(value, safe=None):
    """Return ``value`` percent-encoded for a URL.

    ``safe`` lists characters not to encode (default "/"; "" encodes all).
    """
    if safe is None:
        return quote(value)
    return quote(value, safe=safe)


@register.filter(is_safe=True, needs_autoescape=True)
@stringfilter
def urlize(value, autoescape=True):
    """Return ``value`` with URLs turned into rel="nofollow" links."""
    return mark_safe(_urlize(value, nofollow=True, autoescape=autoescape))


@register.filter(is_safe=True, needs_autoescape=True)
@stringfilter
def urlizetrunc(value, limit, autoescape=True):
    """Return urlize(value) with link texts cut to ``limit`` characters."""
    return mark_safe(
        _urlize(value, trim_url_limit=int(limit), nofollow=True, autoescape=autoescape)
    )


@register.filter(is_safe=False)
@stringfilter
def wordcount(value):
    """Return the number of words in ``value``."""
    return len(value.split())


@register.filter(is_safe=True)
@stringfilter
def wordwrap(value, arg):
    """Return ``value`` wrapped at ``arg`` columns."""
    return wrap(value, int(arg))


@register.filter(is_safe=True)
@stringfilter
def ljust(value, arg):
    """Return ``value`` left-aligned in a field ``arg`` characters wide."""
    return value.ljust(int(arg))


@register.filter(is_safe=True)
@stringfilter
def rjust(value, arg):
    """Return ``value`` right-aligned in a field ``arg`` characters wide."""
    return value.rjust(int(arg))


@register.filter(is_safe=True)
@stringfilter
def center(value, arg):
    """Return ``value`` centered in a field ``arg`` characters wide."""
    return value.center(int(arg))


@register.filter
@stringfilter
def cut(value, arg):
    """Return ``value`` with every occurrence of ``arg`` removed."""
    safe = isinstance(value, SafeData)
    value = value.replace(arg, "")
    # Removing ";" could break an entity such as "&amp;": no longer safe.
    if safe and arg != ";":
        return mark_safe(value)
    return value


# HTML strings ----------------------------------------------------------------


@register.filter("escape", is_safe=True)
@stringfilter
def escape_filter(value):
    """Return ``value`` marked for escaping (escaped unless already safe)."""
    return conditional_escape(value)


@register.filter(is_safe=True)
def escapeseq(value):
    """Return a list of the items of ``value``, each escaped unless safe."""
    return [conditional_escape(obj) for obj in value]


@register.filter(is_safe=True)
@stringfilter
def force_escape(value):
    """Return ``value`` HTML-escaped now, even if it is safe."""
    return escape(value)


@register.filter("linebreaks", is_safe=True, needs_autoescape=True)
@stringfilter
def linebreaks_filter(value, autoescape=True):
    """Return ``value`` with blank-line paragraphs in <p> and newlines as <br>."""
    autoescape = autoescape and not isinstance(value, SafeData)
    return mark_safe(linebreaks(value, autoescape))


@register.filter(is_safe=True, needs_autoescape=True)
@stringfilter
def linebreaksbr(value, autoescape=True):
    """Return ``value`` with every newline turned into <br>."""
    autoescape = autoescape and not isinstance(value, SafeData)
    value = normalize_newlines(value)
    if autoescape:
        value = escape(value)
    return mark_safe(value.replace("\n", "<br>"))


@register.filter(is_safe=True)
@stringfilter
def safe(value):
    """Return ``value`` marked safe: it will not be escaped."""
    return mark_safe(value)


@register.filter(is_safe=True)
def safeseq(value):
    """Return a list of the items of ``value``, each as a safe string."""
    return [mark_safe(obj) for obj in value]


@register.filter(is_safe=True)
@stringfilter
def striptags(value):
    """Return ``value`` with all [X]HTML tags removed."""
    return strip_tags(value)


# Lists -----------------------------------------------------------------------


def _property_resolver(arg):
    """Return a key function that looks ``arg`` up in an item.

    A number-like ``arg`` is an index or key (operator.itemgetter); otherwise
    it is a dotted path, each part tried as a key, then as an attribute.
    """
    try:
        float(arg)
    except ValueError:
        if _ATTRIBUTE_SEPARATOR + "_" in arg or arg[0] == "_":
            raise AttributeError("Access to private variables is forbidden.")
        parts = arg.split(_ATTRIBUTE_SEPARATOR)

        def resolve(value):
            for part in parts:
                try:
                    value = value[part]
                except (AttributeError, IndexError, KeyError, TypeError, ValueError):
                    value = getattr(value, part)
            return value

        return resolve
    return itemgetter(arg)


@register.filter(is_safe=False)
def dictsort(value, arg):
    """Return the list ``value`` sorted by the key or dotted path ``arg``.

    Return "" if the key is missing or the values cannot be compared.
    """
    try:
        return sorted(value, key=_property_resolver(arg))
    except (AttributeError, TypeError):
        return ""


@register.filter(is_safe=False)
def dictsortreversed(value, arg):
    """Return dictsort(value, arg) in reverse order."""
    try:
        return sorted(value, key=_property_resolver(arg), reverse=True)
    except (AttributeError, TypeError):
        return ""


@register.filter(is_safe=False)
def first(value):
    """Return the first item of ``value``, or "" if it is empty."""
    try:
        return value[0]
    except IndexError:
        return ""


@register.filter(is_safe=True, needs_autoescape=True)
def join(value, arg, autoescape=True):
    """Return the items of ``value`` joined with ``arg``, like str.join().

    With autoescaping, items and separator are escaped unless safe. If the
    items cannot be joined, return ``value`` unchanged.
    """
    try:
        if autoescape:
            data = conditional_escape(arg).join([conditional_escape(v) for v in value])
        else:
            data = arg.join(value)
    except TypeError:
        return value
    return mark_safe(data)


@register.filter(is_safe=True)
def last(value):
    """Return the last item of ``value``, or "" if it is empty."""
    try:
        return value[-1]
    except IndexError:
        return ""


@register.filter(is_safe=False)
def length(value):
    """Return the length of ``value``, or 0 if it has none."""
    try:
        return len(value)
    except (ValueError, TypeError):
        return 0


@register.filter(is_safe=True)
def random(value):
    """Return a random item of ``value``, or "" if it is empty."""
    try:
        return random_module.choice(value)
    except IndexError:
        return ""


@register.filter("slice", is_safe=True)
def slice_filter(value, arg):
    """Return ``value[arg]`` for a Python slice such as "1:-1" or "::2".

    Return ``value`` unchanged if ``arg`` is not a valid slice.
    """
    try:
        bits = [int(x) if x else None for x in str(arg).split(":")]
        return value[slice(*bits)]
    except (ValueError, TypeError, KeyError):
        return value


def _walk_items(item_list):
    # Yield (item, children) pairs: a list/tuple/generator right after an item
    # holds that item's children.
    item_iterator = iter(item_list)
    try:
        item = next(item_iterator)
        while True:
            try:
                next_item = next(item_iterator)
            except StopIteration:
                yield item, None
                break
            if isinstance(next_item, (list, tuple, types.GeneratorType)):
                try:
                    iter(next_item)
                except TypeError:
                    pass
                else:
                    yield item, next_item
                    item = next(item_iterator)
                    continue
            yield item, None
            item = next_item
    except StopIteration:
        pass


@register.filter(is_safe=True, needs_autoescape=True)
def unordered_list(value, autoescape=True):
    """Return a nested list as HTML <li> items, without the outer <ul>.

    ``["States", ["Kansas", ["Lawrence", "Topeka"], "Illinois"]]`` gives
    "States" with a nested list of Kansas (with its own sublist) and Illinois.
    """
    if autoescape:
        escaper = conditional_escape
    else:

        def escaper(x):
            return x

    def list_formatter(item_list, tabs=1):
        indent = "\t" * tabs
        output = []
        for item, children in _walk_items(item_list):
            sublist = ""
            if children:
                children_html = list_formatter(children, tabs + 1)
                sublist = f"\n{indent}<ul>\n{children_html}\n{indent}</ul>\n{indent}"
            output.append(f"{indent}<li>{escaper(item)}{sublist}</li>")
        return "\n".join(output)

    return mark_safe(list_formatter(value))


# Integers --------------------------------------------------------------------


@register.filter(is_safe=False)
def add(value, arg):
    """Return ``value + arg``: as integers if both convert, else as is.

    Return "" if they cannot be added.
    """
    try:
        return int(value) + int(arg)
    except (ValueError, TypeError):
        try:
            return value + arg
        except Exception:
            return ""


@register.filter(is_safe=False)
def get_digit(value, arg):
    """Return digit ``arg`` of the whole number ``value``, 1 being the last.

    Return ``value`` unchanged for invalid input, 0 past the first digit.
    """
    try:
        arg = int(arg)
        value = int(value)
    except ValueError:
        return value
    if arg < 1:
        return value
    try:
        return int(str(value)[-arg])
    except IndexError:
        return 0


# Dates -----------------------------------------------------------------------


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Return ``value`` formatted with the date format ``arg``.

    ``arg`` is a format string or a format name; the default is DATE_FORMAT.
    """
    if value in (None, ""):
        return ""
    try:
        return formats.date_format(value, arg)
    except AttributeError:
        try:
            return format(value, arg)
        except AttributeError:
            return ""


@register.filter(expects_localtime=True, is_safe=False)
def time(value, arg=None):
    """Return ``value`` formatted with the time format ``arg`` (TIME_FORMAT)."""
    if value in (None, ""):
        return ""
    try:
        return formats.time_format(value, arg)
    except (AttributeError, TypeError):
        try:
            return time_format(value, arg)
        except (AttributeError, TypeError):
            return ""


@register.filter("timesince", is_safe=False)
def timesince_filter(value, arg=None):
    """Return the time since ``value`` (until ``arg`` or now): "4 days, 6 hours"."""
    if not value:
        return ""
    try:
        if arg:
            return timesince(value, arg)
        return timesince(value)
    except (ValueError, TypeError):
        return ""


@register.filter("timeuntil", is_safe=False)
def timeuntil_filter(value, arg=None):
    """Return the time until ``value`` (from ``arg`` or now)."""
    if not value:
        return ""
    try:
        return timeuntil(value, arg)
    except (ValueError, TypeError):
        return ""


# Logic -----------------------------------------------------------------------


@register.filter(is_safe=False)
def default(value, arg):
    """Return ``value`` if it is true, else ``arg``."""
    return value or arg


@register.filter(is_safe=False)
def default_if_none(value, arg):
    """Return ``value`` unless it is None, else ``arg``."""
    if value is None:
        return arg
    return value


@register.filter(is_safe=False)
def divisibleby(value, arg):
    """Return True if the integer ``value`` is divisible by ``arg``."""
    return int(value) % int(arg) == 0


@register.filter(is_safe=False)
def yesno(value, arg=None):
    """Return one of "yes,no,maybe"-style choices for true, false and None.

    Without a third choice None gives the second; with fewer than two choices
    ``value`` is returned unchanged.
    """
    if arg is None:
        arg = "yes,no,maybe"
    bits = arg.split(",")
    if len(bits) < 2:
        return value
    try:
        yes, no, maybe = bits
    except ValueError:
        yes, no, maybe = bits[0], bits[1], bits[1]
    if value is None:
        return maybe
    if value:
        return yes
    return no


# Misc ------------------------------------------------------------------------

_FILESIZE_UNITS = (
    (1 << 50, "PB"),
    (1 << 40, "TB"),
    (1 << 30, "GB"),
    (1 << 20, "MB"),
    (1 << 10, "KB"),
)


@register.filter(is_safe=True)
def filesizeformat(bytes_):
    """Return a byte count as a human-readable size: "13 KB", "4.1 MB"."""
    try:
        bytes_ = int(bytes_)
    except (TypeError, ValueError, UnicodeDecodeError):
        return avoid_wrapping("0 bytes")
    negative = bytes_ < 0
    if negative:
        bytes_ = -bytes_
    for size, unit in _FILESIZE_UNITS:
        if bytes_ >= size:
            value = f"{formats.number_format(round(bytes_ / size, 1), 1)} {unit}"
            break
    else:
        value = ("%d byte" if bytes_ == 1 else "%d bytes") % bytes_
    if negative:
        value = f"-{value}"
    return avoid_wrapping(value)


@register.filter(is_safe=False)
def pluralize(value, arg="s"):
    """Return a plural suffix unless ``value`` is 1 (or has length 1).

    ``arg`` is the plural suffix ("s" by default) or "singular,plural".
    """
    if "," not in arg:
        arg = "," + arg
    bits = arg.split(",")
    if len(bits) > 2:
        return ""
    singular_suffix, plural_suffix = bits[:2]
    try:
        return singular_suffix if float(value) == 1 else plural_suffix
    except ValueError:
        pass
    except TypeError:
        # Not a number: maybe a sized collection.
        try:
            return singular_suffix if len(value) == 1 else plural_suffix
        except TypeError:
            pass
    return ""


@register.filter("phone2numeric", is_safe=True)
def phone2numeric_filter(value):
    """Return the phone number ``value`` with letters as keypad digits."""
    return phone2numeric(value)


@register.filter(is_safe=True)
def pprint(value):
    """Return pprint.pformat(value), or the error it raised (for debugging)."""
    try:
        return pformat(value)
    except Exception as e:
        return f"Error in formatting: {e.__class__.__name__}: {e}"
