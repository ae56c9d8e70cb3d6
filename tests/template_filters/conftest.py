import pytest
from django.test.utils import override_settings as dj_override_settings

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
            yield

    return override
