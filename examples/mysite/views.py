"""Views of the example site: function views, a class-based view, a 404 handler."""

from fastdj.http import HttpResponse, JsonResponse
from fastdj.urls import reverse
from fastdj.views import View
from fastdj.views.decorators.http import require_safe


@require_safe
def index(request):
    links = [
        reverse("hello", args=["world"]),
        reverse("article", kwargs={"year": 2024, "slug": "fast-routing"}),
        reverse("about"),
        reverse("api:note-list"),
    ]
    # A visit counter in a cookie; a tampered or malformed value restarts it.
    try:
        visits = int(request.COOKIES.get("visits", "0")) + 1
    except ValueError:
        visits = 1
    body = "\n".join(["fastdj example site", f"visit {visits}", "", *links, ""])
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response.set_cookie("visits", str(visits), max_age=3600, httponly=True)
    return response


@require_safe
def hello(request, name):
    greeting = request.GET.get("greeting", "Hello")
    return HttpResponse(f"{greeting}, {name}!", content_type="text/plain")


@require_safe
def article(request, year, slug):
    return JsonResponse({"year": year, "slug": slug, "request_id": request.id})


class AboutView(View):
    """A class-based view: GET answers, POST echoes, other methods get 405."""

    message = "fastdj: Django's programming model, hot paths in Cython."

    def get(self, request):
        return HttpResponse(self.message, content_type="text/plain")

    def post(self, request):
        return JsonResponse({"echo": request.POST.dict()})


def not_found(request, exception):
    """handler404: a JSON 404 for the API, plain text elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not found", "path": request.path}, status=404)
    return HttpResponse(
        f"Nothing at {request.path}\n", status=404, content_type="text/plain"
    )
