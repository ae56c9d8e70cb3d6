"""fastdj URLconf of the handler tests (tests.core.views)."""

from tests.core.views import patterns

urlpatterns = patterns("fastdj")
