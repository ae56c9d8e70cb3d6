"""Django twin of the parts of tests/urls.py that differential tests reverse."""

from django.http import HttpResponse
from django.urls import path


def hello(request, name):
    return HttpResponse(f"Hello, {name}!")


def item(request, pk):
    return HttpResponse(str(pk))


urlpatterns = [
    path("hello/<str:name>/", hello, name="hello"),
    path("items/<int:pk>/", item, name="item"),
]
