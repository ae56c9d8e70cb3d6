"""Django URLconf of the malformed-input tests (the oracle)."""

from tests.core.echo_views import patterns

urlpatterns = patterns("django")
