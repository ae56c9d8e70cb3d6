"""Text functions."""

from __future__ import annotations

from fastdj.db.models.lookups import Transform

__all__ = ["Length", "Lower", "Upper"]


def _fields():
    from fastdj.db.models import fields

    return fields


class Lower(Transform):
    function = "LOWER"
    lookup_name = "lower"


class Upper(Transform):
    function = "UPPER"
    lookup_name = "upper"


class Length(Transform):
    function = "LENGTH"
    lookup_name = "length"

    def _resolve_output_field(self):
        return _fields().IntegerField()
