"""JSONField: a JSON document stored as jsonb (PostgreSQL) or text (SQLite)."""

from __future__ import annotations

import json

from fastdj.core.exceptions import ValidationError
from fastdj.db.models import lookups
from fastdj.db.models.fields import Field
from fastdj.db.models.lookups import Transform

__all__ = ["JSONField", "KeyTextTransform", "KeyTransform"]


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

    def get_transform(self, name):
        transform = super().get_transform(name)
        if transform is not None:
            return transform
        # Any other name is a key of the document: ``doc__owner__name``.
        return KeyTransformFactory(name)


def _json_path(keys) -> str:
    """Return the SQLite JSON path of ``keys`` (integers index arrays)."""
    path = ["$"]
    for key in keys:
        try:
            index = int(key)
        except ValueError:
            path.append("." + json.dumps(key))
        else:
            path.append(f"[{index}]")
    return "".join(path)


class KeyTransform(Transform):
    """The value under ``key_name`` in a JSON document (``doc__key``)."""

    postgres_operator = "->"
    postgres_nested_operator = "#>"

    def __init__(self, key_name, *args, **kwargs):
        # key_name rides in ``extra`` so that it is part of the shape key.
        super().__init__(*args, key_name=str(key_name), **kwargs)
        self.key_name = str(key_name)

    @property
    def output_field(self):
        return JSONField()

    def preprocess_lhs(self, compiler, connection):
        """Return (sql, params, keys) of the document and the key chain."""
        keys = [self.key_name]
        previous = self.lhs
        while isinstance(previous, KeyTransform):
            keys.insert(0, previous.key_name)
            previous = previous.lhs
        sql, params = compiler.compile(previous)
        return sql, list(params), keys

    def as_sql(self, compiler, connection):
        sql, params, keys = self.preprocess_lhs(compiler, connection)
        return f"JSON_EXTRACT({sql}, %s)", [*params, _json_path(keys)]

    def select_format(self, compiler, sql, params):
        if compiler.connection.vendor != "sqlite" or isinstance(self, KeyTextTransform):
            return super().select_format(compiler, sql, params)
        # JSON_EXTRACT() turns true/false/null into 1/0/NULL: select their
        # JSON text instead, so that reading back gives True/False/None.
        doc, doc_params, keys = self.preprocess_lhs(compiler, compiler.connection)
        path = _json_path(keys)
        kinds = ", ".join(
            f"'{kind}'"
            for kind in sorted(compiler.connection.ops.jsonfield_datatype_values)
        )
        case = (
            f"(CASE WHEN JSON_TYPE({doc}, %s) IN ({kinds}) "
            f"THEN JSON_TYPE({doc}, %s) ELSE {sql} END)"
        )
        return case, [*doc_params, path, *doc_params, path, *params]

    def as_postgresql(self, compiler, connection):
        sql, params, keys = self.preprocess_lhs(compiler, connection)
        if len(keys) > 1:
            op = self.postgres_nested_operator
            return f"({sql} {op} %s)", [*params, keys]
        try:
            key = int(self.key_name)
        except ValueError:
            key = self.key_name
        return f"({sql} {self.postgres_operator} %s)", [*params, key]


class KeyTextTransform(KeyTransform):
    """The value under ``key_name`` as text (``->>`` on PostgreSQL)."""

    postgres_operator = "->>"
    postgres_nested_operator = "#>>"

    @property
    def output_field(self):
        from fastdj.db.models.fields import TextField

        return TextField()


class KeyTransformFactory:
    def __init__(self, key_name):
        self.key_name = key_name

    def __call__(self, *args, **kwargs):
        return KeyTransform(self.key_name, *args, **kwargs)


class _KeyJSONRhsMixin:
    """Compare with the rhs decoded by SQLite's JSON1 (numbers stay numbers)."""

    def process_rhs(self, compiler, connection):
        sql, params = super().process_rhs(compiler, connection)
        if connection.vendor == "sqlite" and self.rhs_is_direct_value():
            sql = f"JSON_EXTRACT({sql}, '$')"
        return sql, params


class _KeyTextMixin:
    """Run a text lookup on the key's value as text (``->>``)."""

    def __init__(self, key_transform, *args, **kwargs):
        if isinstance(key_transform, KeyTransform) and not isinstance(
            key_transform, KeyTextTransform
        ):
            key_transform = KeyTextTransform(
                key_transform.key_name, *key_transform.get_source_expressions()
            )
        super().__init__(key_transform, *args, **kwargs)


class KeyTransformIsNull(lookups.IsNull):
    """``doc__key__isnull=True``: the key is absent (JSON null is a value)."""

    def as_sqlite(self, compiler, connection):
        if not isinstance(self.rhs, bool):
            return self.as_sql(compiler, connection)
        sql, params, keys = self.lhs.preprocess_lhs(compiler, connection)
        op = "IS NULL" if self.rhs else "IS NOT NULL"
        return f"JSON_TYPE({sql}, %s) {op}", [*params, _json_path(keys)]


class KeyTransformExact(_KeyJSONRhsMixin, lookups.Exact):
    """``doc__key=value``; ``doc__key=None`` matches a JSON null."""

    can_use_none_as_rhs = True

    def as_sqlite(self, compiler, connection):
        if self.rhs is not None:
            return self.as_sql(compiler, connection)
        sql, params, keys = self.lhs.preprocess_lhs(compiler, connection)
        return f"JSON_TYPE({sql}, %s) = 'null'", [*params, _json_path(keys)]


class KeyTransformIn(lookups.In):
    def process_rhs(self, compiler, connection):
        sql, params = super().process_rhs(compiler, connection)
        if connection.vendor == "sqlite" and self.rhs_is_direct_value():
            # Decode each JSON-encoded value so that 5 matches 5, "d" matches d.
            sql = "({})".format(", ".join(["JSON_EXTRACT(%s, '$')"] * len(params)))
        return sql, params


class HasKeyLookup(lookups.Lookup):
    """``doc__has_key="k"``: the document (or a key's value) has key ``k``."""

    prepare_rhs = False
    postgres_operator = "?"
    logical_operator = None

    def _keys(self, value) -> list[str]:
        if self.logical_operator is None:
            return [str(value)]
        # As in Django, any iterable works (a string is its characters) and
        # anything else raises TypeError.
        return [str(key) for key in value]

    def _prefix(self) -> list[str]:
        keys, lhs = [], self.lhs
        while isinstance(lhs, KeyTransform):
            keys.insert(0, lhs.key_name)
            lhs = lhs.lhs
        return keys

    def _direct_params(self, prepped, connection) -> list:
        keys = self._keys(prepped)
        if connection.vendor == "postgresql":
            return [keys[0] if self.logical_operator is None else keys]
        prefix = self._prefix()
        paths = [_json_path([*prefix, key]) for key in keys]
        if self.logical_operator is None:
            return paths
        # One parameter whatever the number of keys, so that the SQL of a
        # cached shape does not depend on it.
        return [json.dumps(paths)]

    def as_sql(self, compiler, connection):
        # SQLite: JSON_TYPE() is NULL where a path is absent. The key paths
        # include the lhs's own keys (doc__o__has_key="x").
        sql, params = self._document(compiler)
        key_params = self._emit(compiler, self._direct_params(self.rhs, connection))
        if self.logical_operator is None:
            return f"JSON_TYPE({sql}, %s) IS NOT NULL", [*params, *key_params]
        probe = f"SELECT 1 FROM JSON_EACH(%s) AS k WHERE JSON_TYPE({sql}, k.value)"
        if self.logical_operator == "AND":
            return f"NOT EXISTS ({probe} IS NULL)", [*key_params, *params]
        return f"EXISTS ({probe} IS NOT NULL)", [*key_params, *params]

    def _document(self, compiler):
        lhs = self.lhs
        while isinstance(lhs, KeyTransform):
            lhs = lhs.lhs
        sql, params = compiler.compile(lhs)
        return sql, list(params)

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        key_params = self._emit(compiler, self._direct_params(self.rhs, connection))
        return f"{sql} {self.postgres_operator} %s", [*params, *key_params]


class HasKey(HasKeyLookup):
    lookup_name = "has_key"


class HasKeys(HasKeyLookup):
    lookup_name = "has_keys"
    postgres_operator = "?&"
    logical_operator = "AND"


class HasAnyKeys(HasKeyLookup):
    lookup_name = "has_any_keys"
    postgres_operator = "?|"
    logical_operator = "OR"


for _lookup in (HasKey, HasKeys, HasAnyKeys):
    JSONField.register_lookup(_lookup)
    KeyTransform.register_lookup(_lookup)


def _key_lookup(base, *mixins):
    name = "KeyTransform" + base.__name__
    return type(name, (*mixins, base), {"__module__": __name__})


KeyTransform.register_lookup(KeyTransformExact)
KeyTransform.register_lookup(KeyTransformIn)
for _base in (
    lookups.GreaterThan,
    lookups.GreaterThanOrEqual,
    lookups.LessThan,
    lookups.LessThanOrEqual,
):
    KeyTransform.register_lookup(_key_lookup(_base, _KeyJSONRhsMixin))
for _base in (
    lookups.IExact,
    lookups.Contains,
    lookups.IContains,
    lookups.StartsWith,
    lookups.IStartsWith,
    lookups.EndsWith,
    lookups.IEndsWith,
    lookups.Regex,
    lookups.IRegex,
):
    KeyTransform.register_lookup(_key_lookup(_base, _KeyTextMixin))
KeyTransform.register_lookup(KeyTransformIsNull)
