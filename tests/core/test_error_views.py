"""Default error views and technical pages."""

import pytest

from fastdj.http.request import WSGIRequest
from fastdj.test.utils import override_settings
from fastdj.views import debug, defaults
from tests.core.support import environ


def fastdj_request(path="/some/path/"):
    return WSGIRequest(environ(path))


def django_request(path="/some/path/"):
    from django.core.handlers.wsgi import WSGIRequest as DjangoWSGIRequest

    return DjangoWSGIRequest(environ(path))


@pytest.mark.parametrize(
    ("name", "exception"),
    [
        ("page_not_found", "Http404"),
        ("bad_request", "BadRequest"),
        ("permission_denied", "PermissionDenied"),
        ("server_error", None),
    ],
)
def test_default_views_match_django(name, exception):
    from django.views import defaults as dj_defaults

    from tests.core.mw import exception_class

    if exception:
        ours = getattr(defaults, name)(
            fastdj_request(), exception_class("fastdj", exception)("msg")
        )
        theirs = getattr(dj_defaults, name)(
            django_request(), exception_class("django", exception)("msg")
        )
    else:
        ours = getattr(defaults, name)(fastdj_request())
        theirs = getattr(dj_defaults, name)(django_request())
    assert ours.status_code == theirs.status_code
    assert ours.content == theirs.content
    assert ours["Content-Type"] == theirs["Content-Type"]


def test_page_not_found_context_like_django():
    from fastdj.http import Http404

    response = defaults.page_not_found(fastdj_request("/a b/<x>/"), Http404("gone"))
    assert response.context_data == {
        "request_path": "/a%20b/%3Cx%3E/",
        "exception": "gone",
    }
    response = defaults.page_not_found(fastdj_request(), Http404({"path": "x"}))
    assert response.context_data["exception"] == "Http404"


def test_custom_template_name_is_refused_until_templates_exist():
    with pytest.raises(defaults.TemplateDoesNotExist):
        defaults.server_error(fastdj_request(), template_name="custom500.html")


def test_technical_500_page_has_frames_chain_and_masks_secrets():
    def inner():
        api_key = "s3cr3t" + "-value"  # noqa: F841 -- a local the page must mask
        raise KeyError("<inner>")

    try:
        try:
            inner()
        except KeyError as exc:
            raise ValueError("outer & <b>") from exc
    except ValueError as exc:
        error = exc
    with override_settings(DEBUG=True):
        response = debug.technical_500_response(
            fastdj_request(), type(error), error, error.__traceback__
        )
    page = response.content.decode()
    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "outer &amp; &lt;b&gt;" in page
    assert "KeyError: &#x27;&lt;inner&gt;&#x27;" in page
    assert "direct cause" in page
    assert "in <code>inner</code>" in page
    assert "s3cr3t-value" not in page
    assert debug.CLEANSED_SUBSTITUTE in page
    assert "<b>" not in page


def test_technical_500_page_survives_a_broken_request():
    class Broken:
        path_info = "/x/"

        def __getattr__(self, name):
            raise RuntimeError(f"no {name}")

    error = ValueError("boom")
    response = debug.technical_500_response(Broken(), ValueError, error, None)
    assert response.status_code == 500
    assert "boom" in response.content.decode()


def test_technical_404_for_an_empty_urlconf_is_the_welcome_page():
    from fastdj.urls import Resolver404

    response = debug.technical_404_response(
        fastdj_request("/"), Resolver404({"tried": [], "path": ""})
    )
    assert response.status_code == 200
    assert "install worked" in response.content.decode()
