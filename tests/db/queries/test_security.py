"""SQL injection classes of Django's CVEs, and bound parameters everywhere."""

import pytest

from fastdj.db import connection
from fastdj.db.models import Count, F, Value
from fastdj.db.models.functions import Extract

from ._corpus import namespace
from .test_differential import _evaluate

FAST = namespace("fastdj")
DJANGO = namespace("django")

EVIL_ALIASES = [
    'x" FROM "tests_db_queries_book"; --',
    "x'",
    "x;",
    "x y",
    "x--",
    "x/*",
    "x*/",
    'x"',
    "x`",
    "x[",
    "x\t",
]

EVIL_NAMES = [
    "pages); DROP TABLE tests_db_queries_book; --",
    "tests_db_queries_book.pages",
    "pages DESC",
    "pages; --",
    "-pages)",
    "pages__gt'",
    "'pages'",
    "--pages",
]


def _table_intact(models):
    return models.Book.objects.count() == 7


@pytest.mark.parametrize("alias", EVIL_ALIASES)
@pytest.mark.parametrize(
    "method",
    ["annotate", "alias", "aggregate", "values"],
)
def test_cve_2022_28346_column_aliases(method, alias, data, oracle):
    """annotate/alias/aggregate/values(**{alias: ...}) reject crafted aliases."""

    def run(M, E):
        qs = M.Book.objects.all()
        if method == "aggregate":
            return qs.aggregate(**{alias: E.Count("pk")})
        if method == "values":
            return list(qs.values(**{alias: E.F("pages")}))
        return list(getattr(qs, method)(**{alias: E.Value(1)}))

    assert _evaluate(run, data, FAST) == _evaluate(run, oracle, DJANGO)
    assert _evaluate(run, data, FAST) == ("error", "ValueError")
    assert _table_intact(data)


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_cve_2021_35042_order_by(name, data, oracle):
    """order_by() of untrusted names: FieldError, never SQL text."""

    def run(M, E):
        return M.Book.objects.order_by(name)

    assert _evaluate(run, data, FAST) == ("error", "FieldError")
    assert _evaluate(run, oracle, DJANGO)[0] == "error"
    assert _table_intact(data)


@pytest.mark.parametrize("name", EVIL_NAMES)
@pytest.mark.parametrize("method", ["values", "values_list", "filter", "only", "defer"])
def test_untrusted_names_in_values_and_filters(method, name, data, oracle):
    def run(M, E):
        qs = M.Book.objects.all()
        if method == "filter":
            return qs.filter(**{name: 1})
        if method in ("only", "defer"):
            return [b.pk for b in getattr(qs, method)(name)]
        return getattr(qs, method)(name)

    ours = _evaluate(run, data, FAST)
    assert ours[0] == "error"
    assert ours == _evaluate(run, oracle, DJANGO)
    assert _table_intact(data)


@pytest.mark.parametrize(
    "lookup_name",
    ["year' FROM pubdate)) OR 1=1;--", "year FROM", "epoch", "", "YEAR"],
)
def test_cve_2022_34265_extract_lookup_name(lookup_name, data):
    """Extract(lookup_name=...) only accepts the known component names."""
    with pytest.raises(ValueError):
        list(data.Book.objects.annotate(x=Extract("pubdate", lookup_name)))
    assert _table_intact(data)


@pytest.mark.parametrize(
    "value",
    [
        "x'; DROP TABLE tests_db_queries_book; --",
        'x" OR "1"="1',
        "' OR 1=1 --",
        "zz%",
        "q_q",
        "\\'",
    ],
)
def test_values_are_bound_parameters(value, data):
    qs = data.Book.objects.filter(title=value) | data.Book.objects.filter(
        title__contains=value
    )
    assert list(qs) == []
    qs = data.Book.objects.filter(title=value)
    sql, params = qs._select_compiler("default").as_sql()
    assert value not in sql
    assert any(value in str(p) for p in params)
    assert _table_intact(data)


def test_like_wildcards_match_literally(data):
    assert [b.pk for b in data.Book.objects.filter(title__contains="%")] == [3]
    assert [b.pk for b in data.Book.objects.filter(title__contains="_")] == [3]
    assert [b.pk for b in data.Book.objects.filter(title__endswith="0%")] == [3]
    assert list(data.Book.objects.filter(title__contains="b%d")) == []


@pytest.mark.parametrize(
    "lookup",
    ["contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"],
)
def test_like_wildcards_from_an_expression_match_literally(lookup, data):
    # A right side that is an expression is escaped in SQL, as a plain value is
    # in its parameter: "%" and "_" match only themselves (book 3 is
    # "web_dev 100%"), never any text.
    def pks(pattern):
        qs = data.Book.objects.annotate(p=Value(pattern)).filter(
            **{f"title__{lookup}": F("p")}
        )
        return sorted(book.pk for book in qs)

    assert pks("%") == ([3] if lookup.endswith(("contains", "endswith")) else [])
    assert pks("_") == ([3] if lookup.endswith("contains") else [])


def test_identifiers_are_quoted(data):
    sql, params = (
        data.Book.objects.filter(author__name="ann")
        .annotate(n=Count("tags"))
        .order_by("-n")
        ._select_compiler("default")
        .as_sql()
    )
    q = connection.ops.quote_name
    for identifier in ("tests_db_queries_book", "title", "name", "n"):
        assert q(identifier) in sql
    assert params == ("ann",)


def test_annotation_values_and_expressions_are_params(data):
    qs = data.Book.objects.annotate(tag=Value("it's")).filter(pages__gt=F("pages") - 1)
    sql, params = qs._select_compiler("default").as_sql()
    assert "it's" not in sql
    assert "it's" in params
    assert {b.tag for b in qs} == {"it's"}
