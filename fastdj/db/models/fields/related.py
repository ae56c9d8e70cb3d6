"""Relation fields: ForeignKey, OneToOneField and ManyToManyField."""

from __future__ import annotations

from functools import cached_property

from fastdj.core import exceptions
from fastdj.db.models import deletion as _deletion
from fastdj.db.models.fields import NOT_PROVIDED, Field
from fastdj.db.models.fields.mixins import FieldCacheMixin
from fastdj.db.models.fields.related_descriptors import (
    ForeignKeyDeferredAttribute,
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
    ReverseOneToOneDescriptor,
)
from fastdj.db.models.fields.reverse_related import (
    ManyToManyRel,
    ManyToOneRel,
    OneToOneRel,
)
from fastdj.db.models.query_utils import PathInfo

__all__ = [
    "RECURSIVE_RELATIONSHIP_CONSTANT",
    "ForeignKey",
    "ForeignObject",
    "ManyToManyField",
    "OneToOneField",
    "RelatedField",
]

RECURSIVE_RELATIONSHIP_CONSTANT = "self"


def resolve_relation(scope_model, relation):
    """Return ``relation`` as a model class or "app_label.ModelName" string."""
    if isinstance(relation, str):
        if relation == RECURSIVE_RELATIONSHIP_CONSTANT:
            return scope_model
        if "." not in relation:
            return f"{scope_model._meta.app_label}.{relation}"
    return relation


def lazy_related_operation(function, model, *related_models, **kwargs):
    """Call ``function(model, *related)`` once every related model is loaded."""
    models = [model] + [resolve_relation(model, rel) for rel in related_models]
    keys = []
    for m in models:
        if isinstance(m, str):
            app_label, model_name = m.split(".")
            keys.append((app_label, model_name.lower()))
        else:
            keys.append((m._meta.app_label, m._meta.model_name))

    def run(*resolved):
        function(*resolved, **kwargs)

    model._meta.apps.lazy_model_operation(run, *keys)


class RelatedField(FieldCacheMixin, Field):
    """Base of fields that point at another model."""

    one_to_many = False
    one_to_one = False
    many_to_many = False
    many_to_one = False

    @cached_property
    def related_model(self):
        # The target, once resolved (a string until then).
        return self.remote_field.model

    def contribute_to_class(self, cls, name, private_only=False, **kwargs):
        super().contribute_to_class(cls, name, private_only=private_only, **kwargs)
        self.opts = cls._meta
        if not cls._meta.abstract:
            if self.remote_field.related_name:
                related_name = self.remote_field.related_name % {
                    "class": cls.__name__.lower(),
                    "model_name": cls._meta.model_name.lower(),
                    "app_label": cls._meta.app_label.lower(),
                }
                self.remote_field.related_name = related_name
            if self.remote_field.related_query_name:
                self.remote_field.related_query_name = (
                    self.remote_field.related_query_name
                    % {
                        "class": cls.__name__.lower(),
                        "app_label": cls._meta.app_label.lower(),
                    }
                )

            def resolve_related_class(model, related, field):
                field.remote_field.model = related
                field.__dict__.pop("related_model", None)
                field.do_related_class(related, model)

            lazy_related_operation(
                resolve_related_class, cls, self.remote_field.model, field=self
            )

    def do_related_class(self, other, cls) -> None:
        self.set_attributes_from_rel()
        self.contribute_to_related_class(other, self.remote_field)

    def set_attributes_from_rel(self) -> None:
        self.name = self.name or (
            self.remote_field.model._meta.model_name
            + "_"
            + self.remote_field.model._meta.pk.name
        )
        if self.verbose_name is None:
            self.verbose_name = self.remote_field.model._meta.verbose_name
        self.remote_field.set_field_name()

    def contribute_to_related_class(self, cls, related) -> None:
        if (
            not self.remote_field.is_hidden()
            and not related.related_model._meta.swapped
        ):
            accessor = related.get_accessor_name()
            if accessor:
                setattr(cls, accessor, self.related_accessor_class(related))
        # Reverse relations changed: drop the cached relation trees.
        cls._meta._expire_cache()
        self.model._meta._expire_cache()

    def related_query_name(self) -> str:
        """Return the name used to filter from the target back to this model."""
        return (
            self.remote_field.related_query_name
            or self.remote_field.related_name
            or self.opts.model_name
        )

    @property
    def target_field(self):
        target_fields = self.path_infos[-1].target_fields
        if len(target_fields) > 1:
            raise exceptions.FieldError(
                "The relation has multiple target fields, but only single target "
                "field was asked for"
            )
        return target_fields[0]

    def get_cache_name(self) -> str:
        return self.name

    def get_limit_choices_to(self):
        limit = self.remote_field.limit_choices_to
        return limit() if callable(limit) else limit


class ForeignObject(RelatedField):
    """A single-column relation to another model's field (ForeignKey's base)."""

    many_to_one = True
    requires_unique_target = True
    related_accessor_class = ReverseManyToOneDescriptor
    forward_related_accessor_class = ForwardManyToOneDescriptor
    rel_class = ManyToOneRel

    def get_attname(self) -> str:
        return f"{self.name}_id"

    def get_attname_column(self):
        attname = self.get_attname()
        return attname, self.db_column or attname

    def contribute_to_class(self, cls, name, private_only=False, **kwargs):
        super().contribute_to_class(cls, name, private_only=private_only, **kwargs)
        setattr(cls, self.name, self.forward_related_accessor_class(self))

    def contribute_to_related_class(self, cls, related) -> None:
        super().contribute_to_related_class(cls, related)
        if self.remote_field.field_name is None:
            self.remote_field.field_name = cls._meta.pk.name

    @cached_property
    def related_fields(self):
        """Return [(local field, target field)]."""
        if isinstance(self.remote_field.model, str):
            raise ValueError(
                f"Related model {self.remote_field.model!r} cannot be resolved"
            )
        to_field = (
            self.remote_field.model._meta.pk
            if self.remote_field.field_name is None
            else self.remote_field.model._meta.get_field(self.remote_field.field_name)
        )
        return [(self, to_field)]

    @cached_property
    def reverse_related_fields(self):
        return [(rhs, lhs) for lhs, rhs in self.related_fields]

    @cached_property
    def local_related_fields(self):
        return tuple(lhs for lhs, _ in self.related_fields)

    @cached_property
    def foreign_related_fields(self):
        return tuple(rhs for _, rhs in self.related_fields if rhs)

    def get_local_related_value(self, instance):
        return (getattr(instance, self.attname),)

    def get_foreign_related_value(self, instance):
        return tuple(getattr(instance, f.attname) for f in self.foreign_related_fields)

    def get_joining_columns(self, reverse_join=False):
        source = self.reverse_related_fields if reverse_join else self.related_fields
        return tuple((lhs.column, rhs.column) for lhs, rhs in source)

    def get_reverse_joining_columns(self):
        return self.get_joining_columns(reverse_join=True)

    def get_joining_fields(self, reverse_join=False):
        return tuple(
            self.reverse_related_fields if reverse_join else self.related_fields
        )

    def get_reverse_joining_fields(self):
        return self.get_joining_fields(reverse_join=True)

    def get_extra_restriction(self, alias, related_alias):
        return None

    def get_path_info(self, filtered_relation=None):
        opts = self.remote_field.model._meta
        from_opts = self.model._meta
        return [
            PathInfo(
                from_opts=from_opts,
                to_opts=opts,
                target_fields=self.foreign_related_fields,
                join_field=self,
                m2m=False,
                direct=True,
                filtered_relation=filtered_relation,
            )
        ]

    @cached_property
    def path_infos(self):
        return self.get_path_info()

    def get_reverse_path_info(self, filtered_relation=None):
        opts = self.model._meta
        from_opts = self.remote_field.model._meta
        return [
            PathInfo(
                from_opts=from_opts,
                to_opts=opts,
                target_fields=(opts.pk,),
                join_field=self.remote_field,
                m2m=not self.unique,
                direct=False,
                filtered_relation=filtered_relation,
            )
        ]

    @cached_property
    def reverse_path_infos(self):
        return self.get_reverse_path_info()


class ForeignKey(ForeignObject):
    """A many-to-one relation, stored as ``<name>_id``."""

    descriptor_class = ForeignKeyDeferredAttribute
    empty_strings_allowed = False
    default_error_messages = {
        "invalid": (
            "%(model)s instance with %(field)s %(value)r is not a valid choice."
        )
    }

    def __init__(
        self,
        to,
        on_delete,
        related_name=None,
        related_query_name=None,
        limit_choices_to=None,
        parent_link=False,
        to_field=None,
        db_constraint=True,
        **kwargs,
    ):
        if not isinstance(to, str) and not hasattr(to, "_meta"):
            raise TypeError(
                f"{type(self).__name__}({to!r}) is invalid. First parameter to "
                f"{type(self).__name__} must be either a model, a model name, or the "
                f"string {RECURSIVE_RELATIONSHIP_CONSTANT!r}"
            )
        if not callable(on_delete):
            raise TypeError("on_delete must be callable.")
        kwargs["rel"] = self.rel_class(
            self,
            to,
            to_field,
            related_name=related_name,
            related_query_name=related_query_name,
            limit_choices_to=limit_choices_to,
            parent_link=parent_link,
            on_delete=on_delete,
        )
        kwargs.setdefault("db_index", True)
        super().__init__(**kwargs)
        self.db_constraint = db_constraint
        self.to_fields = [to_field]
        self.from_fields = [RECURSIVE_RELATIONSHIP_CONSTANT]

    def __class_getitem__(cls, *args, **kwargs):
        return cls

    @property
    def target_field(self):
        return self.foreign_related_fields[0]

    def validate(self, value, model_instance) -> None:
        super().validate(value, model_instance)
        if value is None:
            return
        using = getattr(model_instance._state, "db", None) or "default"
        qs = self.remote_field.model._base_manager.using(using).filter(
            **{self.remote_field.field_name: value}
        )
        limit = self.get_limit_choices_to()
        if limit:
            qs = qs.filter(**limit) if isinstance(limit, dict) else qs.filter(limit)
        if not qs.exists():
            raise exceptions.ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={
                    "model": self.remote_field.model._meta.verbose_name,
                    "pk": value,
                    "field": self.remote_field.field_name,
                    "value": value,
                },
            )

    def get_default(self):
        field_default = super().get_default()
        if isinstance(field_default, self.remote_field.model):
            return getattr(field_default, self.target_field.attname)
        return field_default

    def get_prep_value(self, value):
        if hasattr(value, "_meta") and hasattr(value, "pk"):
            # A model instance used as a value stands for its target field.
            value = getattr(value, self.target_field.attname)
        return self.target_field.get_prep_value(value)

    def get_db_prep_save(self, value, connection):
        if value is None or (
            value == "" and not self.target_field.empty_strings_allowed
        ):
            return None
        return self.target_field.get_db_prep_save(value, connection=connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if hasattr(value, "_meta") and hasattr(value, "pk"):
            value = getattr(value, self.target_field.attname)
        return self.target_field.get_db_prep_value(value, connection, prepared)

    def to_python(self, value):
        return self.target_field.to_python(value)

    def get_db_converters(self, connection):
        converters = super().get_db_converters(connection)
        return converters + self.target_field.get_db_converters(connection)

    def db_check(self, connection):
        return None

    def db_type(self, connection):
        return self.target_field.rel_db_type(connection=connection)

    def cast_db_type(self, connection):
        return self.target_field.cast_db_type(connection=connection)

    def db_parameters(self, connection):
        return {"type": self.db_type(connection), "check": self.db_check(connection)}

    def get_col(self, alias, output_field=None):
        if output_field is None:
            output_field = self.target_field
            while isinstance(output_field, ForeignKey):
                output_field = output_field.target_field
                if output_field is self:
                    raise ValueError("Cannot resolve output_field.")
        return super().get_col(alias, output_field)

    def value_to_string(self, obj):
        return str(self.value_from_object(obj))


class OneToOneField(ForeignKey):
    """A ForeignKey with unique=True whose reverse side is a single object."""

    many_to_many = False
    many_to_one = False
    one_to_many = False
    one_to_one = True
    related_accessor_class = ReverseOneToOneDescriptor
    forward_related_accessor_class = ForwardOneToOneDescriptor
    rel_class = OneToOneRel

    def __init__(self, to, on_delete, to_field=None, **kwargs):
        kwargs["unique"] = True
        super().__init__(to, on_delete, to_field=to_field, **kwargs)


def create_many_to_many_intermediary_model(field, klass):
    """Return the auto-created through model of ``field`` on ``klass``."""
    from fastdj.db.models.base import Model, ModelBase

    to = resolve_relation(klass, field.remote_field.model)
    if isinstance(to, str):
        to_model_name = to.split(".")[-1]
    else:
        to_model_name = to._meta.object_name
    name = f"{klass._meta.object_name}_{field.name}"
    lazy_related_operation(_set_managed, klass, to, field=field)
    to_lower = to_model_name.lower()
    from_lower = klass._meta.model_name
    if to_lower == from_lower:
        to_lower = f"to_{to_lower}"
        from_lower = f"from_{from_lower}"
    meta = type(
        "Meta",
        (),
        {
            "db_table": field._get_m2m_db_table(klass._meta),
            "auto_created": klass,
            "app_label": klass._meta.app_label,
            "db_tablespace": klass._meta.db_tablespace,
            "unique_together": (from_lower, to_lower),
            "verbose_name": f"{from_lower}-{to_lower} relationship",
            "verbose_name_plural": f"{from_lower}-{to_lower} relationships",
            "apps": field.model._meta.apps,
        },
    )
    return ModelBase(
        name,
        (Model,),
        {
            "Meta": meta,
            "__module__": klass.__module__,
            from_lower: ForeignKey(
                klass,
                related_name=f"{name}+",
                db_tablespace=field.db_tablespace,
                db_constraint=field.remote_field.db_constraint,
                on_delete=_deletion.CASCADE,
            ),
            to_lower: ForeignKey(
                to,
                related_name=f"{name}+",
                db_tablespace=field.db_tablespace,
                db_constraint=field.remote_field.db_constraint,
                on_delete=_deletion.CASCADE,
            ),
        },
    )


def _set_managed(model, related, field):
    field.remote_field.through._meta.managed = True


class ManyToManyField(RelatedField):
    """A many-to-many relation through an auto-created or explicit table."""

    many_to_many = True
    many_to_one = False
    one_to_many = False
    one_to_one = False
    rel_class = ManyToManyRel
    description = "Many-to-many relationship"

    def __init__(
        self,
        to,
        related_name=None,
        related_query_name=None,
        limit_choices_to=None,
        symmetrical=None,
        through=None,
        through_fields=None,
        db_constraint=True,
        db_table=None,
        **kwargs,
    ):
        if not isinstance(to, str) and not hasattr(to, "_meta"):
            raise TypeError(
                f"{type(self).__name__}({to!r}) is invalid. First parameter to "
                f"{type(self).__name__} must be either a model, a model name, or the "
                f"string {RECURSIVE_RELATIONSHIP_CONSTANT!r}"
            )
        if symmetrical is None:
            symmetrical = to == RECURSIVE_RELATIONSHIP_CONSTANT
        if through is not None and db_table is not None:
            raise ValueError(
                "Cannot specify a db_table if an intermediary model is used."
            )
        kwargs["rel"] = self.rel_class(
            self,
            to,
            related_name=related_name,
            related_query_name=related_query_name,
            limit_choices_to=limit_choices_to,
            symmetrical=symmetrical,
            through=through,
            through_fields=through_fields,
            db_constraint=db_constraint,
        )
        self.has_null_arg = "null" in kwargs
        super().__init__(**kwargs)
        self.db_table = db_table
        self.swappable = False

    def get_attname_column(self):
        # No column: the relation lives in the through table.
        return self.get_attname(), None

    def set_attributes_from_name(self, name):
        super().set_attributes_from_name(name)
        self.column = None
        self.concrete = False

    def _get_m2m_db_table(self, opts) -> str:
        if self.remote_field.through is not None and not isinstance(
            self.remote_field.through, str
        ):
            return self.remote_field.through._meta.db_table
        if self.db_table:
            return self.db_table
        return f"{opts.db_table}_{self.name}"[:63]

    def contribute_to_class(self, cls, name, **kwargs):
        if self.remote_field.symmetrical and (
            self.remote_field.model == RECURSIVE_RELATIONSHIP_CONSTANT
            or self.remote_field.model == cls._meta.object_name
        ):
            self.remote_field.related_name = f"{name}_rel_+"
        elif self.remote_field.is_hidden():
            self.remote_field.related_name = (
                f"_{cls._meta.app_label}_{cls.__name__.lower()}_{name}_+"
            )
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            if self.remote_field.through:

                def resolve_through_model(_, model, field):
                    field.remote_field.through = model

                lazy_related_operation(
                    resolve_through_model, cls, self.remote_field.through, field=self
                )
            else:
                self.remote_field.through = create_many_to_many_intermediary_model(
                    self, cls
                )
        setattr(cls, self.name, ManyToManyDescriptor(self.remote_field, reverse=False))
        self.m2m_db_table = lambda: self._get_m2m_db_table(cls._meta)

    def contribute_to_related_class(self, cls, related):
        if (
            not self.remote_field.is_hidden()
            and not related.related_model._meta.swapped
        ):
            setattr(
                cls,
                related.get_accessor_name(),
                ManyToManyDescriptor(self.remote_field, reverse=True),
            )
        cls._meta._expire_cache()
        self.model._meta._expire_cache()

    def do_related_class(self, other, cls):
        self.set_attributes_from_rel()
        self.contribute_to_related_class(other, self.remote_field)

    def set_attributes_from_rel(self):
        if self.verbose_name is None:
            self.verbose_name = self.name.replace("_", " ")

    def _get_m2m_attr(self, related, attr):
        """Return ``attr`` of the through FK that points at the source model."""
        cache_attr = f"_m2m_{attr}_cache"
        if hasattr(self, cache_attr):
            return getattr(self, cache_attr)
        through = self.remote_field.through
        if self.remote_field.through_fields is not None:
            link_field_name = self.remote_field.through_fields[0]
        else:
            link_field_name = None
        for f in through._meta.fields:
            if (
                f.is_relation
                and f.remote_field.model == related.related_model
                and (link_field_name is None or link_field_name == f.name)
            ):
                setattr(self, cache_attr, getattr(f, attr))
                return getattr(self, cache_attr)
        raise exceptions.FieldError(f"No link to {related.related_model} in {through}")

    def _get_m2m_reverse_attr(self, related, attr):
        """Return ``attr`` of the through FK that points at the target model."""
        cache_attr = f"_m2m_reverse_{attr}_cache"
        if hasattr(self, cache_attr):
            return getattr(self, cache_attr)
        found = False
        through = self.remote_field.through
        if self.remote_field.through_fields is not None:
            link_field_name = self.remote_field.through_fields[1]
        else:
            link_field_name = None
        for f in through._meta.fields:
            if f.is_relation and f.remote_field.model == related.model:
                if link_field_name is None and related.related_model == related.model:
                    # Self-referential: the first FK is the source, the second
                    # the target.
                    if found:
                        setattr(self, cache_attr, getattr(f, attr))
                        break
                    found = True
                elif link_field_name is None or link_field_name == f.name:
                    setattr(self, cache_attr, getattr(f, attr))
                    break
        return getattr(self, cache_attr)

    def m2m_field_name(self):
        return self._get_m2m_attr(self.remote_field, "name")

    def m2m_reverse_field_name(self):
        return self._get_m2m_reverse_attr(self.remote_field, "name")

    def m2m_column_name(self):
        return self._get_m2m_attr(self.remote_field, "column")

    def m2m_reverse_name(self):
        return self._get_m2m_reverse_attr(self.remote_field, "column")

    def m2m_target_field_name(self):
        return self._get_m2m_attr(self.remote_field, "target_field").name

    def m2m_reverse_target_field_name(self):
        return self._get_m2m_reverse_attr(self.remote_field, "target_field").name

    def _get_path_info(self, direct=False, filtered_relation=None):
        int_model = self.remote_field.through
        linkfield1 = int_model._meta.get_field(self.m2m_field_name())
        linkfield2 = int_model._meta.get_field(self.m2m_reverse_field_name())
        if direct:
            join1infos = linkfield1.reverse_path_infos
            join2infos = linkfield2.get_path_info(filtered_relation)
        else:
            join1infos = linkfield2.reverse_path_infos
            join2infos = linkfield1.get_path_info(filtered_relation)
        return [*join1infos, *join2infos]

    def get_path_info(self, filtered_relation=None):
        return self._get_path_info(direct=True, filtered_relation=filtered_relation)

    @cached_property
    def path_infos(self):
        return self.get_path_info()

    def get_reverse_path_info(self, filtered_relation=None):
        return self._get_path_info(direct=False, filtered_relation=filtered_relation)

    @cached_property
    def reverse_path_infos(self):
        return self.get_reverse_path_info()

    def db_type(self, connection):
        return None

    def db_parameters(self, connection):
        return {"type": None, "check": None}

    def value_from_object(self, obj):
        return [] if obj.pk is None else list(getattr(obj, self.attname).all())

    def save_form_data(self, instance, data):
        getattr(instance, self.attname).set(data)

    def get_default(self):
        return NOT_PROVIDED
