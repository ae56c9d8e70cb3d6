"""SecurityMiddleware, as ``django.middleware.security``."""

from __future__ import annotations

import re

from fastdj.conf import settings
from fastdj.http import HttpResponsePermanentRedirect

__all__ = ["SecurityMiddleware"]


class SecurityMiddleware:
    """The HTTPS redirect and the security headers, as Django's:

    - with SECURE_SSL_REDIRECT, a request over plain HTTP whose path (without
      its leading slashes) matches none of SECURE_REDIRECT_EXEMPT is
      redirected (301) to the same URL over HTTPS, on SECURE_SSL_HOST if set;
    - a response to an HTTPS request gets Strict-Transport-Security when
      SECURE_HSTS_SECONDS is set (with includeSubDomains and preload as
      SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_PRELOAD say);
    - every response gets X-Content-Type-Options: nosniff
      (SECURE_CONTENT_TYPE_NOSNIFF), Referrer-Policy (SECURE_REFERRER_POLICY:
      a comma-separated string or a sequence) and Cross-Origin-Opener-Policy
      (SECURE_CROSS_ORIGIN_OPENER_POLICY), each unless the response has it.

    The settings are read once, when the middleware is built, as in Django.
    """

    def __init__(self, get_response):
        if get_response is None:
            raise ValueError("get_response must be provided.")
        self.get_response = get_response
        self.sts_seconds = settings.SECURE_HSTS_SECONDS
        self.sts_include_subdomains = settings.SECURE_HSTS_INCLUDE_SUBDOMAINS
        self.sts_preload = settings.SECURE_HSTS_PRELOAD
        self.content_type_nosniff = settings.SECURE_CONTENT_TYPE_NOSNIFF
        self.redirect = settings.SECURE_SSL_REDIRECT
        self.redirect_host = settings.SECURE_SSL_HOST
        self.redirect_exempt = [
            re.compile(pattern) for pattern in settings.SECURE_REDIRECT_EXEMPT
        ]
        self.referrer_policy = settings.SECURE_REFERRER_POLICY
        self.cross_origin_opener_policy = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        # Whether process_request() is this class's own, which does nothing
        # unless self.redirect is set: __call__ then skips it.
        self._own_process_request = (
            type(self).process_request is SecurityMiddleware.process_request
        )
        # Whether process_response() is this class's own (the chain's Cython
        # twin then does its header writes inline).
        self._own_process_response = (
            type(self).process_response is SecurityMiddleware.process_response
        )

    def __call__(self, request):
        if self._own_process_request and not self.redirect:
            response = self.get_response(request)
        else:
            response = self.process_request(request) or self.get_response(request)
        return self.process_response(request, response)

    def process_request(self, request):
        """Redirect a plain-HTTP request to HTTPS (SECURE_SSL_REDIRECT)."""
        path = request.path.lstrip("/")
        if (
            self.redirect
            and not request.is_secure()
            and not any(pattern.search(path) for pattern in self.redirect_exempt)
        ):
            host = self.redirect_host or request.get_host()
            return HttpResponsePermanentRedirect(
                f"https://{host}{request.get_full_path()}"
            )
        return None

    def process_response(self, request, response):
        """Add the security headers the response does not set itself."""
        if (
            self.sts_seconds
            and request.is_secure()
            and "Strict-Transport-Security" not in response
        ):
            value = f"max-age={self.sts_seconds}"
            if self.sts_include_subdomains:
                value += "; includeSubDomains"
            if self.sts_preload:
                value += "; preload"
            response.headers["Strict-Transport-Security"] = value
        if self.content_type_nosniff:
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if self.referrer_policy:
            response.headers.setdefault(
                "Referrer-Policy", referrer_policy_value(self.referrer_policy)
            )
        if self.cross_origin_opener_policy:
            response.setdefault(
                "Cross-Origin-Opener-Policy", self.cross_origin_opener_policy
            )
        return response


def referrer_policy_value(policy) -> str:
    """Return the Referrer-Policy header for SECURE_REFERRER_POLICY ``policy``.

    A string is a comma-separated list (fallbacks); its items are stripped.
    Any other iterable is a sequence of policies.
    """
    if isinstance(policy, str):
        return ",".join([item.strip() for item in policy.split(",")])
    return ",".join(policy)
