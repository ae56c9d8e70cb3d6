"""Django's twin of urls_slashes (the oracle)."""

from django.http import HttpResponse
from django.urls import re_path

urlpatterns = [re_path(r"^/evil\.example/page/$", lambda request: HttpResponse("x"))]
