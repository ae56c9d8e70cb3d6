"""The same client session against fastdj and Django 5.2 gives the same answers."""

import django.test
import pytest

from fastdj.test import Client

DJANGO_URLCONF = "tests.test_client.django_urls"


def observe(response):
    return (
        response.status_code,
        response.content,
        getattr(response, "redirect_chain", None),
        response.get("Allow"),
        response.get("Location"),
    )


SESSIONS = {
    "redirect-chain": [
        (
            "get",
            ("/redirect-to/", {"to": "/redirect-to/?to=/hello/x/"}),
            {"follow": True},
        ),
    ],
    "redirect-absolute": [
        (
            "get",
            ("/redirect-to/", {"to": "http://testserver:8080/hello/y/"}),
            {"follow": True},
        ),
    ],
    "redirect-relative": [
        ("get", ("/redirect-to/", {"to": "../hello/rel/"}), {"follow": True}),
    ],
    "post-302-becomes-get": [
        ("post", ("/redirect-to/?to=/echo/%3Fq%3D1", {"a": "1"}), {"follow": True}),
    ],
    "post-307-keeps-body": [
        ("post", ("/redirect-307/", {"a": ["1", "2"]}), {"follow": True}),
    ],
    "patch-307-json": [
        (
            "patch",
            ("/redirect-307/", {"k": [1]}),
            {"content_type": "application/json", "follow": True},
        ),
    ],
    "cookies": [
        ("get", ("/cookie/set/",), {}),
        ("get", ("/cookie/get/",), {}),
        ("get", ("/cookie/set/", {"value": "a b;c"}), {}),
        ("get", ("/cookie/get/",), {}),
    ],
    "methods": [
        ("head", ("/cbv/",), {}),
        ("options", ("/cbv/",), {}),
        ("put", ("/cbv/",), {}),
        ("delete", ("/cbv/",), {}),
        ("trace", ("/cbv/",), {}),
        ("get", ("/missing/",), {}),
    ],
    "bodies": [
        ("post", ("/echo/", {"x": "1", "y": ["2", "3"]}), {}),
        ("post", ("/echo/", "raw text"), {"content_type": "text/plain"}),
        ("put", ("/echo/", {"j": None}), {"content_type": "application/json"}),
        ("delete", ("/echo/?a=1",), {"query_params": {"b": "2"}}),
        ("get", ("/echo/",), {"data": {"multi": ["1", "2"]}}),
    ],
}


def run_session(client, session):
    results = []
    for method, args, kwargs in session:
        try:
            results.append(observe(getattr(client, method)(*args, **kwargs)))
        except Exception as exc:
            results.append((type(exc).__name__, str(exc)))
    return results


@pytest.mark.parametrize("name", sorted(SESSIONS))
def test_session_matches_django(twin, name):
    ours = run_session(Client(), SESSIONS[name])
    with django.test.override_settings(ROOT_URLCONF=DJANGO_URLCONF):
        theirs = run_session(django.test.Client(), SESSIONS[name])
    assert ours == theirs


@pytest.mark.parametrize(
    "path,kwargs",
    [("/loop/", {"follow": True}), ("/raise/", {})],
    ids=["loop", "raise"],
)
def test_errors_match_django(twin, path, kwargs):
    outcomes = []
    for client, ctx in (
        (Client(), None),
        (
            django.test.Client(),
            django.test.override_settings(ROOT_URLCONF=DJANGO_URLCONF),
        ),
    ):
        if ctx:
            ctx.enable()
        try:
            with pytest.raises(Exception) as info:
                client.get(path, **kwargs)
        finally:
            if ctx:
                ctx.disable()
        outcomes.append((type(info.value).__name__, str(info.value)))
    assert outcomes[0] == outcomes[1]
