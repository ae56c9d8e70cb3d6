"""JSONField: a JSON document stored as jsonb (PostgreSQL) or text (SQLite)."""

from __future__ import annotations

import json

from fastdj.core.exceptions import ValidationError
from fastdj.db.models.fields import Field

__all__ = ["JSONField"]


class JSONField(Field):
    empty_strings_allowed = False
    default_error_messages = {"invalid": "Value must be valid JSON."}

    def __init__(
        self, verbose_name=None, name=None, encoder=None, decoder=None, **kwargs
    ):
        if encoder and not callable(encoder):
            raise ValueError("The encoder parameter must be a callable object.")
        if decoder and not callable(decoder):
            raise ValueError("The decoder parameter must be a callable object.")
        self.encoder = encoder
        self.decoder = decoder
        super().__init__(verbose_name, name, **kwargs)

    def get_internal_type(self):
        return "JSONField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        if not isinstance(value, (str, bytes, bytearray)):
            # The driver already decoded it (psycopg's jsonb loader).
            return value
        try:
            return json.loads(value, cls=self.decoder)
        except json.JSONDecodeError:
            return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if hasattr(value, "as_sql"):
            return value
        adapt = getattr(connection.ops, "adapt_json_value", None)
        if adapt is not None:
            return adapt(value, self.encoder)
        return json.dumps(value, cls=self.encoder)

    def get_db_prep_save(self, value, connection):
        if value is None:
            return value
        return self.get_db_prep_value(value, connection)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        try:
            json.dumps(value, cls=self.encoder)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )

    def value_to_string(self, obj):
        return self.value_from_object(obj)
