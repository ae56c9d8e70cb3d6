"""QueryDict and MultiValueDict, differentially against Django."""

import copy
import pickle

import pytest
from django.http import QueryDict as DjQueryDict
from django.test.utils import override_settings as dj_override
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.core.exceptions import TooManyFieldsSent
from fastdj.http import QueryDict
from fastdj.test.utils import override_settings
from fastdj.utils.datastructures import MultiValueDict, MultiValueDictKeyError

from .conftest import outcome

QUERY_STRINGS = [
    "",
    "a=1",
    "a=1&a=2&b=3",
    "a",
    "a=",
    "=b",
    "=",
    "&&&",
    "a=1&&b=2",
    "a=1;b=2",
    "a+b=c+d",
    "a%20b=c%2Bd",
    "q=%E2%99%A5",
    "q=%ff%fe",
    "q=%",
    "q=%zz",
    "q=%e2%99",
    "key=value=more",
    "a[]=1&a[]=2",
    "x=%00",
    "é=ü",
    "next=%2Fa%26b%2F",
]

BYTE_QUERY_STRINGS = [
    b"a=1",
    b"q=\xe2\x99\xa5",
    b"q=\xff\xfe",
    b"\xff=\xff",
    b"a=%C3%A9&b=\xe9",
]


def both(qs, **kwargs):
    return outcome(lambda: QueryDict(qs, **kwargs)), outcome(
        lambda: DjQueryDict(qs, **kwargs)
    )


def as_lists(q):
    return list(q.lists())


@pytest.mark.parametrize("qs", QUERY_STRINGS + BYTE_QUERY_STRINGS)
def test_parse_matches_django(qs):
    ours, theirs = QueryDict(qs), DjQueryDict(qs)
    assert as_lists(ours) == as_lists(theirs)
    assert ours.dict() == theirs.dict()
    assert ours.urlencode() == theirs.urlencode()
    assert ours.urlencode(safe="/") == theirs.urlencode(safe="/")


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "cp1252"])
def test_parse_with_encoding(encoding):
    for qs in BYTE_QUERY_STRINGS:
        ours, theirs = (
            QueryDict(qs, encoding=encoding),
            DjQueryDict(qs, encoding=encoding),
        )
        assert as_lists(ours) == as_lists(theirs)
        assert ours.encoding == theirs.encoding == encoding


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_hypothesis_text(qs):
    ours, theirs = QueryDict(qs), DjQueryDict(qs)
    assert as_lists(ours) == as_lists(theirs)
    assert ours.urlencode() == theirs.urlencode()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([b"&", b"=", b"%", b"+", b";", b"%2", b"%e2%99%a5"]),
            st.binary(max_size=6),
        ),
        max_size=15,
    ).map(b"".join)
)
def test_hypothesis_bytes(qs):
    ours, theirs = QueryDict(qs), DjQueryDict(qs)
    assert as_lists(ours) == as_lists(theirs)


def test_too_many_fields():
    qs = "&".join(f"k{i}=v" for i in range(11))
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10):
        with pytest.raises(TooManyFieldsSent):
            QueryDict(qs)
        QueryDict("&".join(f"k{i}=v" for i in range(10)))
    with dj_override(DATA_UPLOAD_MAX_NUMBER_FIELDS=10):
        assert outcome(DjQueryDict, qs) == ("raise", "TooManyFieldsSent")
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=None):
        assert len(QueryDict("&".join(f"k{i}=v" for i in range(3000)))) == 3000


def test_immutable_by_default():
    q = QueryDict("a=1")
    for op in (
        lambda: q.__setitem__("a", "2"),
        lambda: q.__delitem__("a"),
        lambda: q.appendlist("a", "2"),
        lambda: q.setlist("a", ["2"]),
        lambda: q.setlistdefault("b"),
        lambda: q.pop("a"),
        lambda: q.popitem(),
        lambda: q.clear(),
        lambda: q.setdefault("b", "1"),
    ):
        with pytest.raises(AttributeError, match="immutable"):
            op()
    assert q.getlist("a") == ["1"]


def test_copy_is_mutable_and_deep():
    q = QueryDict("a=1&a=2")
    c = q.copy()
    c.appendlist("a", "3")
    c["b"] = b"\xc3\xa9"
    assert q.getlist("a") == ["1", "2"]
    assert c.getlist("a") == ["1", "2", "3"]
    assert c["b"] == "é"
    assert copy.copy(q)._mutable is True
    assert copy.deepcopy(q).getlist("a") == ["1", "2"]


def test_mutable_operations_match_django():
    ours, theirs = QueryDict(mutable=True), DjQueryDict(mutable=True)
    for q in (ours, theirs):
        q["a"] = "1"
        q.appendlist("a", b"2")
        q.setlist("b", ["x", b"\xff"])
        q.setdefault("c", b"d")
        q.setlistdefault("e").append("f")
        q.update({"a": "3"})
        q.update(QueryDict("a=4&z=9") if q is ours else DjQueryDict("a=4&z=9"))
    assert as_lists(ours) == as_lists(theirs)
    assert ours.pop("z") == theirs.pop("z")
    assert ours.urlencode() == theirs.urlencode()
    assert ours.urlencode(safe="/") == theirs.urlencode(safe="/")


def test_fromkeys_matches_django():
    ours = QueryDict.fromkeys(["a", "a", "b"], value="v")
    theirs = DjQueryDict.fromkeys(["a", "a", "b"], value="v")
    assert as_lists(ours) == as_lists(theirs)
    assert ours._mutable is False


def test_getters():
    q = QueryDict("a=1&a=2&b=")
    assert q["a"] == "2"
    assert q.get("a") == "2"
    assert q.get("missing", "d") == "d"
    assert q.getlist("a") == ["1", "2"]
    assert q.getlist("missing") == []
    assert q.getlist("missing", ["x"]) == ["x"]
    assert list(q.items()) == [("a", "2"), ("b", "")]
    assert list(q.values()) == ["2", ""]
    assert list(q) == ["a", "b"]
    with pytest.raises(MultiValueDictKeyError):
        q["missing"]
    # getlist returns a copy.
    q.getlist("a").append("x")
    assert q.getlist("a") == ["1", "2"]


def test_pickle_roundtrip():
    q = QueryDict("a=1&a=2", encoding="latin-1")
    r = pickle.loads(pickle.dumps(q))
    assert r.getlist("a") == ["1", "2"]
    assert r.encoding == "latin-1"
    assert r._mutable is False


def test_multivaluedict():
    d = MultiValueDict({"name": ["Adrian", "Simon"], "empty": []})
    assert d["name"] == "Simon"
    assert d["empty"] == []
    assert d.get("empty", "x") == "x"
    assert repr(d).startswith("<MultiValueDict: {")
    d.update(name="Bob")
    assert d.getlist("name") == ["Adrian", "Simon", "Bob"]
    assert d.dict() == {"name": "Bob", "empty": []}
    c = d.copy()
    c.appendlist("name", "X")
    assert d.getlist("name") == ["Adrian", "Simon", "Bob"]
    with pytest.raises(TypeError):
        d.update({}, {})
