"""fastdj URLconf of the malformed-input tests."""

from tests.core.echo_views import patterns

urlpatterns = patterns("fastdj")
