"""fastdj.utils.safestring against django.utils.safestring."""

import pytest
from django.utils import safestring as dj

from fastdj.utils import safestring as fd
from fastdj.utils.html import conditional_escape


class Markup(str):
    """A MarkupSafe-style safe string: has __html__ but is not SafeData."""

    def __html__(self):
        return self


def test_safestring_is_str_and_safe():
    s = fd.SafeString("<b>")
    assert isinstance(s, str)
    assert isinstance(s, fd.SafeData)
    assert s.__html__() is s
    assert str(s) is s


@pytest.mark.parametrize(
    "left,right",
    [("a", "b"), ("<", ">"), ("", "")],
)
@pytest.mark.parametrize("right_safe", [False, True])
def test_add_keeps_safety_only_with_safe_operand(left, right, right_safe):
    dj_r = dj.mark_safe(right) if right_safe else right
    fd_r = fd.mark_safe(right) if right_safe else right
    dj_sum = dj.mark_safe(left) + dj_r
    fd_sum = fd.mark_safe(left) + fd_r
    assert fd_sum == dj_sum
    assert isinstance(fd_sum, fd.SafeData) == isinstance(dj_sum, dj.SafeData)


def test_radd_of_plain_str_is_not_safe():
    assert not isinstance("x" + fd.mark_safe("y"), fd.SafeData)
    assert not isinstance("x" + dj.mark_safe("y"), dj.SafeData)


@pytest.mark.parametrize("value", ["x", "", 5, 2.5, None, b"bytes", ["l"]])
def test_mark_safe_values(value):
    dj_v = dj.mark_safe(value)
    fd_v = fd.mark_safe(value)
    assert fd_v == dj_v
    assert type(fd_v).__name__ == type(dj_v).__name__


def test_mark_safe_is_idempotent_and_honours_dunder_html():
    s = fd.mark_safe("<a>")
    assert fd.mark_safe(s) is s
    m = Markup("<i>")
    assert fd.mark_safe(m) is m
    assert conditional_escape(m) is m


def test_mark_safe_as_decorator():
    @fd.mark_safe
    def html(x):
        return f"<b>{x}</b>"

    @dj.mark_safe
    def dj_html(x):
        return f"<b>{x}</b>"

    assert html.__name__ == "html"
    result = html("y")
    assert result == dj_html("y") == "<b>y</b>"
    assert isinstance(result, fd.SafeString)


def test_safetext_alias_and_is_safe_helper():
    assert fd.SafeText is fd.SafeString
    assert fd.is_safe(fd.mark_safe("x"))
    assert fd.is_safe(Markup("x"))
    assert not fd.is_safe("x")
    assert not fd.is_safe(5)


def test_slots_means_no_instance_dict():
    with pytest.raises(AttributeError):
        fd.SafeString("x").attr = 1
