"""fastdj URLconf of the SecurityMiddleware tests."""

from tests.middleware.security_views import patterns

urlpatterns = patterns("fastdj")
