"""A URLconf for the SecurityMiddleware tests, built for fastdj or for Django."""

import importlib


def patterns(framework: str) -> list:
    """Return the urlpatterns built with ``framework`` ("fastdj" or "django")."""
    http = importlib.import_module(f"{framework}.http")
    urls = importlib.import_module(f"{framework}.urls")

    def plain(request):
        return http.HttpResponse("plain")

    def own_headers(request):
        # Every header SecurityMiddleware sets, already set by the view.
        response = http.HttpResponse("own")
        response["Strict-Transport-Security"] = "max-age=1"
        response["X-Content-Type-Options"] = "custom"
        response["Referrer-Policy"] = "no-referrer"
        response["Cross-Origin-Opener-Policy"] = "unsafe-none"
        return response

    def streaming(request):
        return http.StreamingHttpResponse(iter([b"a", b"b"]))

    class Tracking(http.HttpResponse):
        def setdefault(self, key, value):
            self["X-Setdefault"] = key
            super().setdefault(key, value)

    def tracking(request):
        return Tracking("tracking")

    def failing(request):
        raise ValueError("view failed")

    return [
        urls.path("plain/", plain),
        urls.path("exempt/plain/", plain),
        urls.path("own/", own_headers),
        urls.path("stream/", streaming),
        urls.path("fail/", failing),
        urls.path("tracking/", tracking),
    ]
