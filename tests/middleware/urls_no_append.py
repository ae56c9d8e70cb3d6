"""fastdj URLconf of the no_append_slash tests."""

from tests.middleware.no_append_views import patterns

urlpatterns = patterns("fastdj")
