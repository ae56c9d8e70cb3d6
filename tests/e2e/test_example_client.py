"""The example project through fastdj.test.Client, with both twins."""

import json
from pathlib import Path

import pytest

from fastdj.test import Client, override_settings

EXAMPLES = str(Path(__file__).resolve().parents[2] / "examples")


@pytest.fixture
def client(twin, monkeypatch):
    monkeypatch.syspath_prepend(EXAMPLES)
    from mysite import settings as site_settings

    with override_settings(
        ROOT_URLCONF="mysite.urls", MIDDLEWARE=site_settings.MIDDLEWARE
    ):
        yield Client()


def test_pages(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["X-Response-Time"].endswith("ms")
    assert len(response["X-Request-ID"]) == 32
    assert client.get("/").content.splitlines()[1] == b"visit 2"  # cookie kept
    assert client.get("/hello/you/").content == b"Hello, you!"
    assert client.get("/about/").resolver_match.url_name == "about"
    assert client.put("/about/").status_code == 405


def test_redirects_and_append_slash(client):
    response = client.get("/old-about/", follow=True)
    assert response.redirect_chain == [("/about/", 301)]
    response = client.get("/hello/world", follow=True)
    assert response.redirect_chain == [("/hello/world/", 301)]
    assert response.content == b"Hello, world!"


def test_api_namespace_and_404(client):
    response = client.post(
        "/api/notes/", {"title": "via client"}, content_type="application/json"
    )
    assert response.status_code == 201
    note = response.json()
    assert response.resolver_match.namespace == "api"
    detail = client.get(response["Location"])
    assert detail.json() == note
    assert client.delete(response["Location"]).status_code == 204
    missing = client.get("/api/missing/")
    assert missing.status_code == 404
    assert json.loads(missing.content)["path"] == "/api/missing/"


def test_api_validation(client):
    response = client.post("/api/notes/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "Malformed JSON" in response.json()["error"]
    response = client.post("/api/notes/", {"title": "form"})
    assert response.status_code == 415
