"""CommonMiddleware, as ``django.middleware.common``."""

from __future__ import annotations

from fastdj.conf import settings
from fastdj.core.exceptions import PermissionDenied
from fastdj.http import HttpResponsePermanentRedirect
from fastdj.http.response import HttpResponse, HttpResponseBase, ResponseHeaders
from fastdj.urls import is_valid_path
from fastdj.utils.http import escape_leading_slashes

__all__ = ["CommonMiddleware"]


class CommonMiddleware:
    """Common request/response rewriting, as Django's:

    - refuse User-Agents matching settings.DISALLOWED_USER_AGENTS (403);
    - with PREPEND_WWW, redirect to the "www." host;
    - with APPEND_SLASH, when the path does not resolve but the path plus "/"
      does, redirect there (301, or ``response_redirect_class``);
    - set Content-Length on non-streaming responses that lack it.
    """

    response_redirect_class = HttpResponsePermanentRedirect

    def __init__(self, get_response):
        if get_response is None:
            raise ValueError("get_response must be provided.")
        self.get_response = get_response
        # Whether process_request() is this class's own, which __call__ may
        # then skip when it would only check the host.
        self._own_process_request = (
            type(self).process_request is CommonMiddleware.process_request
        )
        # Likewise for process_response(), whose slash redirect __call__
        # skips for a status other than 404.
        self._own_process_response = (
            type(self).process_response is CommonMiddleware.process_response
        )

    def __call__(self, request):
        if (
            self._own_process_request
            and not settings.DISALLOWED_USER_AGENTS
            and not settings.PREPEND_WWW
        ):
            # All that process_request() would do: validate the host.
            request.get_host()
            response = self.get_response(request)
        else:
            response = self.process_request(request)
            if not response:
                response = self.get_response(request)
        if self._own_process_response and response.status_code != 404:
            # process_response() without its call: no slash redirect for a
            # status other than 404, only the Content-Length.
            return _add_content_length(response)
        return self.process_response(request, response)

    def process_request(self, request):
        """Check the User-Agent, and redirect for PREPEND_WWW."""
        disallowed_user_agents = settings.DISALLOWED_USER_AGENTS
        if disallowed_user_agents:
            user_agent = request.META.get("HTTP_USER_AGENT")
            if user_agent is not None:
                for user_agent_regex in disallowed_user_agents:
                    if user_agent_regex.search(user_agent):
                        raise PermissionDenied("Forbidden user agent")

        # Validates the host against ALLOWED_HOSTS even without PREPEND_WWW.
        host = request.get_host()
        if settings.PREPEND_WWW and host and not host.startswith("www."):
            # One redirect for both rewrites when the slash is missing too.
            if self.should_redirect_with_slash(request):
                path = self.get_full_path_with_slash(request)
            else:
                path = request.get_full_path()
            return self.response_redirect_class(f"{request.scheme}://www.{host}{path}")
        return None

    def should_redirect_with_slash(self, request) -> bool:
        """Return True if APPEND_SLASH is on and adding "/" makes the path valid."""
        if settings.APPEND_SLASH and not request.path_info.endswith("/"):
            urlconf = getattr(request, "urlconf", None)
            if not is_valid_path(request.path_info, urlconf):
                match = is_valid_path(f"{request.path_info}/", urlconf)
                if match:
                    return getattr(match.func, "should_append_slash", True)
        return False

    def get_full_path_with_slash(self, request) -> str:
        """Return the request's full path with "/" appended.

        With DEBUG, raise RuntimeError for DELETE/POST/PUT/PATCH: a redirect
        would lose the body, so the developer should fix the URL instead.
        """
        new_path = request.get_full_path(force_append_slash=True)
        # "//evil.example" must not become a scheme-relative redirect.
        new_path = escape_leading_slashes(new_path)
        if settings.DEBUG and request.method in ("DELETE", "POST", "PUT", "PATCH"):
            raise RuntimeError(
                f"You called this URL via {request.method}, but the URL doesn't end "
                "in a slash and you have APPEND_SLASH set. fastdj can't redirect to "
                f"the slash URL while maintaining {request.method} data. Change "
                f"your form to point to {request.get_host() + new_path} (note the "
                "trailing slash), or set APPEND_SLASH=False in your settings."
            )
        return new_path

    def process_response(self, request, response):
        """Redirect a 404 to the slash URL when it exists; set Content-Length."""
        if response.status_code == 404 and self.should_redirect_with_slash(request):
            return self.response_redirect_class(self.get_full_path_with_slash(request))
        return _add_content_length(response)


def _add_content_length(response):
    """Set Content-Length on an in-memory response without one; return it."""
    if response.streaming:
        return response
    headers = response.headers
    if (
        type(headers) is ResponseHeaders
        and type(response).has_header is _base_has_header
    ):
        # has_header() and the assignment, without their two calls.
        if "content-length" not in headers._store:
            headers._store["content-length"] = (
                "Content-Length",
                str(_content_length(response)),
            )
    elif not response.has_header("Content-Length"):
        headers["Content-Length"] = str(_content_length(response))
    return response


_base_has_header = HttpResponseBase.has_header
_plain_content = HttpResponse.content


def _content_length(response) -> int:
    """Return len(response.content), without joining a one-chunk body."""
    # getattr(): a response class without the property may set an attribute.
    if getattr(type(response), "content", None) is _plain_content:
        container = response._container
        if type(container) is list and len(container) == 1:
            chunk = container[0]
            if type(chunk) is bytes:
                return len(chunk)
    return len(response.content)
