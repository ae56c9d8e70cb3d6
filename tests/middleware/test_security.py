"""SecurityMiddleware, differentially against Django's, under both twins.

The Cython twin runs the stock SecurityMiddleware.__call__ as a C layer that
writes its headers straight into the response's header store; each case here
runs through both twins and is compared with Django's answer.
"""

import pytest

from fastdj.http import HttpResponse
from fastdj.middleware.security import SecurityMiddleware, referrer_policy_value
from fastdj.test.utils import override_settings
from tests.core.support import Django, Fastdj

FASTDJ_MW = ["fastdj.middleware.security.SecurityMiddleware"]
DJANGO_MW = ["django.middleware.security.SecurityMiddleware"]
FASTDJ_URLS = "tests.middleware.urls_security"
DJANGO_URLS = "tests.middleware.dj_urls_security"
SECURITY_HEADERS = (
    # Set by the /tracking/ view's response.setdefault().
    "X-Setdefault",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)
HTTPS = {"wsgi.url_scheme": "https", "SERVER_PORT": "443"}
PROXY = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}

SETTINGS = [
    {},
    {"SECURE_CONTENT_TYPE_NOSNIFF": False},
    {"SECURE_REFERRER_POLICY": None},
    {"SECURE_REFERRER_POLICY": " no-referrer , strict-origin "},
    {"SECURE_REFERRER_POLICY": ["no-referrer", "origin"]},
    {"SECURE_REFERRER_POLICY": ("strict-origin",)},
    {"SECURE_CROSS_ORIGIN_OPENER_POLICY": None},
    {"SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin-allow-popups"},
    {"SECURE_HSTS_SECONDS": 3600},
    {
        "SECURE_HSTS_SECONDS": 60,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    },
    {"SECURE_HSTS_SECONDS": 60, **PROXY},
    {"SECURE_SSL_REDIRECT": True},
    {"SECURE_SSL_REDIRECT": True, "SECURE_SSL_HOST": "secure.example"},
    {"SECURE_SSL_REDIRECT": True, "SECURE_REDIRECT_EXEMPT": [r"^exempt/"]},
    {"SECURE_SSL_REDIRECT": True, **PROXY},
    # Not a valid header value: both raise BadHeaderError, a 500 here.
    {"SECURE_REFERRER_POLICY": "no-referrer\nX-Evil: 1"},
    {"SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin\r\n"},
]
REQUESTS = [
    ("/plain/", {}),
    ("/plain/?a=1", HTTPS),
    ("/exempt/plain/", {}),
    ("/own/", HTTPS),
    ("/stream/", {}),
    ("/fail/", {}),
    ("/plain/", {"HTTP_X_FORWARDED_PROTO": "https"}),
    ("/missing/", {}),
    ("/tracking/", {}),
]


def outcome(fw_class, middleware, urlconf, settings, path, extra):
    with fw_class.handler(
        middleware, urlconf, ALLOWED_HOSTS=["testserver"], **settings
    ) as get:
        response = get(path, **extra)
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() in {h.lower() for h in SECURITY_HEADERS}
    ]
    return response.status_code, response.get("Location"), headers


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize(("path", "extra"), REQUESTS)
def test_same_as_django(twin, settings, path, extra):
    expected = outcome(Django, DJANGO_MW, DJANGO_URLS, settings, path, extra)
    got = outcome(Fastdj, FASTDJ_MW, FASTDJ_URLS, settings, path, extra)
    assert got == expected


def test_default_headers_in_order(twin):
    with Fastdj.handler(FASTDJ_MW, FASTDJ_URLS, ALLOWED_HOSTS=["testserver"]) as get:
        response = get("/plain/")
    assert [(k, v) for k, v in response.items() if k in SECURITY_HEADERS] == [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]


def test_settings_are_read_when_the_middleware_is_built(twin):
    with Fastdj.handler(FASTDJ_MW, FASTDJ_URLS, ALLOWED_HOSTS=["testserver"]) as get:
        with override_settings(SECURE_REFERRER_POLICY="origin"):
            assert get("/plain/")["Referrer-Policy"] == "same-origin"


class Recorded(SecurityMiddleware):
    """The stock middleware (its own __call__), remembering its instances."""

    instances: list = []

    def __init__(self, get_response):
        super().__init__(get_response)
        Recorded.instances.append(self)


def test_attributes_changed_after_build_are_seen(twin):
    # The C layer reads the instance's attributes on every request, as
    # SecurityMiddleware.__call__ does; its cached Referrer-Policy value
    # follows a new policy.
    Recorded.instances.clear()
    middleware = [f"{__name__}.Recorded"]
    with Fastdj.handler(middleware, FASTDJ_URLS, ALLOWED_HOSTS=["testserver"]) as get:
        [instance] = Recorded.instances
        assert get("/plain/")["Referrer-Policy"] == "same-origin"
        instance.referrer_policy = "origin, no-referrer"
        instance.content_type_nosniff = False
        response = get("/plain/")
        assert response["Referrer-Policy"] == "origin,no-referrer"
        assert "X-Content-Type-Options" not in response
        instance.redirect = True
        assert get("/plain/").status_code == 301


class PolicyProperty(SecurityMiddleware):
    """Its referrer policy is a property, which the instance dict cannot hide."""

    policies = ["origin", "no-referrer"]

    def __init__(self, get_response):
        super().__init__(get_response)
        # What an attribute read must not see: the property wins.
        self.__dict__["referrer_policy"] = "unsafe-url"

    @property
    def referrer_policy(self):
        return self.policies[0]

    @referrer_policy.setter
    def referrer_policy(self, value):
        pass


def test_a_property_for_an_attribute_is_read_on_every_request(twin):
    middleware = [f"{__name__}.PolicyProperty"]
    with Fastdj.handler(middleware, FASTDJ_URLS, ALLOWED_HOSTS=["testserver"]) as get:
        assert get("/plain/")["Referrer-Policy"] == "origin"
        PolicyProperty.policies.reverse()
        assert get("/plain/")["Referrer-Policy"] == "no-referrer"
    PolicyProperty.policies.reverse()


class OwnResponse(SecurityMiddleware):
    def process_response(self, request, response):
        response = super().process_response(request, response)
        response["X-Subclass"] = "response"
        return response


class OwnRequest(SecurityMiddleware):
    def process_request(self, request):
        if request.path == "/plain/":
            return HttpResponse("short-circuit")
        return super().process_request(request)


def test_subclass_process_response_runs(twin):
    middleware = [f"{__name__}.OwnResponse"]
    with Fastdj.handler(middleware, FASTDJ_URLS, ALLOWED_HOSTS=["testserver"]) as get:
        response = get("/plain/")
    assert response["X-Subclass"] == "response"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_subclass_process_request_runs(twin):
    middleware = [f"{__name__}.OwnRequest"]
    with Fastdj.handler(middleware, FASTDJ_URLS, ALLOWED_HOSTS=["testserver"]) as get:
        response = get("/plain/")
        assert response.content == b"short-circuit"
        assert response["Referrer-Policy"] == "same-origin"
        assert get("/own/").content == b"own"


def test_get_response_is_required():
    with pytest.raises(ValueError, match="get_response must be provided"):
        SecurityMiddleware(None)


@pytest.mark.parametrize(
    ("policy", "value"),
    [
        ("same-origin", "same-origin"),
        (" a ,b,  c", "a,b,c"),
        (["a", "b"], "a,b"),
        (("a",), "a"),
    ],
)
def test_referrer_policy_value(policy, value):
    assert referrer_policy_value(policy) == value


def test_redirect_keeps_the_full_path(twin):
    with Fastdj.handler(
        FASTDJ_MW,
        FASTDJ_URLS,
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=True,
        SECURE_REDIRECT_EXEMPT=[r"^exempt/"],
    ) as get:
        response = get("/plain/?q=%C3%A9")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/plain/?q=%C3%A9"
        assert get("/exempt/plain/").status_code == 200
