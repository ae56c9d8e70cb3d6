"""Django URLconf of the SecurityMiddleware tests (the oracle)."""

from tests.middleware.security_views import patterns

urlpatterns = patterns("django")
