"""Validators: callables that raise ValidationError for a bad value (Django's)."""

from __future__ import annotations

import ipaddress
import math
import re
from decimal import Decimal
from urllib.parse import urlsplit

from fastdj.core.exceptions import ValidationError

EMPTY_VALUES = (None, "", [], (), {})


class RegexValidator:
    """Raise ValidationError when ``regex`` does (not, with inverse_match) search."""

    regex = ""
    message = "Enter a valid value."
    code = "invalid"
    inverse_match = False
    flags = 0

    def __init__(
        self, regex=None, message=None, code=None, inverse_match=None, flags=None
    ):
        if regex is not None:
            self.regex = regex
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        if inverse_match is not None:
            self.inverse_match = inverse_match
        if flags is not None:
            self.flags = flags
        if self.flags and not isinstance(self.regex, str):
            raise TypeError(
                "If the flags are set, regex must be a regular expression string."
            )
        if isinstance(self.regex, str):
            self.regex = re.compile(self.regex, self.flags)

    def __call__(self, value):
        matched = bool(self.regex.search(str(value)))
        if matched == self.inverse_match:
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other):
        return (
            isinstance(other, RegexValidator)
            and self.regex.pattern == other.regex.pattern
            and self.regex.flags == other.regex.flags
            and self.message == other.message
            and self.code == other.code
            and self.inverse_match == other.inverse_match
        )

    __hash__ = object.__hash__


_UL = "\u00a1-\uffff"
_HOSTNAME = r"[a-z" + _UL + r"0-9](?:[a-z" + _UL + r"0-9-]{0,61}[a-z" + _UL + r"0-9])?"
_DOMAIN = r"(?:\.(?!-)[a-z" + _UL + r"0-9-]{1,63}(?<!-))*"
_TLD = r"\.(?!-)(?:[a-z" + _UL + "-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?"
_HOST = "(" + _HOSTNAME + _DOMAIN + _TLD + "|localhost)"
_IPV4 = (
    r"(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)"
    r"(?:\.(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)){3}"
)


def _is_valid_ipv6(value: str) -> bool:
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


class URLValidator(RegexValidator):
    """Validate an absolute http(s)/ftp(s) URL (Django's URLValidator)."""

    regex = re.compile(
        r"^(?:[a-z0-9.+-]*)://"
        r"(?:[^\s:@/]+(?::[^\s:@/]*)?@)?"
        r"(?:" + _IPV4 + "|" + r"\[[0-9a-f:.]+\]" + "|" + _HOST + ")"
        r"(?::[0-9]{1,5})?"
        r"(?:[/?#][^\s]*)?"
        r"\Z",
        re.IGNORECASE,
    )
    message = "Enter a valid URL."
    schemes = ["http", "https", "ftp", "ftps"]
    unsafe_chars = frozenset("\t\r\n")
    max_length = 2048

    def __init__(self, schemes=None, **kwargs):
        super().__init__(**kwargs)
        if schemes is not None:
            self.schemes = schemes

    def __call__(self, value):
        if not isinstance(value, str) or len(value) > self.max_length:
            raise ValidationError(self.message, code=self.code, params={"value": value})
        if self.unsafe_chars.intersection(value):
            raise ValidationError(self.message, code=self.code, params={"value": value})
        scheme = value.split("://")[0].lower()
        if scheme not in self.schemes:
            raise ValidationError(self.message, code=self.code, params={"value": value})
        try:
            split_url = urlsplit(value)
        except ValueError:
            raise ValidationError(self.message, code=self.code, params={"value": value})
        super().__call__(value)
        host = split_url.netloc.rpartition("@")[2]
        ipv6 = re.fullmatch(r"\[(.+)\](?::[0-9]{1,5})?", host)
        if ipv6 and not _is_valid_ipv6(ipv6[1]):
            raise ValidationError(self.message, code=self.code, params={"value": value})
        if split_url.hostname is None or len(split_url.hostname) > 253:
            raise ValidationError(self.message, code=self.code, params={"value": value})


integer_validator = RegexValidator(
    re.compile(r"^-?\d+\Z"), message="Enter a valid integer.", code="invalid"
)


def validate_integer(value):
    return integer_validator(value)


class EmailValidator:
    """Validate an e-mail address (Django's EmailValidator)."""

    message = "Enter a valid email address."
    code = "invalid"
    user_regex = re.compile(
        r"(^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*\Z"
        r'|^"([\001-\010\013\014\016-\037!#-\[\]-\177]|\\[\001-\011\013\014\016-\177])*"\Z)',
        re.IGNORECASE,
    )
    domain_regex = re.compile(
        r"^(?:" + _HOSTNAME + _DOMAIN + _TLD.replace("\\.?", "") + r")\Z",
        re.IGNORECASE,
    )
    literal_regex = re.compile(r"\[([A-F0-9:.]+)\]\Z", re.IGNORECASE)
    domain_allowlist = ["localhost"]

    def __init__(self, message=None, code=None, allowlist=None):
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        if allowlist is not None:
            self.domain_allowlist = allowlist

    def __call__(self, value):
        if not value or "@" not in value or len(value) > 320:
            raise ValidationError(self.message, code=self.code, params={"value": value})
        user_part, domain_part = value.rsplit("@", 1)
        if not self.user_regex.match(user_part):
            raise ValidationError(self.message, code=self.code, params={"value": value})
        if domain_part not in self.domain_allowlist and not self.validate_domain_part(
            domain_part
        ):
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def validate_domain_part(self, domain_part: str) -> bool:
        if self.domain_regex.match(domain_part):
            return True
        literal = self.literal_regex.match(domain_part)
        if literal:
            ip = literal[1]
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                return False
            return True
        return False

    def __eq__(self, other):
        return (
            isinstance(other, EmailValidator)
            and self.domain_allowlist == other.domain_allowlist
            and self.message == other.message
            and self.code == other.code
        )

    __hash__ = object.__hash__


validate_email = EmailValidator()

slug_re = re.compile(r"^[-a-zA-Z0-9_]+\Z")
validate_slug = RegexValidator(
    slug_re,
    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
    "invalid",
)
slug_unicode_re = re.compile(r"^[-\w]+\Z")
validate_unicode_slug = RegexValidator(
    slug_unicode_re,
    "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, "
    "or hyphens.",
    "invalid",
)


class BaseValidator:
    """Compare a cleaned value against ``limit_value``; subclasses say how."""

    message = "Ensure this value is %(limit_value)s (it is %(show_value)s)."
    code = "limit_value"

    def __init__(self, limit_value, message=None):
        self.limit_value = limit_value
        if message:
            self.message = message

    def __call__(self, value):
        cleaned = self.clean(value)
        limit_value = (
            self.limit_value() if callable(self.limit_value) else self.limit_value
        )
        params = {"limit_value": limit_value, "show_value": cleaned, "value": value}
        if self.compare(cleaned, limit_value):
            raise ValidationError(self.message, code=self.code, params=params)

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return NotImplemented
        return (
            self.limit_value == other.limit_value
            and self.message == other.message
            and self.code == other.code
        )

    __hash__ = object.__hash__

    def compare(self, a, b):
        return a is not b

    def clean(self, x):
        return x


class MaxValueValidator(BaseValidator):
    message = "Ensure this value is less than or equal to %(limit_value)s."
    code = "max_value"

    def compare(self, a, b):
        return a > b


class MinValueValidator(BaseValidator):
    message = "Ensure this value is greater than or equal to %(limit_value)s."
    code = "min_value"

    def compare(self, a, b):
        return a < b


class MinLengthValidator(BaseValidator):
    code = "min_length"

    def compare(self, a, b):
        return a < b

    def clean(self, x):
        return len(x)

    @property
    def message(self):
        return _plural(
            "Ensure this value has at least %(limit_value)d character "
            "(it has %(show_value)d).",
            "Ensure this value has at least %(limit_value)d characters "
            "(it has %(show_value)d).",
            self.limit_value,
        )


class MaxLengthValidator(BaseValidator):
    code = "max_length"

    def compare(self, a, b):
        return a > b

    def clean(self, x):
        return len(x)

    @property
    def message(self):
        return _plural(
            "Ensure this value has at most %(limit_value)d character "
            "(it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters "
            "(it has %(show_value)d).",
            self.limit_value,
        )


def _plural(singular: str, plural: str, count) -> str:
    return singular if count == 1 else plural


class DecimalValidator:
    """Check a Decimal's digits against max_digits and decimal_places."""

    messages = {
        "invalid": "Enter a number.",
        "max_digits": (
            "Ensure that there are no more than %(max)s digit in total.",
            "Ensure that there are no more than %(max)s digits in total.",
        ),
        "max_decimal_places": (
            "Ensure that there are no more than %(max)s decimal place.",
            "Ensure that there are no more than %(max)s decimal places.",
        ),
        "max_whole_digits": (
            "Ensure that there are no more than %(max)s digit before the decimal "
            "point.",
            "Ensure that there are no more than %(max)s digits before the decimal "
            "point.",
        ),
    }

    def __init__(self, max_digits, decimal_places):
        self.max_digits = max_digits
        self.decimal_places = decimal_places

    def _error(self, code, limit, value):
        message = _plural(*self.messages[code], limit)
        raise ValidationError(message, code=code, params={"max": limit, "value": value})

    def __call__(self, value: Decimal):
        digit_tuple, exponent = value.as_tuple()[1:]
        if exponent in {"F", "n", "N"}:
            raise ValidationError(
                self.messages["invalid"], code="invalid", params={"value": value}
            )
        if exponent >= 0:
            digits = len(digit_tuple)
            if digit_tuple != (0,):
                digits += exponent
            decimals = 0
        else:
            if abs(exponent) > len(digit_tuple):
                digits = decimals = abs(exponent)
            else:
                digits = len(digit_tuple)
                decimals = abs(exponent)
        whole_digits = digits - decimals
        if self.max_digits is not None and digits > self.max_digits:
            self._error("max_digits", self.max_digits, value)
        if self.decimal_places is not None and decimals > self.decimal_places:
            self._error("max_decimal_places", self.decimal_places, value)
        if (
            self.max_digits is not None
            and self.decimal_places is not None
            and whole_digits > (self.max_digits - self.decimal_places)
        ):
            self._error(
                "max_whole_digits", self.max_digits - self.decimal_places, value
            )

    def __eq__(self, other):
        return (
            isinstance(other, self.__class__)
            and self.max_digits == other.max_digits
            and self.decimal_places == other.decimal_places
        )

    __hash__ = object.__hash__


class ProhibitNullCharactersValidator:
    """Reject strings containing the NUL character."""

    message = "Null characters are not allowed."
    code = "null_characters_not_allowed"

    def __init__(self, message=None, code=None):
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code

    def __call__(self, value):
        if "\x00" in str(value):
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other):
        return (
            isinstance(other, self.__class__)
            and self.message == other.message
            and self.code == other.code
        )

    __hash__ = object.__hash__


class StepValueValidator(BaseValidator):
    message = "Ensure this value is a multiple of step size %(limit_value)s."
    code = "step_size"

    def compare(self, a, b):
        return not math.isclose(math.remainder(a, b), 0, abs_tol=1e-9)
