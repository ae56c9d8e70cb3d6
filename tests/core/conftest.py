"""Fixtures of the handler tests."""

import pytest

from tests.core.support import LOG


@pytest.fixture(autouse=True)
def clean_log():
    LOG.clear()
    yield
    LOG.clear()
