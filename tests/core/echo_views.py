"""Views that touch every lazily parsed part of the request, for both frameworks."""


def patterns(framework: str) -> list:
    """Return the echo urlpatterns built with ``framework`` ("fastdj" or "django")."""
    if framework == "fastdj":
        from fastdj.http import HttpResponse
        from fastdj.urls import path
    else:
        from django.http import HttpResponse
        from django.urls import path

    def echo(request, rest=""):
        parts = [
            request.path,
            repr(sorted(request.GET.lists())),
            repr(sorted(request.COOKIES.items())),
        ]
        if request.method == "POST":
            parts.append(repr(sorted(request.POST.lists())))
            files = {k: [f.name for f in v] for k, v in request.FILES.lists()}
            parts.append(repr(sorted(files.items())))
        return HttpResponse(" | ".join(parts))

    def host(request):
        return HttpResponse(request.get_host() + " " + request.build_absolute_uri())

    def set_header(request):
        response = HttpResponse("set")
        response[request.GET["name"]] = request.GET["value"]
        return response

    def set_cookie(request):
        response = HttpResponse("set")
        response.set_cookie(request.GET["name"], request.GET["value"])
        return response

    return [
        path("host/", host),
        path("set-header/", set_header),
        path("set-cookie/", set_cookie),
        path("", echo),
        path("<path:rest>", echo),
    ]
