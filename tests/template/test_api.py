"""The engine's Python API: Context, loaders, loader module, responses,
shortcuts.render, static/url/querystring/now/csrf_token tags.
"""

import datetime

import pytest

from fastdj.template import (
    Context,
    Engine,
    Library,
    RequestContext,
    Template,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    Variable,
    VariableDoesNotExist,
)
from fastdj.template.context import ContextPopException, make_context
from fastdj.test.utils import override_settings


def test_context_stack_like_django():
    from django.template import Context as DjContext

    for cls in (Context, DjContext):
        c = cls({"a": 1})
        assert c["a"] == 1
        with c.push(a=2, b=3):
            assert (c["a"], c["b"]) == (2, 3)
            c["a"] = 4
            assert c.get("a") == 4
        assert c["a"] == 1
        assert "b" not in c
        assert c.get("b", "x") == "x"
        c.update({"z": 9})
        assert c.flatten() == {
            "True": True,
            "False": False,
            "None": None,
            "a": 1,
            "z": 9,
        }
        c.pop()
        with pytest.raises(KeyError):
            c["z"]
        c.push()
        c.set_upward("a", 5)
        c.pop()
        assert c["a"] == 5
        assert c.setdefault("n", 7) == 7
        new = c.new({"q": 1})
        assert "a" not in new and new["q"] == 1
        c.pop()
        with pytest.raises(Exception) as info:
            c.pop()
        assert info.type.__name__ == "ContextPopException"
    assert ContextPopException


def test_context_update_rejects_non_mapping():
    with pytest.raises(TypeError):
        Context().update(1)


def test_make_context():
    assert make_context({"a": 1})["a"] == 1
    with pytest.raises(TypeError):
        make_context([("a", 1)])
    request = object()
    ctx = make_context({"a": 1}, request)
    assert isinstance(ctx, RequestContext) and ctx["a"] == 1


def test_variable_api(twin):
    from tests.template.objects import Callables

    assert Variable("a.b").resolve({"a": {"b": 2}}) == 2
    assert Variable("c.alters").resolve({"c": Callables()}) == ""
    assert Variable("c.silent").resolve({"c": Callables()}) == ""
    assert Variable("'x'").resolve({}) == "x"
    assert Variable("3").resolve({}) == 3
    with pytest.raises(VariableDoesNotExist) as info:
        Variable("a.c").resolve({"a": {"b": 2}})
    assert "Failed lookup for key [c]" in str(info.value)
    with pytest.raises(TemplateSyntaxError):
        Variable("a._b")


def test_template_without_engine_uses_default():
    assert Template("{{ a|upper }}").render(Context({"a": "x"})) == "X"


def test_request_context_processors():
    def proc(request):
        return {"who": request["user"]}

    engine = Engine(context_processors=[proc.__module__ + ".PROC"])
    assert engine.template_context_processors
    ctx = RequestContext({"user": "ann"}, {"x": 1}, processors=[proc])
    out = engine.from_string("{{ who }}{{ x }}{{ req_proc }}").render(ctx)
    assert out == "ann1yes"
    # Processors' values are removed once rendering is over.
    assert "who" not in ctx


def PROC(request):  # noqa: N802 - referenced by dotted path above
    return {"req_proc": "yes"}


def test_request_context_processor_must_return_dict():
    def bad(request):
        return None

    ctx = RequestContext(object(), processors=[bad])
    with pytest.raises(TypeError, match="didn't return a dictionary"):
        Engine().from_string("x").render(ctx)


def test_filesystem_and_cached_loaders(tmp_path):
    (tmp_path / "page.html").write_text("Hi {{ name }}", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.html").write_text("{% include 'page.html' %}!")
    engine = Engine(dirs=[tmp_path])
    t1 = engine.get_template("page.html")
    assert t1.render(Context({"name": "A"})) == "Hi A"
    # The default (cached) loader returns the compiled template again.
    assert engine.get_template("page.html") is t1
    assert engine.render_to_string("sub/inner.html", {"name": "<B>"}) == "Hi &lt;B&gt;!"
    with pytest.raises(TemplateDoesNotExist) as info:
        engine.get_template("nope.html")
    assert info.value.tried
    with pytest.raises(TemplateDoesNotExist):
        engine.get_template("../outside.html")
    with pytest.raises(TemplateDoesNotExist):
        engine.get_template("sub")
    # Misses are cached too; reset() forgets everything.
    (tmp_path / "nope.html").write_text("now here")
    with pytest.raises(TemplateDoesNotExist):
        engine.get_template("nope.html")
    engine.template_loaders[0].reset()
    assert engine.get_template("nope.html").render(Context()) == "now here"


def test_uncached_filesystem_loader_rereads(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("one")
    engine = Engine(
        dirs=[tmp_path], loaders=["fastdj.template.loaders.filesystem.Loader"]
    )
    assert engine.render_to_string("p.html") == "one"
    page.write_text("two")
    assert engine.render_to_string("p.html") == "two"


def test_select_template():
    engine = Engine(loaders=[("fastdj.template.loaders.locmem.Loader", {"b": "B"})])
    assert engine.select_template(["a", "b"]).render(Context()) == "B"
    with pytest.raises(TemplateDoesNotExist, match="a, c"):
        engine.select_template(["a", "c"])
    with pytest.raises(TemplateDoesNotExist, match="No template names"):
        engine.select_template([])
    with pytest.raises(TypeError):
        engine.select_template("b")
    assert engine.render_to_string(["a", "b"]) == "B"


def test_app_directories_loader(tmp_path, monkeypatch):
    app = tmp_path / "myapp"
    (app / "templates" / "myapp").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "templates" / "myapp" / "x.html").write_text("from app")
    tags = app / "templatetags"
    tags.mkdir()
    (tags / "__init__.py").write_text("")
    (tags / "apptags.py").write_text(
        "from fastdj.template import Library\n"
        "register = Library()\n"
        "@register.simple_tag\n"
        "def hello():\n"
        "    return 'hello from app'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with override_settings(INSTALLED_APPS=["myapp"]):
        engine = Engine(app_dirs=True)
        assert engine.render_to_string("myapp/x.html") == "from app"
        out = engine.from_string("{% load apptags %}{% hello %}").render(Context())
        assert out == "hello from app"


def test_loader_module_uses_settings_templates(tmp_path):
    from fastdj.template import loader

    (tmp_path / "t.html").write_text("{{ v }}|{{ request.path }}")
    templates = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [tmp_path],
            "OPTIONS": {
                "context_processors": ["django.template.context_processors.request"]
            },
        }
    ]

    class Req:
        path = "/here/"

    with override_settings(TEMPLATES=templates):
        assert loader.render_to_string("t.html", {"v": "<1>"}) == "&lt;1&gt;|"
        assert loader.render_to_string("t.html", {"v": 2}, Req()) == "2|/here/"
        assert loader.get_template("t.html").render({"v": 3}) == "3|"
        with pytest.raises(TemplateDoesNotExist):
            loader.get_template("missing.html")
        with pytest.raises(TemplateDoesNotExist):
            loader.select_template(["m1", "m2"])


def test_template_response_and_render_shortcut(tmp_path):
    from fastdj.shortcuts import render
    from fastdj.template.response import ContentNotRenderedError, TemplateResponse
    from fastdj.test import RequestFactory

    (tmp_path / "r.html").write_text("[{{ v }}]")
    templates = [
        {
            "BACKEND": "fastdj.template.backends.django.DjangoTemplates",
            "DIRS": [tmp_path],
        }
    ]
    request = RequestFactory().get("/x/")
    with override_settings(TEMPLATES=templates):
        response = render(request, "r.html", {"v": "<a>"}, status=201)
        assert response.status_code == 201
        assert response.content == b"[&lt;a&gt;]"

        late = TemplateResponse(request, "r.html", {"v": 1})
        assert not late.is_rendered
        with pytest.raises(ContentNotRenderedError):
            late.content  # noqa: B018
        late.context_data["v"] = 2
        seen = []
        late.add_post_render_callback(lambda r: seen.append(r.content))
        assert late.render() is late
        assert late.is_rendered and late.content == b"[2]"
        assert seen == [b"[2]"]
        late.context_data["v"] = 3
        late.render()  # already rendered: unchanged
        assert late.content == b"[2]"


def test_template_response_through_handler(tmp_path):
    """process_template_response middleware can change the context before
    the handler renders the response.
    """
    from fastdj.core.handlers.base import BaseHandler
    from fastdj.template.response import TemplateResponse
    from fastdj.test import RequestFactory

    (tmp_path / "h.html").write_text("{{ v }}")
    templates = [
        {
            "BACKEND": "fastdj.template.backends.fastdj.FastdjTemplates",
            "DIRS": [tmp_path],
        }
    ]

    def view(request):
        return TemplateResponse(request, "h.html", {"v": "view"})

    class Middleware:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            return self.get_response(request)

        def process_template_response(self, request, response):
            response.context_data["v"] = "middleware"
            return response

    import sys
    import types

    urls = types.ModuleType("tpl_test_urls")
    from fastdj.urls import path

    urls.urlpatterns = [path("t/", view)]
    sys.modules["tpl_test_urls"] = urls
    mw = types.ModuleType("tpl_test_mw")
    mw.Middleware = Middleware
    sys.modules["tpl_test_mw"] = mw
    try:
        with override_settings(
            TEMPLATES=templates,
            ROOT_URLCONF="tpl_test_urls",
            MIDDLEWARE=["tpl_test_mw.Middleware"],
        ):
            handler = BaseHandler()
            handler.load_middleware()
            response = handler.get_response(RequestFactory().get("/t/"))
            assert response.content == b"middleware"
    finally:
        del sys.modules["tpl_test_urls"], sys.modules["tpl_test_mw"]


def test_static_tags():
    engine = Engine()
    src = (
        "{% load static %}{% static 'css/a b.css' %}|{% get_static_prefix %}|"
        "{% get_media_prefix %}|{% static 'x.js' as js %}{{ js }}|"
        "{% get_static_prefix as p %}{{ p }}"
    )
    with override_settings(STATIC_URL="/static/", MEDIA_URL="/media/"):
        out = engine.from_string(src).render(Context())
    assert out == "/static/css/a%20b.css|/static/|/media/|/static/x.js|/static/"
    from django.template import Context as DjContext
    from django.template import Engine as DjEngine
    from django.test.utils import override_settings as dj_override

    with dj_override(STATIC_URL="/static/", MEDIA_URL="/media/"):
        theirs = (
            DjEngine(libraries={"static": "django.templatetags.static"})
            .from_string(src)
            .render(DjContext())
        )
    assert theirs == out
    with pytest.raises(TemplateSyntaxError):
        engine.from_string("{% load static %}{% static %}")
    with pytest.raises(TemplateSyntaxError):
        engine.from_string("{% load static %}{% get_static_prefix to x %}")


def test_url_tag():
    from fastdj.urls import NoReverseMatch, reverse

    engine = Engine()
    out = engine.from_string(
        "{% url 'hello' 'bob' %}|{% url 'hello' name='a b' %}|{% url 'index' %}|"
        "{% url 'item' pk=n as u %}{{ u }}|{% url 'nope' as v %}[{{ v }}]"
    ).render(Context({"n": 7}))
    assert out == (
        f"{reverse('hello', args=['bob'])}|{reverse('hello', kwargs={'name': 'a b'})}"
        f"|{reverse('index')}|{reverse('item', kwargs={'pk': 7})}|[]"
    )
    with pytest.raises(NoReverseMatch):
        engine.from_string("{% url 'nope' %}").render(Context())
    with pytest.raises(TemplateSyntaxError):
        engine.from_string("{% url %}")


def test_querystring_tag():
    from fastdj.http import QueryDict
    from fastdj.test import RequestFactory

    engine = Engine()
    request = RequestFactory().get("/?a=1&b=2&b=3")
    ctx = RequestContext(request, {"q": QueryDict("x=1"), "many": ["p", "q"]})
    out = engine.from_string(
        "{% querystring %}|{% querystring a=5 %}|{% querystring b=None %}|"
        "{% querystring q y=2 %}|{% querystring c=many %}"
    ).render(ctx)
    assert (
        out == "?a=1&amp;b=2&amp;b=3|?a=5&amp;b=2&amp;b=3|?a=1|?x=1&amp;y=2|"
        "?a=1&amp;b=2&amp;b=3&amp;c=p&amp;c=q"
    )
    empty = RequestContext(RequestFactory().get("/"))
    assert engine.from_string("[{% querystring %}]").render(empty) == "[]"


def test_now_tag_formats_current_time():
    out = (
        Engine()
        .from_string('{% now "Y" %}|{% now "Y-m-d" as d %}{{ d }}')
        .render(Context())
    )
    year = str(datetime.date.today().year)
    assert out.startswith(year + "|" + year)
    with pytest.raises(TemplateSyntaxError):
        Engine().from_string("{% now %}")


def test_csrf_token_tag():
    engine = Engine()
    t = engine.from_string("{% csrf_token %}")
    assert t.render(Context()) == ""
    assert t.render(Context({"csrf_token": "NOTPROVIDED"})) == ""
    assert t.render(Context({"csrf_token": 'a"b'})) == (
        '<input type="hidden" name="csrfmiddlewaretoken" value="a&quot;b">'
    )


def test_library_registration_forms():
    lib = Library()

    @lib.filter
    def f1(v):
        return v

    @lib.filter(name="f2", is_safe=True)
    def anything(v):
        return v

    lib.filter("f3", lambda v: v, needs_autoescape=True)

    @lib.tag
    def t1(parser, token):
        raise AssertionError

    @lib.tag(name="t2")
    def other(parser, token):
        raise AssertionError

    assert set(lib.filters) == {"f1", "f2", "f3"}
    assert set(lib.tags) == {"t1", "t2"}
    assert anything.is_safe is True and anything._filter_name == "f2"
    assert lib.filters["f3"].needs_autoescape is True
    with pytest.raises(ValueError):
        lib.tag(None, lambda p, t: None)


def test_invalid_library_paths():
    from fastdj.template.library import InvalidTemplateLibrary

    with pytest.raises(InvalidTemplateLibrary):
        Engine(libraries={"x": "no.such.module"})
    with pytest.raises(InvalidTemplateLibrary):
        Engine(libraries={"x": "fastdj.template.context"})


def test_origin_and_nodes():
    from fastdj.template.base import TextNode, VariableNode

    engine = Engine(
        loaders=[("fastdj.template.loaders.locmem.Loader", {"n": "a{{ b }}"})]
    )
    t = engine.get_template("n")
    assert t.origin.name == "n" and t.origin.template_name == "n"
    assert t.origin.loader_name == "fastdj.template.loaders.locmem.Loader"
    assert [type(n) for n in t.nodelist] == [TextNode, VariableNode]
    assert len(t.nodelist.get_nodes_by_type(VariableNode)) == 1


def test_markupsafe_values_are_not_escaped(twin):
    from tests.template.conftest import differential

    markupsafe = pytest.importorskip("markupsafe")

    def context():
        return {"m": markupsafe.Markup("<b>x</b>"), "s": "<b>"}

    result = differential("{{ m }}|{{ m|upper }}|{{ s }}|{{ m|default:s }}", context)
    assert result == ("ok", "<b>x</b>|&lt;B&gt;X&lt;/B&gt;|&lt;b&gt;|<b>x</b>")
