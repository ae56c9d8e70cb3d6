"""Scalar model fields: Python <-> database conversion, validation, DDL types."""

from __future__ import annotations

import copy
import datetime
import decimal
import uuid
import warnings
from base64 import b64decode, b64encode
from functools import cached_property, total_ordering

from fastdj.conf import settings
from fastdj.core import validators
from fastdj.core.exceptions import FieldDoesNotExist, ValidationError
from fastdj.db.models.query_utils import DeferredAttribute, RegisterLookupMixin
from fastdj.utils import timezone
from fastdj.utils.dateparse import (
    parse_date,
    parse_datetime,
    parse_duration,
    parse_time,
)

__all__ = [
    "NOT_PROVIDED",
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BinaryField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "EmailField",
    "Field",
    "FieldDoesNotExist",
    "FloatField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
    "TimeField",
    "URLField",
    "UUIDField",
]


class NOT_PROVIDED:
    """Marker: no default was given."""


BLANK_CHOICE_DASH = [("", "---------")]

# Value ranges of the integer column types; the same on SQLite and PostgreSQL
# (SQLite stores any integer, but a value must round-trip through both).
_INTEGER_RANGES = {
    "SmallIntegerField": (-32768, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "BigIntegerField": (-9223372036854775808, 9223372036854775807),
    "PositiveBigIntegerField": (0, 9223372036854775807),
    "PositiveSmallIntegerField": (0, 32767),
    "PositiveIntegerField": (0, 2147483647),
    "SmallAutoField": (-32768, 32767),
    "AutoField": (-2147483648, 2147483647),
    "BigAutoField": (-9223372036854775808, 9223372036854775807),
}


def _capfirst(value: str) -> str:
    return value and value[0].upper() + value[1:]


class _QuoteDict:
    """Mapping for DDL templates: keys prefixed "qn_" come back quoted."""

    def __init__(self, data: dict, quote):
        self.data = data
        self.quote = quote

    def __getitem__(self, key):
        if key.startswith("qn_"):
            return self.quote(self.data[key[3:]])
        return self.data[key]


@total_ordering
class Field(RegisterLookupMixin):
    """Base class of every model field."""

    empty_strings_allowed = True
    empty_values = list(validators.EMPTY_VALUES)
    # Creation order, so fields keep their declaration order in _meta.
    creation_counter = 0
    auto_creation_counter = -1
    default_validators: list = []
    default_error_messages = {
        "invalid_choice": "Value %(value)r is not a valid choice.",
        "null": "This field cannot be null.",
        "blank": "This field cannot be blank.",
        "unique": "%(model_name)s with this %(field_label)s already exists.",
    }
    system_check_deprecated_details = None
    non_db_attrs = ("blank", "choices", "editable", "error_messages", "help_text")
    descriptor_class = DeferredAttribute

    is_relation = False
    many_to_many = None
    many_to_one = None
    one_to_many = None
    one_to_one = None
    related_model = None
    hidden = False
    generated = False
    db_returning = False

    def __init__(
        self,
        verbose_name=None,
        name=None,
        primary_key=False,
        max_length=None,
        unique=False,
        blank=False,
        null=False,
        db_index=False,
        rel=None,
        default=NOT_PROVIDED,
        editable=True,
        serialize=True,
        unique_for_date=None,
        unique_for_month=None,
        unique_for_year=None,
        choices=None,
        help_text="",
        db_column=None,
        db_tablespace=None,
        auto_created=False,
        validators=(),
        error_messages=None,
        db_comment=None,
        db_default=NOT_PROVIDED,
    ):
        self.name = name
        self.verbose_name = verbose_name
        self._verbose_name = verbose_name
        self.primary_key = primary_key
        self.max_length, self._unique = max_length, unique
        self.blank, self.null = blank, null
        self.remote_field = rel
        self.is_relation = self.remote_field is not None
        self.default = default
        self.db_default = db_default
        self.editable = editable
        self.serialize = serialize
        self.unique_for_date = unique_for_date
        self.unique_for_month = unique_for_month
        self.unique_for_year = unique_for_year
        if isinstance(choices, dict):
            choices = list(choices.items())
        elif choices is not None and not isinstance(choices, (list, tuple)):
            # A Choices enum class or any iterable of pairs.
            choices = list(getattr(choices, "choices", choices))
        self.choices = choices
        self.help_text = help_text
        self.db_index = db_index
        self.db_column = db_column
        self.db_comment = db_comment
        self.db_tablespace = db_tablespace
        self.auto_created = auto_created
        if auto_created:
            self.creation_counter = Field.auto_creation_counter
            Field.auto_creation_counter -= 1
        else:
            self.creation_counter = Field.creation_counter
            Field.creation_counter += 1
        self._validators = list(validators)
        messages = {}
        for cls in reversed(type(self).__mro__):
            messages.update(getattr(cls, "default_error_messages", {}))
        messages.update(error_messages or {})
        self._error_messages = error_messages
        self.error_messages = messages
        self.model = None
        self.attname = self.column = self.concrete = None

    def __str__(self):
        if not hasattr(self, "model") or self.model is None:
            return super().__str__()
        return f"{self.model._meta.label}.{self.name}"

    def __repr__(self):
        path = f"{type(self).__module__}.{type(self).__qualname__}"
        name = getattr(self, "name", None)
        return f"<{path}: {name}>" if name is not None else f"<{path}>"

    def __eq__(self, other):
        if isinstance(other, Field):
            return self.creation_counter == other.creation_counter and getattr(
                self, "model", None
            ) == getattr(other, "model", None)
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, Field):
            if self.creation_counter != other.creation_counter:
                return self.creation_counter < other.creation_counter
            if self.model is not None and other.model is not None:
                return (self.model._meta.app_label, self.model._meta.model_name) < (
                    other.model._meta.app_label,
                    other.model._meta.model_name,
                )
            return False
        return NotImplemented

    def __hash__(self):
        return hash(self.creation_counter)

    def __deepcopy__(self, memodict):
        # Copy the field but share remote_field targets (models are singletons).
        obj = copy.copy(self)
        if self.remote_field:
            obj.remote_field = copy.copy(self.remote_field)
            if hasattr(self.remote_field, "field") and self.remote_field.field is self:
                obj.remote_field.field = obj
        memodict[id(self)] = obj
        return obj

    def __copy__(self):
        obj = Empty()
        obj.__class__ = self.__class__
        obj.__dict__ = self.__dict__.copy()
        return obj

    # -- set-up -----------------------------------------------------------

    @property
    def unique(self) -> bool:
        return self._unique or self.primary_key

    @property
    def db_tablespace_value(self):
        return self.db_tablespace

    def get_attname(self) -> str:
        return self.name

    def get_attname_column(self) -> tuple[str, str]:
        attname = self.get_attname()
        return attname, self.db_column or attname

    def set_attributes_from_name(self, name: str) -> None:
        self.name = self.name or name
        self.attname, self.column = self.get_attname_column()
        self.concrete = self.column is not None
        if self.verbose_name is None and self.name:
            self.verbose_name = self.name.replace("_", " ")

    def contribute_to_class(self, cls, name: str, private_only: bool = False) -> None:
        """Attach this field to model ``cls`` under ``name``."""
        self.set_attributes_from_name(name)
        self.model = cls
        cls._meta.add_field(self, private=private_only)
        if self.column:
            setattr(cls, self.attname, self.descriptor_class(self))
        if self.choices is not None and f"get_{self.name}_display" not in cls.__dict__:
            setattr(
                cls,
                f"get_{self.name}_display",
                lambda obj, _field=self: obj._get_FIELD_display(_field),
            )

    def get_internal_type(self) -> str:
        return type(self).__name__

    # -- database types ---------------------------------------------------

    def db_type_parameters(self, connection):
        return _QuoteDict(self.__dict__, connection.ops.quote_name)

    def db_check(self, connection):
        data = self.db_type_parameters(connection)
        checks = getattr(connection, "data_type_check_constraints", {})
        try:
            return checks[self.get_internal_type()] % data
        except KeyError:
            return None

    def db_type(self, connection):
        """Return the column type of this field on ``connection``, or None."""
        data = self.db_type_parameters(connection)
        try:
            column_type = connection.data_types[self.get_internal_type()]
        except KeyError:
            return None
        if callable(column_type):
            return column_type(data)
        return column_type % data

    def rel_db_type(self, connection):
        """Return the column type of a ForeignKey pointing at this field."""
        return self.db_type(connection)

    def cast_db_type(self, connection):
        db_type = getattr(connection.ops, "cast_data_types", {}).get(
            self.get_internal_type()
        )
        if db_type:
            return db_type % self.db_type_parameters(connection)
        return self.db_type(connection)

    def db_parameters(self, connection) -> dict:
        return {"type": self.db_type(connection), "check": self.db_check(connection)}

    def db_type_suffix(self, connection):
        return getattr(connection, "data_types_suffix", {}).get(
            self.get_internal_type()
        )

    def get_db_converters(self, connection) -> list:
        if hasattr(self, "from_db_value"):
            return [self.from_db_value]
        return []

    @property
    def db_returning_value(self):
        return self.db_returning

    def has_db_default(self) -> bool:
        return self.db_default is not NOT_PROVIDED

    # -- expressions ------------------------------------------------------

    def get_col(self, alias, output_field=None):
        from fastdj.db.models.expressions import Col

        if alias == self.model._meta.db_table and (
            output_field is None or output_field == self
        ):
            return self.cached_col
        return Col(alias, self, output_field)

    @cached_property
    def cached_col(self):
        from fastdj.db.models.expressions import Col

        return Col(self.model._meta.db_table, self)

    def select_format(self, compiler, sql, params):
        return sql, params

    # -- values -----------------------------------------------------------

    def has_default(self) -> bool:
        return self.default is not NOT_PROVIDED

    def get_default(self):
        return self._get_default()

    @cached_property
    def _get_default(self):
        if self.has_default():
            if callable(self.default):
                return self.default
            return lambda: self.default
        if self.has_db_default():
            from fastdj.db.models.expressions import DatabaseDefault

            return lambda: DatabaseDefault(self.db_default, output_field=self)
        if (
            not self.empty_strings_allowed
            or self.null
            and not getattr(settings, "_interprets_empty_strings_as_nulls", False)
        ):
            return _return_none
        return str

    def get_pk_value_on_save(self, instance):
        """Return the pk value of an unsaved instance (its default, if any)."""
        if self.default is not NOT_PROVIDED:
            return self.get_default()
        return None

    def pre_save(self, model_instance, add: bool):
        """Return the attribute value to save (auto_now fields set it first)."""
        return getattr(model_instance, self.attname)

    def get_prep_value(self, value):
        """Return ``value`` prepared for a query parameter, backend-independent."""
        if hasattr(value, "_proxy____cast"):
            value = value._proxy____cast()
        return value

    def get_db_prep_value(self, value, connection, prepared: bool = False):
        """Return ``value`` adapted for ``connection``."""
        if not prepared:
            value = self.get_prep_value(value)
        return value

    def get_db_prep_save(self, value, connection):
        if hasattr(value, "as_sql"):
            return value
        return self.get_db_prep_value(value, connection=connection, prepared=False)

    def value_from_object(self, obj):
        return getattr(obj, self.attname)

    def value_to_string(self, obj) -> str:
        return str(self.value_from_object(obj))

    def to_python(self, value):
        """Return ``value`` as this field's Python type; ValidationError if not."""
        return value

    @cached_property
    def validators(self) -> list:
        return [*self.default_validators, *self._validators]

    def run_validators(self, value) -> None:
        if value in self.empty_values:
            return
        errors = []
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as exc:
                if hasattr(exc, "code") and exc.code in self.error_messages:
                    exc.message = self.error_messages[exc.code]
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)

    @property
    def flatchoices(self) -> list:
        if self.choices is None:
            return []
        flat = []
        for choice, value in self.choices:
            if isinstance(value, (list, tuple)):
                flat.extend(value)
            else:
                flat.append((choice, value))
        return flat

    def validate(self, value, model_instance) -> None:
        """Check choices, null and blank; raise ValidationError on failure."""
        if not self.editable:
            return
        if self.choices is not None and value not in self.empty_values:
            for option_key, option_value in self.choices:
                if isinstance(option_value, (list, tuple)):
                    if any(value == key for key, _ in option_value):
                        return
                elif value == option_key:
                    return
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        if value is None and not self.null:
            raise ValidationError(self.error_messages["null"], code="null")
        if not self.blank and value in self.empty_values:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def clean(self, value, model_instance):
        """Convert, validate and run validators; return the cleaned value."""
        value = self.to_python(value)
        self.validate(value, model_instance)
        self.run_validators(value)
        return value

    def save_form_data(self, instance, data) -> None:
        setattr(instance, self.name, data)

    def get_choices(self, include_blank=True, blank_choice=BLANK_CHOICE_DASH):
        choices = list(self.choices or [])
        if include_blank and not any(k in ("", None) for k, _ in self.flatchoices):
            choices = blank_choice + choices
        return choices

    def deconstruct(self):
        """Return (name, import path, args, kwargs) to recreate this field."""
        keywords = {}
        defaults = {
            "verbose_name": None,
            "primary_key": False,
            "max_length": None,
            "unique": False,
            "blank": False,
            "null": False,
            "db_index": False,
            "default": NOT_PROVIDED,
            "choices": None,
            "db_column": None,
        }
        attr_overrides = {"unique": "_unique", "verbose_name": "_verbose_name"}
        for name, default in defaults.items():
            value = getattr(self, attr_overrides.get(name, name))
            if value != default:
                keywords[name] = value
        path = f"{type(self).__module__}.{type(self).__qualname__}"
        path = path.replace("fastdj.db.models.fields", "fastdj.db.models")
        return self.name, path, [], keywords

    def clone(self):
        name, path, args, kwargs = self.deconstruct()
        return self.__class__(*args, **kwargs)


class Empty:
    pass


def _return_none():
    return None


def _invalid(field, code, value):
    return ValidationError(
        field.error_messages[code], code=code, params={"value": value}
    )


class BooleanField(Field):
    empty_strings_allowed = False
    default_error_messages = {
        "invalid": "“%(value)s” value must be either True or False.",
        "invalid_nullable": "“%(value)s” value must be either True, False, or None.",
    }

    def __init__(self, *args, **kwargs):
        if "default" in kwargs and "null" not in kwargs and kwargs["default"] is None:
            kwargs["null"] = True
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if self.null and value in self.empty_values:
            return None
        if value in (True, False):
            # 1/0 are booleans too, so tests like `value in (1, 0)` pass.
            return bool(value)
        if value in ("t", "True", "1"):
            return True
        if value in ("f", "False", "0"):
            return False
        # Django reports code "invalid" with either message.
        raise ValidationError(
            self.error_messages["invalid_nullable" if self.null else "invalid"],
            code="invalid",
            params={"value": value},
        )

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return self.to_python(value)


class CharField(Field):
    def __init__(self, *args, db_collation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.db_collation = db_collation
        if self.max_length is not None and (
            not isinstance(self.max_length, int)
            or isinstance(self.max_length, bool)
            or self.max_length <= 0
        ):
            raise ValueError("'max_length' must be a positive integer.")

    @cached_property
    def validators(self):
        extra = []
        if self.max_length is not None:
            extra.append(validators.MaxLengthValidator(self.max_length))
        return [*super().validators, *extra]

    def db_type(self, connection):
        if self.max_length is None:
            # Unlimited varchar: PostgreSQL supports it, SQLite ignores lengths.
            return connection.data_types.get("TextField", "text") % {}
        return super().db_type(connection)

    def to_python(self, value):
        if isinstance(value, str) or value is None:
            return value
        return str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return self.to_python(value)


class TextField(Field):
    def __init__(self, *args, db_collation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.db_collation = db_collation

    def to_python(self, value):
        if isinstance(value, str) or value is None:
            return value
        return str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return self.to_python(value)


class EmailField(CharField):
    default_validators = [validators.validate_email]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(*args, **kwargs)

    def get_internal_type(self):
        return "CharField"


class SlugField(CharField):
    default_validators = [validators.validate_slug]

    def __init__(self, *args, max_length=50, db_index=True, allow_unicode=False, **kw):
        self.allow_unicode = allow_unicode
        if allow_unicode:
            self.default_validators = [validators.validate_unicode_slug]
        super().__init__(*args, max_length=max_length, db_index=db_index, **kw)

    def get_internal_type(self):
        return "SlugField"


class URLField(CharField):
    default_validators = [validators.URLValidator()]

    def __init__(self, verbose_name=None, name=None, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(verbose_name, name, **kwargs)

    def get_internal_type(self):
        return "CharField"


class IntegerField(Field):
    empty_strings_allowed = False
    default_error_messages = {"invalid": "“%(value)s” value must be an integer."}

    @cached_property
    def validators(self):
        extra = []
        low, high = _INTEGER_RANGES.get(self.get_internal_type(), (None, None))
        if low is not None and not any(
            isinstance(v, validators.MinValueValidator)
            and _limit(v) is not None
            and _limit(v) >= low
            for v in self._validators
        ):
            extra.append(validators.MinValueValidator(low))
        if high is not None and not any(
            isinstance(v, validators.MaxValueValidator)
            and _limit(v) is not None
            and _limit(v) <= high
            for v in self._validators
        ):
            extra.append(validators.MaxValueValidator(high))
        return [*super().validators, *extra]

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise exc.__class__(
                f"Field '{self.name}' expected a number but got {value!r}."
            ) from exc

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return value

    def to_python(self, value):
        if value is None:
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _invalid(self, "invalid", value)


def _limit(validator):
    limit = validator.limit_value
    return limit() if callable(limit) else limit


class SmallIntegerField(IntegerField):
    pass


class BigIntegerField(IntegerField):
    MAX_BIGINT = 9223372036854775807


class PositiveIntegerRelDbTypeMixin:
    def rel_db_type(self, connection):
        # A FK to a positive integer needs no check constraint of its own.
        if getattr(connection.features, "related_fields_match_type", False):
            return self.db_type(connection)
        return IntegerField().db_type(connection=connection)


class PositiveIntegerField(PositiveIntegerRelDbTypeMixin, IntegerField):
    pass


class PositiveSmallIntegerField(PositiveIntegerRelDbTypeMixin, SmallIntegerField):
    pass


class PositiveBigIntegerField(PositiveIntegerRelDbTypeMixin, BigIntegerField):
    def rel_db_type(self, connection):
        if getattr(connection.features, "related_fields_match_type", False):
            return self.db_type(connection)
        return BigIntegerField().db_type(connection=connection)


class AutoFieldMixin:
    db_returning = True

    def __init__(self, *args, **kwargs):
        kwargs["blank"] = True
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        pass

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
            validate = getattr(connection.ops, "validate_autopk_value", None)
            if validate is not None:
                value = validate(value)
        return value

    def contribute_to_class(self, cls, name, **kwargs):
        if cls._meta.auto_field:
            raise ValueError(
                f"Model {cls._meta.label} can't have more than one auto-generated "
                "field."
            )
        super().contribute_to_class(cls, name, **kwargs)
        cls._meta.auto_field = self


class AutoField(AutoFieldMixin, IntegerField):
    def get_internal_type(self):
        return "AutoField"

    def rel_db_type(self, connection):
        return IntegerField().db_type(connection=connection)


class BigAutoField(AutoFieldMixin, BigIntegerField):
    def get_internal_type(self):
        return "BigAutoField"

    def rel_db_type(self, connection):
        return BigIntegerField().db_type(connection=connection)


class SmallAutoField(AutoFieldMixin, SmallIntegerField):
    def get_internal_type(self):
        return "SmallAutoField"

    def rel_db_type(self, connection):
        return SmallIntegerField().db_type(connection=connection)


class FloatField(Field):
    empty_strings_allowed = False
    default_error_messages = {"invalid": "“%(value)s” value must be a float."}

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise exc.__class__(
                f"Field '{self.name}' expected a number but got {value!r}."
            ) from exc

    def to_python(self, value):
        if value is None:
            return value
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _invalid(self, "invalid", value)


class DecimalField(Field):
    empty_strings_allowed = False
    default_error_messages = {"invalid": "“%(value)s” value must be a decimal number."}

    def __init__(
        self, verbose_name=None, name=None, max_digits=None, decimal_places=None, **kw
    ):
        self.max_digits, self.decimal_places = max_digits, decimal_places
        super().__init__(verbose_name, name, **kw)

    @cached_property
    def validators(self):
        return [
            *super().validators,
            validators.DecimalValidator(self.max_digits, self.decimal_places),
        ]

    @cached_property
    def context(self):
        return decimal.Context(prec=self.max_digits)

    def to_python(self, value):
        if value is None:
            return value
        try:
            if isinstance(value, float):
                decimal_value = self.context.create_decimal_from_float(value)
            else:
                decimal_value = decimal.Decimal(value)
        except (decimal.InvalidOperation, TypeError, ValueError):
            raise _invalid(self, "invalid", value)
        if not decimal_value.is_finite():
            raise _invalid(self, "invalid", value)
        return decimal_value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return self.to_python(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if hasattr(value, "as_sql"):
            return value
        adapt = getattr(connection.ops, "adapt_decimalfield_value", None)
        if adapt is not None:
            return adapt(value, self.max_digits, self.decimal_places)
        return value

    def from_db_value(self, value, expression, connection):
        # SQLite hands back floats or ints for NUMERIC columns.
        if value is None or type(value) is decimal.Decimal:
            return value
        if isinstance(value, float):
            value = self.context.create_decimal_from_float(value)
        else:
            value = decimal.Decimal(value)
        if self.decimal_places is not None:
            return value.quantize(
                decimal.Decimal(1).scaleb(-self.decimal_places), context=self.context
            )
        return value


class DateTimeCheckMixin:
    def __init__(
        self, verbose_name=None, name=None, auto_now=False, auto_now_add=False, **kw
    ):
        self.auto_now, self.auto_now_add = auto_now, auto_now_add
        if auto_now or auto_now_add:
            kw["editable"] = False
            kw["blank"] = True
        super().__init__(verbose_name, name, **kw)


class DateField(DateTimeCheckMixin, Field):
    empty_strings_allowed = False
    default_error_messages = {
        "invalid": "“%(value)s” value has an invalid date format. It must be in "
        "YYYY-MM-DD format.",
        "invalid_date": "“%(value)s” value has the correct format (YYYY-MM-DD) but "
        "it is an invalid date.",
    }

    def to_python(self, value):
        if value is None:
            return value
        if isinstance(value, datetime.datetime):
            if settings.USE_TZ and timezone.is_aware(value):
                default_timezone = timezone.get_default_timezone()
                value = timezone.make_naive(value, default_timezone)
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            parsed = parse_date(value)
            if parsed is not None:
                return parsed
        except ValueError:
            raise _invalid(self, "invalid_date", value)
        raise _invalid(self, "invalid", value)

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = datetime.date.today()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return self.to_python(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        adapt = getattr(connection.ops, "adapt_datefield_value", None)
        return adapt(value) if adapt is not None else value


class DateTimeField(DateField):
    default_error_messages = {
        "invalid": "“%(value)s” value has an invalid format. It must be in "
        "YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.",
        "invalid_date": "“%(value)s” value has the correct format (YYYY-MM-DD) but "
        "it is an invalid date.",
        "invalid_datetime": "“%(value)s” value has the correct format "
        "(YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time.",
    }

    def to_python(self, value):
        if value is None:
            return value
        if isinstance(value, datetime.datetime):
            return value
        if isinstance(value, datetime.date):
            value = datetime.datetime(value.year, value.month, value.day)
            if settings.USE_TZ:
                # A date is midnight in the default time zone.
                warnings.warn(
                    f"DateTimeField {self.model.__name__ if self.model else ''}."
                    f"{self.name} received a naive datetime ({value}) while time "
                    "zone support is active.",
                    RuntimeWarning,
                    stacklevel=2,
                )
                value = timezone.make_aware(value, timezone.get_default_timezone())
            return value
        try:
            parsed = parse_datetime(value)
            if parsed is not None:
                return parsed
        except ValueError:
            raise _invalid(self, "invalid_datetime", value)
        try:
            parsed = parse_date(value)
            if parsed is not None:
                return datetime.datetime(parsed.year, parsed.month, parsed.day)
        except ValueError:
            raise _invalid(self, "invalid_date", value)
        raise _invalid(self, "invalid", value)

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = timezone.now()
            setattr(model_instance, self.attname, value)
            return value
        return getattr(model_instance, self.attname)

    def get_prep_value(self, value):
        value = Field.get_prep_value(self, value)
        value = self.to_python(value)
        if value is not None and settings.USE_TZ and timezone.is_naive(value):
            try:
                name = f"{self.model.__name__}.{self.name}"
            except AttributeError:
                name = "(unbound)"
            warnings.warn(
                f"DateTimeField {name} received a naive datetime ({value}) while "
                "time zone support is active.",
                RuntimeWarning,
                stacklevel=2,
            )
            value = timezone.make_aware(value, timezone.get_default_timezone())
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        adapt = getattr(connection.ops, "adapt_datetimefield_value", None)
        return adapt(value) if adapt is not None else value


class TimeField(DateTimeCheckMixin, Field):
    empty_strings_allowed = False
    default_error_messages = {
        "invalid": "“%(value)s” value has an invalid format. It must be in "
        "HH:MM[:ss[.uuuuuu]] format.",
        "invalid_time": "“%(value)s” value has the correct format "
        "(HH:MM[:ss[.uuuuuu]]) but it is an invalid time.",
    }

    def to_python(self, value):
        if value is None:
            return None
        if isinstance(value, datetime.time):
            return value
        if isinstance(value, datetime.datetime):
            return value.time()
        try:
            parsed = parse_time(value)
            if parsed is not None:
                return parsed
        except ValueError:
            raise _invalid(self, "invalid_time", value)
        raise _invalid(self, "invalid", value)

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = datetime.datetime.now().time()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return self.to_python(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        adapt = getattr(connection.ops, "adapt_timefield_value", None)
        return adapt(value) if adapt is not None else value


class DurationField(Field):
    empty_strings_allowed = False
    default_error_messages = {
        "invalid": "“%(value)s” value has an invalid format. It must be in "
        "[DD] [[HH:]MM:]ss[.uuuuuu] format."
    }

    def to_python(self, value):
        if value is None:
            return value
        if isinstance(value, datetime.timedelta):
            return value
        try:
            parsed = parse_duration(value)
        except ValueError:
            pass
        else:
            if parsed is not None:
                return parsed
        raise _invalid(self, "invalid", value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if getattr(connection.features, "has_native_duration_field", False):
            return value
        if value is None:
            return None
        return (value.days * 86400 + value.seconds) * 1000000 + value.microseconds

    def get_db_converters(self, connection):
        converters = []
        if not getattr(connection.features, "has_native_duration_field", False):
            converters.append(_convert_duration)
        return converters + super().get_db_converters(connection)


def _convert_duration(value, expression, connection):
    if value is not None and not isinstance(value, datetime.timedelta):
        return datetime.timedelta(0, 0, value)
    return value


class UUIDField(Field):
    default_error_messages = {"invalid": "“%(value)s” is not a valid UUID."}
    empty_strings_allowed = False

    def __init__(self, verbose_name=None, **kwargs):
        kwargs["max_length"] = 32
        super().__init__(verbose_name, **kwargs)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return self.to_python(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if not isinstance(value, uuid.UUID):
            value = self.to_python(value)
        if getattr(connection.features, "has_native_uuid_field", False):
            return value
        return value.hex

    def to_python(self, value):
        if value is not None and not isinstance(value, uuid.UUID):
            input_form = "int" if isinstance(value, int) else "hex"
            try:
                return uuid.UUID(**{input_form: value})
            except (AttributeError, ValueError):
                raise _invalid(self, "invalid", value)
        return value

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(value)


class BinaryField(Field):
    empty_values = [None, b""]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    @cached_property
    def validators(self):
        extra = []
        if self.max_length is not None:
            extra.append(validators.MaxLengthValidator(self.max_length))
        return [*super().validators, *extra]

    def get_default(self):
        if self.has_default() and not callable(self.default):
            return self.default
        default = super().get_default()
        if default == "":
            return b""
        return default

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if value is not None:
            binary = getattr(connection.Database, "Binary", bytes)
            return binary(value)
        return value

    def value_to_string(self, obj):
        return b64encode(self.value_from_object(obj)).decode("ascii")

    def to_python(self, value):
        if isinstance(value, str):
            return memoryview(b64decode(value.encode("ascii")))
        return value

    def from_db_value(self, value, expression, connection):
        # psycopg returns memoryview for bytea, sqlite3 bytes: give bytes.
        if isinstance(value, memoryview):
            return value.tobytes()
        return value
