"""fastdj URLconf with handler400/403/404/500 overrides."""

from fastdj.http import HttpResponse
from tests.core.views import patterns

urlpatterns = patterns("fastdj")


def custom_400(request, exception):
    return HttpResponse(f"custom 400: {type(exception).__name__}", status=400)


def custom_403(request, exception):
    return HttpResponse(f"custom 403: {exception}", status=403)


def custom_404(request, exception):
    return HttpResponse(f"custom 404: {request.path}", status=404)


def custom_500(request):
    return HttpResponse("custom 500", status=500)


handler400 = custom_400
handler403 = custom_403
handler404 = custom_404
handler500 = "tests.core.urls_custom_handlers.custom_500"
