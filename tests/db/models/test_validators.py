"""fastdj.core.validators against django.core.validators on the same inputs."""

import decimal

import pytest
from django.core import exceptions as dj_exceptions
from django.core import validators as dj_validators
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fastdj.core import exceptions, validators

PAIRS = [
    (validators.validate_email, dj_validators.validate_email),
    (validators.URLValidator(), dj_validators.URLValidator()),
    (validators.validate_slug, dj_validators.validate_slug),
    (validators.validate_unicode_slug, dj_validators.validate_unicode_slug),
    (validators.validate_integer, dj_validators.validate_integer),
]


def _run(validator, value, error):
    try:
        validator(value)
    except error as exc:
        return ("invalid", exc.messages, [e.code for e in exc.error_list])
    except Exception as exc:
        return ("raise", type(exc).__name__)
    return ("ok",)


def _same(ours, theirs, value):
    got = _run(ours, value, exceptions.ValidationError)
    want = _run(theirs, value, dj_exceptions.ValidationError)
    assert got == want, value


CORPUS = [
    "",
    "a@b.co",
    "a@b",
    "a@localhost",
    "first.last@sub.example.org",
    "x@[127.0.0.1]",
    "x@[::1]",
    "x@[999.1.1.1]",
    '"quoted name"@example.com',
    "a..b@example.com",
    "a@-bad.com",
    "a@b.c",
    "user@xn--bcher-kva.ch",
    "http://example.com",
    "https://user:pw@example.com:8080/path?q=1#frag",
    "http://localhost/",
    "http://127.0.0.1/",
    "http://[::1]:80/",
    "http://[::zz]/",
    "ftp://files.example.org",
    "http://-bad.com",
    "http://exa mple.com",
    "http://example.com\n",
    "javascript:alert(1)",
    "www.example.com",
    "http://ex.c",
    "http://a.b.c.d.example.com/" + "x" * 50,
    "slug-ok_1",
    "not a slug",
    "ünïcode-slug",
    "123",
    "-12",
    "1.5",
]


@pytest.mark.parametrize("index", range(len(PAIRS)))
@pytest.mark.parametrize("value", CORPUS, ids=repr)
def test_validators_match_django(index, value):
    ours, theirs = PAIRS[index]
    _same(ours, theirs, value)


@settings(max_examples=300, deadline=None)
@given(
    index=st.integers(0, len(PAIRS) - 1),
    value=st.one_of(
        st.text(max_size=40),
        st.from_regex(
            r"[a-z0-9.+_-]{1,10}@[a-z0-9.-]{1,15}\.[a-z]{2,4}", fullmatch=True
        ),
        st.from_regex(
            r"https?://[a-z0-9.-]{1,20}(:[0-9]{1,5})?(/[a-z0-9/]*)?", fullmatch=True
        ),
    ),
)
@example(index=1, value="http://a.b-.com")
def test_validators_hypothesis(index, value):
    ours, theirs = PAIRS[index]
    _same(ours, theirs, value)


@pytest.mark.parametrize(
    "value",
    ["1", "123.45", "1234.5", "0.001", "-99.99", "1E+5", "0E-10", "100", "NaN"],
)
@pytest.mark.parametrize("digits, places", [(5, 2), (4, 0), (None, 2), (3, None)])
def test_decimal_validator_matches_django(value, digits, places):
    _same(
        validators.DecimalValidator(digits, places),
        dj_validators.DecimalValidator(digits, places),
        decimal.Decimal(value),
    )


@pytest.mark.parametrize("value", ["", "ab", "abcdef", "abc"])
def test_length_validators_match_django(value):
    _same(validators.MaxLengthValidator(3), dj_validators.MaxLengthValidator(3), value)
    _same(validators.MinLengthValidator(3), dj_validators.MinLengthValidator(3), value)
    _same(validators.MaxLengthValidator(1), dj_validators.MaxLengthValidator(1), value)
