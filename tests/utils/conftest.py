import pytest
from django.test.utils import override_settings as dj_override_settings
from django.utils import formats as dj_formats

from fastdj.test.utils import override_settings as fd_override_settings


@pytest.fixture
def both_settings():
    """Return a context manager overriding settings for Django and fastdj."""
    from contextlib import ExitStack, contextmanager

    @contextmanager
    def override(**options):
        with ExitStack() as stack:
            stack.enter_context(dj_override_settings(**options))
            stack.enter_context(fd_override_settings(**options))
            # Django's test signals do not drop its format cache when
            # FORMAT_MODULE_PATH changes; without this the next test would
            # compare against Django's stale custom formats.
            stack.callback(dj_formats.reset_format_cache)
            yield

    return override
