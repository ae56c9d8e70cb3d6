"""Django URLconf of the handler tests: the oracle's twin of urls_handlers."""

from tests.core.views import patterns

urlpatterns = patterns("django")
