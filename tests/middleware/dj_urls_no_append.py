"""Django URLconf of the no_append_slash tests (the oracle)."""

from tests.middleware.no_append_views import patterns

urlpatterns = patterns("django")
