"""The filter registry matches Django's: names, flags and stringfilter."""

import pytest
from django.template import defaultfilters as dj

from fastdj.template import defaultfilters as fd
from fastdj.template.library import Library
from fastdj.utils.safestring import SafeData, mark_safe

FLAGS = ("is_safe", "needs_autoescape", "expects_localtime")


def test_same_filter_names():
    assert sorted(fd.register.filters) == sorted(dj.register.filters)
    assert "length_is" not in fd.register.filters


@pytest.mark.parametrize("name", sorted(dj.register.filters))
def test_same_flags(name):
    dj_func = dj.register.filters[name]
    fd_func = fd.register.filters[name]
    for flag in FLAGS:
        assert getattr(fd_func, flag, False) == getattr(dj_func, flag, False), flag


@pytest.mark.parametrize("name", sorted(dj.register.filters))
def test_module_attribute_names_match(name):
    # Importable under Django's function names (e.g. escape_filter, slice_filter).
    dj_func = dj.register.filters[name]
    assert getattr(fd, dj_func.__name__) is fd.register.filters[name]


def test_stringfilter_with_custom_library():
    register = Library()

    @register.filter(is_safe=True)
    @fd.stringfilter
    def shout(value):
        return value.upper() + "!"

    @register.filter
    @fd.stringfilter
    def whisper(value):
        return value.lower()

    assert shout(12) == "12!"
    assert isinstance(shout(mark_safe("<b>")), SafeData)
    assert not isinstance(shout("<b>"), SafeData)
    # Not registered as safe: a safe input does not make a safe output.
    assert not isinstance(whisper(mark_safe("<B>")), SafeData)
    assert register.filters["shout"] is shout
