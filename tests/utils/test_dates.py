"""fastdj.utils.dates names equal Django's (English)."""

import pytest
from django.utils import dates as dj

from fastdj.utils import dates as fd


@pytest.mark.parametrize(
    "name",
    ["WEEKDAYS", "WEEKDAYS_ABBR", "MONTHS", "MONTHS_3", "MONTHS_AP", "MONTHS_ALT"],
)
def test_names(name):
    expected = {k: str(v) for k, v in getattr(dj, name).items()}
    assert getattr(fd, name) == expected
