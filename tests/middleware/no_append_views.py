"""A URLconf with a no_append_slash view, built for fastdj or for Django."""


def patterns(framework: str) -> list:
    """Return the urlpatterns built with ``framework`` ("fastdj" or "django")."""
    if framework == "fastdj":
        from fastdj.http import HttpResponse
        from fastdj.urls import path
        from fastdj.views.decorators.common import no_append_slash
    else:
        from django.http import HttpResponse
        from django.urls import path
        from django.views.decorators.common import no_append_slash

    @no_append_slash
    def exempt(request):
        return HttpResponse("exempt")

    def plain(request):
        return HttpResponse("plain")

    return [path("exempt/", exempt), path("plain/", plain)]
