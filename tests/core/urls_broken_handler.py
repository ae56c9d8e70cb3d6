"""fastdj URLconf whose handler404 itself raises."""

from tests.core.views import patterns

urlpatterns = patterns("fastdj")


def handler404(request, exception):
    raise RuntimeError("the 404 handler is broken")
