"""Text utilities: truncation, wrapping, slugs and template-token splitting."""

import functools
import html
import re
import textwrap
import unicodedata
from collections import deque
from html.parser import HTMLParser

__all__ = [
    "capfirst",
    "wrap",
    "add_truncation_text",
    "Truncator",
    "get_text_list",
    "normalize_newlines",
    "phone2numeric",
    "smart_split",
    "unescape_string_literal",
    "slugify",
    "camel_case_to_spaces",
]

_newlines_re = re.compile(r"\r\n|\r")
_camel_case_re = re.compile(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))")


def capfirst(x):
    """Return ``x`` with its first character upper-cased."""
    if not x:
        return x
    if not isinstance(x, str):
        x = str(x)
    return x[0].upper() + x[1:]


def wrap(text: str, width: int) -> str:
    """Return ``text`` word-wrapped at ``width`` columns.

    Existing (posix) line breaks and all other whitespace are kept, except the
    space at which an added break happens. Long words are not split, so lines
    can exceed ``width``.
    """
    wrapper = textwrap.TextWrapper(
        width=width,
        break_long_words=False,
        break_on_hyphens=False,
        replace_whitespace=False,
    )
    result = []
    for line in text.splitlines():
        wrapped = wrapper.wrap(line)
        # A whitespace-only line wraps to nothing: keep it as it was.
        result.extend(wrapped or [line])
    if text.endswith("\n"):
        result.append("")
    return "\n".join(result)


def add_truncation_text(text: str, truncate: str | None = None) -> str:
    """Return ``text`` with the truncation marker (default "…") applied.

    A marker containing ``%(truncated_text)s`` is a template for the result;
    any other marker is appended unless ``text`` already ends with it.
    """
    if truncate is None:
        truncate = "%(truncated_text)s…"
    if "%(truncated_text)s" in truncate:
        return truncate % {"truncated_text": text}
    if text.endswith(truncate):
        return text
    return f"{text}{truncate}"


def _truncate_chars_length(length: int, replacement) -> int:
    # Room left for text once the marker's visible characters are counted.
    truncate_len = length
    for char in add_truncation_text("", replacement):
        if not unicodedata.combining(char):
            truncate_len -= 1
            if truncate_len == 0:
                break
    return truncate_len


class _TruncationCompleted(Exception):
    pass


class _TruncateHTMLParser(HTMLParser):
    # Copy tags through, count only text, and close the tags still open when
    # the limit is reached.
    def __init__(self, *, length, replacement, convert_charrefs=True):
        super().__init__(convert_charrefs=convert_charrefs)
        self.tags = deque()
        self.output = ""
        self.remaining = length
        self.replacement = replacement

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _void_elements():
            self.handle_endtag(tag)

    def handle_starttag(self, tag, attrs):
        self.output += self.get_starttag_text()
        if tag not in _void_elements():
            self.tags.appendleft(tag)

    def handle_endtag(self, tag):
        if tag not in _void_elements():
            self.output += f"</{tag}>"
            # Pop only a matching innermost tag, so stray end tags stay O(1).
            if self.tags and self.tags[0] == tag:
                self.tags.popleft()

    def handle_data(self, data):
        data, output = self.process(data)
        if self.remaining < len(data):
            self.remaining = 0
            self.output += add_truncation_text(output, self.replacement)
            raise _TruncationCompleted
        self.remaining -= len(data)
        self.output += output

    def feed(self, data):
        try:
            super().feed(data)
        except _TruncationCompleted:
            self.output += "".join(f"</{tag}>" for tag in self.tags)
            self.tags.clear()
        self.reset()


@functools.cache
def _void_elements():
    # fastdj.utils.html imports this module: import it on first use.
    from fastdj.utils.html import VOID_ELEMENTS

    return VOID_ELEMENTS


class _TruncateCharsHTMLParser(_TruncateHTMLParser):
    def __init__(self, *, length, replacement, convert_charrefs=True):
        self.length = length
        self.processed_chars = 0
        super().__init__(
            length=_truncate_chars_length(length, replacement),
            replacement=replacement,
            convert_charrefs=convert_charrefs,
        )

    def process(self, data):
        self.processed_chars += len(data)
        # Text that exactly fills the limit and ends the input needs no marker.
        if self.processed_chars == self.length and len(self.output) + len(data) == len(
            self.rawdata
        ):
            self.output += data
            raise _TruncationCompleted
        return data, html.escape(data[: self.remaining])


_inner_space_re = re.compile(r"(?<=\S)\s+(?=\S)")


class _TruncateWordsHTMLParser(_TruncateHTMLParser):
    def process(self, data):
        words = _inner_space_re.split(data)
        return words, html.escape(" ".join(words[: self.remaining]))


class Truncator:
    """Truncate text by characters or by words, optionally HTML-aware."""

    def __init__(self, text):
        self._text = text

    def _wrapped(self) -> str:
        return str(self._text)

    def __str__(self):
        return self._wrapped()

    def chars(self, num, truncate=None, html=False) -> str:
        """Return the text cut to at most ``num`` characters, marker included.

        Combining characters do not count toward the length. ``truncate`` is
        the marker (default "…"); with ``html`` tags are kept and closed.
        """
        length = int(num)
        if length <= 0:
            return ""
        text = unicodedata.normalize("NFC", self._wrapped())
        if html:
            parser = _TruncateCharsHTMLParser(length=length, replacement=truncate)
            parser.feed(text)
            parser.close()
            return parser.output
        return self._text_chars(length, truncate, text)

    def _text_chars(self, length, truncate, text):
        truncate_len = _truncate_chars_length(length, truncate)
        s_len = 0
        end_index = None
        for i, char in enumerate(text):
            if unicodedata.combining(char):
                continue
            s_len += 1
            if end_index is None and s_len > truncate_len:
                end_index = i
            if s_len > length:
                return add_truncation_text(text[: end_index or 0], truncate)
        return text

    def words(self, num, truncate=None, html=False) -> str:
        """Return the text cut to at most ``num`` words.

        Without ``html`` the words are re-joined with single spaces (newlines
        are lost); with ``html`` tags are kept and closed.
        """
        length = int(num)
        if length <= 0:
            return ""
        if html:
            parser = _TruncateWordsHTMLParser(length=length, replacement=truncate)
            parser.feed(self._wrapped())
            parser.close()
            return parser.output
        words = self._wrapped().split()
        if len(words) > length:
            return add_truncation_text(" ".join(words[:length]), truncate)
        return " ".join(words)


def get_text_list(list_, last_word="or") -> str:
    """Return the items joined as an English list: "a, b, c or d"."""
    if not list_:
        return ""
    if len(list_) == 1:
        return str(list_[0])
    return "{} {} {}".format(
        ", ".join(str(i) for i in list_[:-1]),
        str(last_word),
        str(list_[-1]),
    )


def normalize_newlines(text) -> str:
    """Return ``text`` with CRLF and CR newlines turned into LF."""
    return _newlines_re.sub("\n", str(text))


_phone_letters = str.maketrans(
    "abcdefghijklmnopqrstuvwxyz", "22233344455566677778889999"
)


def phone2numeric(phone: str) -> str:
    """Return a phone number with its letters replaced by keypad digits."""
    return phone.lower().translate(_phone_letters)


# A token, or a token with quoted parts ("with spaces" or 'with spaces').
_smart_split_re = re.compile(
    r"""
    ((?:
        [^\s'"]*
        (?:
            (?:"(?:[^"\\]|\\.)*" | '(?:[^'\\]|\\.)*')
            [^\s'"]*
        )+
    ) | \S+)
""",
    re.VERBOSE,
)


def smart_split(text):
    """Yield the space-separated parts of ``text``, keeping quoted phrases whole.

    Quote marks and backslash escapes are kept in the parts (undo them with
    unescape_string_literal()).
    """
    for bit in _smart_split_re.finditer(str(text)):
        yield bit[0]


def unescape_string_literal(s: str) -> str:
    """Return the contents of a quoted string literal, unescaped.

    Raise ValueError if ``s`` is not a string literal.
    """
    if not s or s[0] not in "\"'" or s[-1] != s[0]:
        raise ValueError(f"Not a string literal: {s!r}")
    quote = s[0]
    return s[1:-1].replace(f"\\{quote}", quote).replace("\\\\", "\\")


_slug_strip_re = re.compile(r"[^\w\s-]")
_slug_hyphenate_re = re.compile(r"[-\s]+")


def slugify(value, allow_unicode: bool = False) -> str:
    """Return ``value`` as a URL slug.

    Convert to ASCII unless ``allow_unicode``, lower-case, drop characters
    other than word characters, spaces and hyphens, collapse spaces and
    hyphens into single hyphens, and strip leading/trailing hyphens and
    underscores.
    """
    value = str(value)
    if allow_unicode:
        value = unicodedata.normalize("NFKC", value)
    else:
        value = (
            unicodedata.normalize("NFKD", value)
            .encode("ascii", "ignore")
            .decode("ascii")
        )
    value = _slug_strip_re.sub("", value.lower())
    return _slug_hyphenate_re.sub("-", value).strip("-_")


def camel_case_to_spaces(value: str) -> str:
    """Return CamelCase ``value`` split into lower-case words."""
    return _camel_case_re.sub(r" \1", value).strip().lower()
