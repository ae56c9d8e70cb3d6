"""A corpus of QuerySets run identically on fastdj and Django (see test_differential).

Each case is ``(id, fn)``: ``fn(M, E)`` gets the models module ``M`` and the
framework namespace ``E`` (Q, F, Count, ...) and returns a result or a QuerySet.
"""

import datetime
import decimal
import types

UTC = datetime.timezone.utc


def namespace(framework: str):
    """Return Q, F, aggregates, functions and FieldError of ``framework``."""
    if framework == "django":
        from django.core.exceptions import FieldError
        from django.db import models as m
        from django.db.models import functions as fn
    else:
        from fastdj.core.exceptions import FieldError
        from fastdj.db import models as m
        from fastdj.db.models import functions as fn
    return types.SimpleNamespace(
        Q=m.Q,
        F=m.F,
        Value=m.Value,
        Count=m.Count,
        Sum=m.Sum,
        Avg=m.Avg,
        Min=m.Min,
        Max=m.Max,
        Case=m.Case,
        When=m.When,
        Exists=m.Exists,
        OuterRef=m.OuterRef,
        Subquery=m.Subquery,
        ExpressionWrapper=m.ExpressionWrapper,
        IntegerField=m.IntegerField,
        CharField=m.CharField,
        Coalesce=fn.Coalesce,
        ExtractYear=fn.ExtractYear,
        Upper=fn.Upper,
        FieldError=FieldError,
    )


D = decimal.Decimal

CASES = [
    # -- single table filters and lookups
    ("all", lambda M, E: M.Book.objects.all()),
    ("exact", lambda M, E: M.Book.objects.filter(pages=320)),
    ("exact_str", lambda M, E: M.Book.objects.filter(title="zen of data")),
    ("iexact", lambda M, E: M.Book.objects.filter(title__iexact="ZEN OF DATA")),
    ("contains", lambda M, E: M.Book.objects.filter(title__contains="a")),
    ("icontains", lambda M, E: M.Book.objects.filter(title__icontains="DATA")),
    ("contains_percent", lambda M, E: M.Book.objects.filter(title__contains="100%")),
    ("contains_underscore", lambda M, E: M.Book.objects.filter(title__contains="b_d")),
    ("contains_underscore2", lambda M, E: M.Book.objects.filter(title__contains="_")),
    ("startswith", lambda M, E: M.Book.objects.filter(title__startswith="a")),
    ("istartswith", lambda M, E: M.Book.objects.filter(title__istartswith="A")),
    ("endswith", lambda M, E: M.Book.objects.filter(title__endswith="s")),
    ("iendswith", lambda M, E: M.Book.objects.filter(title__iendswith="NOTES")),
    ("gt", lambda M, E: M.Book.objects.filter(pages__gt=300)),
    ("gte_lt", lambda M, E: M.Book.objects.filter(pages__gte=220, pages__lt=510)),
    ("lte", lambda M, E: M.Book.objects.filter(price__lte=D("19.00"))),
    ("in_list", lambda M, E: M.Book.objects.filter(pk__in=[1, 3, 5, 99])),
    ("in_tuple_strs", lambda M, E: M.Tag.objects.filter(name__in=("py", "web"))),
    ("in_empty", lambda M, E: M.Book.objects.filter(pk__in=[])),
    ("in_with_none", lambda M, E: M.Author.objects.filter(age__in=[34, None])),
    ("exclude_in_with_none", lambda M, E: M.Author.objects.exclude(age__in=[34, None])),
    ("range", lambda M, E: M.Book.objects.filter(pages__range=(150, 410))),
    (
        "range_dates",
        lambda M, E: M.Book.objects.filter(
            pubdate__range=(datetime.date(2019, 1, 1), datetime.date(2020, 12, 31))
        ),
    ),
    ("isnull_true", lambda M, E: M.Author.objects.filter(age__isnull=True)),
    ("isnull_false", lambda M, E: M.Author.objects.filter(age__isnull=False)),
    ("exact_none", lambda M, E: M.Author.objects.filter(age=None)),
    ("exclude_nullable", lambda M, E: M.Author.objects.exclude(age=34)),
    ("regex", lambda M, E: M.Book.objects.filter(title__regex=r"^[a-d].*[sa]$")),
    ("iregex", lambda M, E: M.Book.objects.filter(title__iregex=r"^ZEN")),
    ("bool", lambda M, E: M.Author.objects.filter(active=False)),
    ("float", lambda M, E: M.Author.objects.filter(rating__gte=3.0)),
    ("year", lambda M, E: M.Book.objects.filter(pubdate__year=2019)),
    ("month", lambda M, E: M.Book.objects.filter(pubdate__month__gte=5)),
    ("day", lambda M, E: M.Book.objects.filter(pubdate__day=1)),
    ("week_day", lambda M, E: M.Book.objects.filter(pubdate__week_day=4)),
    ("dt_year", lambda M, E: M.Author.objects.filter(joined__year=2020)),
    ("dt_hour", lambda M, E: M.Author.objects.filter(joined__hour__gte=8)),
    (
        "dt_date",
        lambda M, E: M.Author.objects.filter(joined__date=datetime.date(2021, 6, 15)),
    ),
    (
        "dt_gt",
        lambda M, E: M.Author.objects.filter(
            joined__gt=datetime.datetime(2020, 6, 1, tzinfo=UTC)
        ),
    ),
    # -- Q trees
    (
        "q_or",
        lambda M, E: M.Book.objects.filter(E.Q(pages__lt=200) | E.Q(pages__gt=500)),
    ),
    (
        "q_and_not",
        lambda M, E: M.Book.objects.filter(
            E.Q(pages__gt=100) & ~E.Q(title__startswith="a")
        ),
    ),
    (
        "q_issue",
        lambda M, E: M.Book.objects.filter(
            E.Q(pages=320) | E.Q(pages__gt=400) & ~E.Q(author=1)
        ),
    ),
    (
        "q_nested",
        lambda M, E: M.Author.objects.filter(
            ~(E.Q(age__gt=30) | E.Q(active=False)) | E.Q(name="eve")
        ),
    ),
    ("q_xor", lambda M, E: M.Item.objects.filter(E.Q(a__gt=2) ^ E.Q(b__gt=2))),
    ("q_empty", lambda M, E: M.Item.objects.filter(E.Q())),
    ("exclude_q_or", lambda M, E: M.Item.objects.exclude(E.Q(a=1) | E.Q(b=None))),
    # -- relations
    ("fk_id", lambda M, E: M.Book.objects.filter(author_id=1)),
    ("fk_pk", lambda M, E: M.Book.objects.filter(author=2)),
    ("fk_span", lambda M, E: M.Book.objects.filter(author__name="dee")),
    ("fk_span_id", lambda M, E: M.Book.objects.filter(author__id=4)),
    ("fk_span_2", lambda M, E: M.Book.objects.filter(author__mentor__name="ann")),
    ("fk_null_span", lambda M, E: M.Book.objects.filter(publisher__city__isnull=True)),
    ("fk_isnull", lambda M, E: M.Book.objects.filter(publisher__isnull=True)),
    ("fk_exclude_span", lambda M, E: M.Book.objects.exclude(publisher__name="alpha")),
    (
        "reverse_fk",
        lambda M, E: M.Author.objects.filter(books__pages__gt=400).distinct(),
    ),
    ("reverse_fk_exclude", lambda M, E: M.Author.objects.exclude(books__pages__gt=400)),
    ("reverse_fk_isnull", lambda M, E: M.Author.objects.filter(books__isnull=True)),
    ("m2m", lambda M, E: M.Book.objects.filter(tags__name="py")),
    ("m2m_reverse", lambda M, E: M.Tag.objects.filter(books__title="deep learning")),
    ("m2m_exclude", lambda M, E: M.Book.objects.exclude(tags__name="py")),
    (
        "m2m_two_filters",
        lambda M, E: M.Book.objects.filter(tags__name="py").filter(tags__name="db"),
    ),
    (
        "m2m_same_filter",
        lambda M, E: M.Book.objects.filter(tags__name="py", tags__id__gt=1),
    ),
    ("self_fk_reverse", lambda M, E: M.Author.objects.filter(pupils__name="bob")),
    (
        "in_queryset",
        lambda M, E: M.Book.objects.filter(
            author__in=M.Author.objects.filter(active=True)
        ),
    ),
    (
        "in_values",
        lambda M, E: M.Author.objects.filter(
            pk__in=M.Book.objects.filter(pages__gt=300).values("author")
        ),
    ),
    # -- F expressions
    ("f_compare", lambda M, E: M.Item.objects.filter(a__gt=E.F("b"))),
    ("f_arith", lambda M, E: M.Item.objects.filter(a=E.F("b") - 1)),
    ("f_span", lambda M, E: M.Book.objects.filter(pages__gt=E.F("author__age") * 10)),
    ("exclude_f", lambda M, E: M.Item.objects.exclude(a=E.F("b"))),
    # -- ordering, slicing
    ("order", lambda M, E: M.Book.objects.order_by("pages")),
    ("order_desc_multi", lambda M, E: M.Book.objects.order_by("-pubdate", "title")),
    ("order_fk_meta", lambda M, E: M.Book.objects.order_by("publisher", "pk")),
    ("order_span", lambda M, E: M.Book.objects.order_by("author__name", "-pages")),
    ("order_f_desc", lambda M, E: M.Book.objects.order_by(E.F("pages").desc())),
    (
        "order_nulls",
        lambda M, E: M.Author.objects.order_by(E.F("age").asc(nulls_last=True), "pk"),
    ),
    ("meta_ordering", lambda M, E: M.Publisher.objects.all()),
    ("reverse", lambda M, E: M.Book.objects.order_by("pages").reverse()),
    ("reverse_meta", lambda M, E: M.Publisher.objects.reverse()),
    ("slice", lambda M, E: M.Book.objects.order_by("pk")[2:5]),
    ("slice_offset", lambda M, E: M.Book.objects.order_by("pk")[3:]),
    ("slice_of_slice", lambda M, E: M.Book.objects.order_by("pk")[1:6][1:3]),
    ("index", lambda M, E: M.Book.objects.order_by("-pages")[1]),
    ("index_oob", lambda M, E: M.Book.objects.order_by("pk")[50]),
    (
        "multi_filter_order_slice",
        lambda M, E: M.Book.objects.filter(pages__gt=100, price__lt=50).order_by(
            "-pages"
        )[:3],
    ),
    ("neg_index", lambda M, E: M.Book.objects.all()[-1]),
    ("filter_after_slice", lambda M, E: M.Book.objects.all()[:2].filter(pk=1)),
    # -- values / values_list
    ("values", lambda M, E: M.Book.objects.order_by("pk").values("title", "pages")),
    ("values_all", lambda M, E: M.Publisher.objects.values()),
    (
        "values_span",
        lambda M, E: M.Book.objects.order_by("pk").values("title", "author__name"),
    ),
    (
        "values_list",
        lambda M, E: M.Book.objects.order_by("pk").values_list("pk", "title"),
    ),
    (
        "values_list_flat",
        lambda M, E: M.Book.objects.order_by("-pk").values_list("pages", flat=True),
    ),
    (
        "values_list_named",
        lambda M, E: [
            tuple(r._fields) + tuple(r)
            for r in M.Book.objects.order_by("pk").values_list(
                "title", "pages", named=True
            )
        ],
    ),
    (
        "values_expr",
        lambda M, E: M.Book.objects.order_by("pk").values(double=E.F("pages") * 2),
    ),
    ("values_distinct", lambda M, E: M.Book.objects.values("pubdate").distinct()),
    (
        "values_flat_bad",
        lambda M, E: M.Book.objects.values_list("pk", "title", flat=True),
    ),
    ("values_unknown", lambda M, E: M.Book.objects.values("nope")),
    # -- annotate / aggregate / group by
    (
        "aggregate_all",
        lambda M, E: M.Book.objects.aggregate(
            E.Count("pk"),
            E.Sum("pages"),
            E.Avg("pages"),
            E.Min("price"),
            E.Max("pubdate"),
        ),
    ),
    (
        "aggregate_filtered",
        lambda M, E: M.Book.objects.filter(pages__gt=300).aggregate(
            total=E.Sum("pages")
        ),
    ),
    (
        "aggregate_empty",
        lambda M, E: M.Book.objects.filter(pk__in=[]).aggregate(
            total=E.Sum("pages"), n=E.Count("pk")
        ),
    ),
    (
        "aggregate_default",
        lambda M, E: M.Book.objects.filter(pages__gt=9999).aggregate(
            total=E.Sum("pages", default=0)
        ),
    ),
    (
        "aggregate_span",
        lambda M, E: M.Author.objects.aggregate(
            n=E.Count("books"), d=E.Count("books__publisher", distinct=True)
        ),
    ),
    (
        "aggregate_sliced",
        lambda M, E: M.Book.objects.order_by("pk")[:3].aggregate(s=E.Sum("pages")),
    ),
    (
        "aggregate_over_annotation",
        lambda M, E: M.Author.objects.annotate(n=E.Count("books")).aggregate(
            m=E.Max("n"), s=E.Sum("n")
        ),
    ),
    ("aggregate_not_agg", lambda M, E: M.Book.objects.aggregate(x=E.F("pages"))),
    (
        "annotate_count",
        lambda M, E: (
            M.Author.objects.annotate(n=E.Count("books"))
            .order_by("pk")
            .values_list("name", "n")
        ),
    ),
    (
        "annotate_count_distinct",
        lambda M, E: (
            M.Author.objects.annotate(n=E.Count("books__tags", distinct=True))
            .order_by("pk")
            .values_list("pk", "n")
        ),
    ),
    (
        "annotate_filter_having",
        lambda M, E: (
            M.Author.objects.annotate(n=E.Count("books"))
            .filter(n__gte=2)
            .order_by("pk")
        ),
    ),
    (
        "annotate_sum_order",
        lambda M, E: (
            M.Author.objects.annotate(p=E.Sum("books__pages"))
            .order_by("-p", "pk")
            .values("name", "p")
        ),
    ),
    (
        "values_annotate_group",
        lambda M, E: (
            M.Book.objects.values("author__name")
            .annotate(n=E.Count("pk"), s=E.Sum("pages"))
            .order_by("author__name")
        ),
    ),
    (
        "values_annotate_values",
        lambda M, E: (
            M.Book.objects.values("publisher")
            .annotate(n=E.Count("pk"))
            .values("publisher", "n")
            .order_by("publisher")
        ),
    ),
    (
        "annotate_then_values",
        lambda M, E: (
            M.Author.objects.annotate(n=E.Count("books"))
            .values("name", "n")
            .order_by("name")
        ),
    ),
    (
        "annotate_count_filter",
        lambda M, E: (
            M.Author.objects.annotate(
                big=E.Count("books", filter=E.Q(books__pages__gt=300))
            )
            .order_by("pk")
            .values_list("pk", "big")
        ),
    ),
    (
        "annotate_arith",
        lambda M, E: (
            M.Book.objects.annotate(
                ppp=E.ExpressionWrapper(
                    E.F("pages") * 2 + 1, output_field=E.IntegerField()
                )
            )
            .order_by("pk")
            .values_list("ppp", flat=True)
        ),
    ),
    (
        "annotate_value",
        lambda M, E: (
            M.Book.objects.annotate(one=E.Value(1))
            .order_by("pk")
            .values_list("one", flat=True)
        ),
    ),
    (
        "annotate_filter_f",
        lambda M, E: (
            M.Book.objects.annotate(twice=E.F("pages") * 2)
            .filter(twice__gt=600)
            .order_by("pk")
        ),
    ),
    (
        "alias_filter",
        lambda M, E: (
            M.Book.objects.alias(twice=E.F("pages") * 2)
            .filter(twice__gt=600)
            .order_by("pk")
        ),
    ),
    (
        "annotate_order_by_agg",
        lambda M, E: (
            M.Publisher.objects.annotate(n=E.Count("books"))
            .order_by("-n", "name")
            .values_list("name", "n")
        ),
    ),
    ("annotate_conflict", lambda M, E: M.Book.objects.annotate(title=E.Value("x"))),
    (
        "annotate_year",
        lambda M, E: (
            M.Book.objects.annotate(y=E.ExtractYear("pubdate"))
            .values("y")
            .annotate(n=E.Count("pk"))
            .order_by("y")
        ),
    ),
    (
        "annotate_upper",
        lambda M, E: M.Publisher.objects.annotate(u=E.Upper("name")).values_list(
            "u", flat=True
        ),
    ),
    # -- Case/When/Coalesce
    (
        "case_when",
        lambda M, E: (
            M.Book.objects.annotate(
                size=E.Case(
                    E.When(pages__gt=500, then=E.Value("big")),
                    E.When(pages__gt=200, then=E.Value("mid")),
                    default=E.Value("small"),
                )
            )
            .order_by("pk")
            .values_list("size", flat=True)
        ),
    ),
    (
        "case_in_filter",
        lambda M, E: (
            M.Author.objects.annotate(
                grp=E.Case(
                    E.When(age__gte=34, then=1),
                    default=0,
                    output_field=E.IntegerField(),
                )
            )
            .filter(grp=1)
            .order_by("pk")
        ),
    ),
    (
        "coalesce",
        lambda M, E: (
            M.Author.objects.annotate(a=E.Coalesce("age", E.Value(0)))
            .order_by("pk")
            .values_list("a", flat=True)
        ),
    ),
    (
        "coalesce_filter",
        lambda M, E: M.Item.objects.filter(b__gt=E.Coalesce("a", E.Value(3))),
    ),
    # -- subqueries
    (
        "exists",
        lambda M, E: M.Author.objects.filter(
            E.Exists(M.Book.objects.filter(author=E.OuterRef("pk"), pages__gt=400))
        ).order_by("pk"),
    ),
    (
        "not_exists",
        lambda M, E: M.Author.objects.filter(
            ~E.Exists(M.Book.objects.filter(author=E.OuterRef("pk")))
        ).order_by("pk"),
    ),
    (
        "annotate_exists",
        lambda M, E: (
            M.Author.objects.annotate(
                has=E.Exists(
                    M.Book.objects.filter(
                        author=E.OuterRef("pk"), publisher__isnull=True
                    )
                )
            )
            .order_by("pk")
            .values_list("pk", "has")
        ),
    ),
    (
        "subquery_value",
        lambda M, E: (
            M.Author.objects.annotate(
                latest=E.Subquery(
                    M.Book.objects.filter(author=E.OuterRef("pk"))
                    .order_by("-pubdate")
                    .values("title")[:1]
                )
            )
            .order_by("pk")
            .values_list("name", "latest")
        ),
    ),
    (
        "subquery_filter",
        lambda M, E: M.Book.objects.filter(
            pages__gt=E.Subquery(
                M.Book.objects.filter(author=E.OuterRef("author"))
                .order_by()
                .values("author")
                .annotate(a=E.Avg("pages"))
                .values("a")
            )
        ),
    ),
    # -- select_related / only / defer
    (
        "select_related",
        lambda M, E: [
            (b.pk, b.author.name, b.publisher and b.publisher.name)
            for b in M.Book.objects.select_related("author", "publisher").order_by("pk")
        ],
    ),
    (
        "select_related_deep",
        lambda M, E: [
            (b.pk, b.author.mentor and b.author.mentor.name)
            for b in M.Book.objects.select_related("author__mentor").order_by("pk")
        ],
    ),
    (
        "select_related_all",
        lambda M, E: [
            (b.pk, b.author.name)
            for b in M.Book.objects.select_related().order_by("pk")
        ],
    ),
    ("select_related_bad", lambda M, E: list(M.Book.objects.select_related("title"))),
    (
        "only",
        lambda M, E: [
            (b.pk, b.title, b.pages)
            for b in M.Book.objects.only("title").order_by("pk")
        ],
    ),
    (
        "defer",
        lambda M, E: [
            (b.pk, b.title, b.pages)
            for b in M.Book.objects.defer("title").order_by("pk")
        ],
    ),
    # -- QuerySet API
    ("count", lambda M, E: M.Book.objects.filter(pages__gt=200).count()),
    (
        "count_distinct",
        lambda M, E: M.Author.objects.filter(books__pages__gt=100).distinct().count(),
    ),
    ("count_sliced", lambda M, E: M.Book.objects.all()[2:5].count()),
    ("exists_true", lambda M, E: M.Book.objects.filter(pages__gt=600).exists()),
    ("exists_false", lambda M, E: M.Book.objects.filter(pages__gt=6000).exists()),
    ("get", lambda M, E: M.Book.objects.get(pk=3)),
    ("get_missing", lambda M, E: M.Book.objects.get(pk=99)),
    ("get_multiple", lambda M, E: M.Book.objects.get(pages__gt=100)),
    ("first", lambda M, E: M.Book.objects.filter(pages__gt=200).first()),
    ("last", lambda M, E: M.Book.objects.order_by("pages").last()),
    ("first_none", lambda M, E: M.Book.objects.filter(pk=99).first()),
    ("earliest", lambda M, E: M.Book.objects.earliest("pubdate")),
    ("latest", lambda M, E: M.Book.objects.latest("pubdate", "pk")),
    ("latest_no_field", lambda M, E: M.Book.objects.latest()),
    ("in_bulk", lambda M, E: sorted(M.Book.objects.in_bulk([1, 2, 99]))),
    (
        "in_bulk_field",
        lambda M, E: sorted(M.Tag.objects.in_bulk(["py", "web"], field_name="name")),
    ),
    (
        "in_bulk_not_unique",
        lambda M, E: M.Book.objects.in_bulk([1], field_name="title"),
    ),
    ("none", lambda M, E: M.Book.objects.none()),
    ("none_count", lambda M, E: M.Book.objects.none().count()),
    (
        "union",
        lambda M, E: (
            M.Book.objects.filter(pages__lt=200)
            .union(M.Book.objects.filter(pages__gt=500))
            .order_by("pages")
        ),
    ),
    (
        "union_values",
        lambda M, E: (
            M.Book.objects.filter(pk=1)
            .values_list("title")
            .union(M.Book.objects.filter(pk=2).values_list("title"), all=True)
            .order_by("title")
        ),
    ),
    (
        "or_querysets",
        lambda M, E: M.Book.objects.filter(pk=1) | M.Book.objects.filter(pk=4),
    ),
    (
        "and_querysets",
        lambda M, E: (
            M.Book.objects.filter(pages__gt=100) & M.Book.objects.filter(pages__lt=400)
        ),
    ),
    ("distinct", lambda M, E: M.Tag.objects.filter(books__pages__gt=100).distinct()),
    (
        "iterator",
        lambda M, E: [
            b.pk for b in M.Book.objects.order_by("pk").iterator(chunk_size=2)
        ],
    ),
    (
        "len_bool",
        lambda M, E: (
            len(M.Book.objects.all()),
            bool(M.Tag.objects.filter(name="zzz")),
        ),
    ),
    # -- errors
    ("unknown_field", lambda M, E: M.Book.objects.filter(nope=1)),
    ("unknown_lookup", lambda M, E: M.Book.objects.filter(pages__nope=1)),
    ("bad_int", lambda M, E: M.Book.objects.filter(pages="abc")),
    ("none_gt", lambda M, E: M.Book.objects.filter(pages__gt=None)),
    ("isnull_non_bool", lambda M, E: M.Book.objects.filter(publisher__isnull="yes")),
    ("order_unknown", lambda M, E: M.Book.objects.order_by("nope")),
    ("annotate_non_expr", lambda M, E: M.Book.objects.annotate(x=1)),
    ("join_field_not_permitted", lambda M, E: M.Book.objects.filter(title__name="x")),
    ("reorder_slice", lambda M, E: M.Book.objects.all()[:2].order_by("pk")),
    ("update_sliced", lambda M, E: M.Book.objects.all()[:2].update(pages=1)),
]
