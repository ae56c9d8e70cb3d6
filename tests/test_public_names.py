"""Every public name of the Django 5.2 modules that issue 2 covers exists in fastdj.

A port is an import rewrite (``django`` -> ``fastdj``), so a name Django users
import from one of these modules must be importable from the fastdj module of
the same path. Names whose feature belongs to a later layer (ORM, forms, i18n,
mail, async, templates) are listed in OUT_OF_SCOPE with the reason.
"""

import importlib
import types

import pytest

MODULES = [
    "conf",
    "core.exceptions",
    "core.handlers.base",
    "core.handlers.exception",
    "core.handlers.wsgi",
    "core.signals",
    "core.wsgi",
    "dispatch",
    "dispatch.dispatcher",
    "http",
    "http.cookie",
    "http.multipartparser",
    "http.request",
    "http.response",
    "middleware.common",
    "shortcuts",
    "test",
    "test.client",
    "urls",
    "urls.base",
    "urls.conf",
    "urls.converters",
    "urls.exceptions",
    "urls.resolvers",
    "urls.utils",
    "views",
    "views.decorators.common",
    "views.decorators.http",
    "views.defaults",
    "views.generic",
    "views.generic.base",
    "core.files",
    "core.files.uploadedfile",
    "core.files.uploadhandler",
    "utils.datastructures",
    "utils.http",
]

_ORM = "the ORM (a later issue)"
_I18N = "i18n URL prefixes and translation (not in issue 2)"
_TEMPLATES = "template-based views (issue 3)"
_FORMS = "forms and model views (a later issue)"
_ASYNC = "async handlers/clients (fastdj runs sync)"
_TESTCASES = "unittest TestCase classes and DB test helpers (not in issue 2)"

OUT_OF_SCOPE = {
    "conf": {
        "empty": "LazyObject internals",
        "DEFAULT_STORAGE_ALIAS": "storages (not in issue 2)",
        "STATICFILES_STORAGE_ALIAS": "storages (not in issue 2)",
        "FORMS_URLFIELD_ASSUME_HTTPS_DEPRECATED_MSG": _FORMS,
        "SettingsReference": "Django-internal settings plumbing",
        "UserSettingsHolder": "override_settings lives in fastdj.test.utils",
    },
    "core.exceptions": {
        "SynchronousOnlyOperation": _ASYNC,
    },
    "http.request": {"RAISE_ERROR": "signed cookies (signing not in issue 2)"},
    "urls": {"LocalePrefixPattern": _I18N, "translate_url": _I18N},
    "urls.base": {"translate_url": _I18N},
    "urls.resolvers": {
        "RFC3986_SUBDELIMS": "system-check constant",
        "LocaleRegexDescriptor": _I18N,
        "LocaleRegexRouteDescriptor": _I18N,
        "LocalePrefixPattern": _I18N,
        "CheckURLMixin": "system checks (not in issue 2)",
        "whitespace_set": "system-check constant",
    },
    "views.generic": {
        "TemplateView": _TEMPLATES,
        "GenericViewError": _FORMS,
        **{
            name: _FORMS
            for name in (
                "ArchiveIndexView YearArchiveView MonthArchiveView WeekArchiveView "
                "DayArchiveView TodayArchiveView DateDetailView DetailView FormView "
                "CreateView UpdateView DeleteView ListView"
            ).split()
        },
    },
    "views.generic.base": {
        "ContextMixin": _TEMPLATES,
        "TemplateResponseMixin": _TEMPLATES,
        "TemplateView": _TEMPLATES,
    },
    "test": {
        "AsyncClient": _ASYNC,
        "AsyncRequestFactory": _ASYNC,
        **{
            name: _TESTCASES
            for name in (
                "LiveServerTestCase "
                "skipIfDBFeature skipUnlessAnyDBFeature skipUnlessDBFeature "
                "ignore_warnings modify_settings override_system_checks tag"
            ).split()
        },
    },
    "test.client": {"AsyncClient": _ASYNC, "AsyncRequestFactory": _ASYNC},
    "shortcuts": {
        "get_object_or_404": _ORM,
        "aget_object_or_404": _ORM,
        "get_list_or_404": _ORM,
        "aget_list_or_404": _ORM,
    },
    "middleware.common": {"BrokenLinkEmailsMiddleware": "mail (not in issue 2)"},
    "utils.datastructures": {"DictWrapper": _ORM},
}


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    # Without __all__, the names the module itself defines (not its imports).
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and getattr(value, "__module__", module.__name__) == module.__name__
    ]


@pytest.mark.parametrize("path", MODULES)
def test_fastdj_has_every_public_name_of_django(path):
    django_module = importlib.import_module(f"django.{path}")
    fastdj_module = importlib.import_module(f"fastdj.{path}")
    skipped = OUT_OF_SCOPE.get(path, {})
    missing = [
        name
        for name in _public_names(django_module)
        if name not in skipped and not hasattr(fastdj_module, name)
    ]
    assert missing == [], f"fastdj.{path} lacks Django's public names {missing}"


@pytest.mark.parametrize("path", sorted(OUT_OF_SCOPE))
def test_out_of_scope_list_is_not_stale(path):
    # A name implemented since it was listed must leave the list, so that the
    # list always says exactly what is still missing.
    fastdj_module = importlib.import_module(f"fastdj.{path}")
    django_module = importlib.import_module(f"django.{path}")
    listed = set(OUT_OF_SCOPE[path])
    assert listed <= set(_public_names(django_module))
    implemented = [name for name in listed if hasattr(fastdj_module, name)]
    assert implemented == [], "implemented now: drop them from OUT_OF_SCOPE"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("core.handlers.wsgi", "WSGIHandler"),
        ("core.handlers.base", "BaseHandler"),
        ("core.wsgi", "get_wsgi_application"),
        ("views.generic", "View"),
        ("views.generic", "RedirectView"),
        ("views.decorators.http", "require_GET"),
        ("views.decorators.http", "require_POST"),
        ("views.decorators.http", "require_safe"),
        ("views.decorators.http", "require_http_methods"),
        ("dispatch", "receiver"),
        ("dispatch", "Signal"),
        ("shortcuts", "redirect"),
        ("shortcuts", "resolve_url"),
        ("http", "Http404"),
        ("http", "JsonResponse"),
        ("test", "Client"),
        ("test", "RequestFactory"),
        ("urls", "reverse_lazy"),
        ("core.exceptions", "RequestAborted"),
    ],
)
def test_named_entry_points_are_fastdj_objects(path, name):
    # Not Django's object re-exported: fastdj must not import Django at all.
    obj = getattr(importlib.import_module(f"fastdj.{path}"), name)
    assert getattr(obj, "__module__", "fastdj").startswith("fastdj")
