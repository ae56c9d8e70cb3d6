"""A URLconf whose only route starts with a slash, for the "//" redirect test."""

from fastdj.http import HttpResponse
from fastdj.urls import re_path

urlpatterns = [re_path(r"^/evil\.example/page/$", lambda request: HttpResponse("x"))]
