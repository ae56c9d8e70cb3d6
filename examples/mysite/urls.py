"""URLconf of the example site."""

from fastdj.urls import include, path, re_path
from fastdj.views.generic import RedirectView
from mysite import views

urlpatterns = [
    path("", views.index, name="index"),
    path("hello/<str:name>/", views.hello, name="hello"),
    path("articles/<int:year>/<slug:slug>/", views.article, name="article"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("old-about/", RedirectView.as_view(pattern_name="about", permanent=True)),
    re_path(r"^docs/(?P<page>[a-z]+)\.html$", RedirectView.as_view(url="/about/")),
    path("api/", include("mysite.api.urls", namespace="api")),
]

handler404 = "mysite.views.not_found"
