"""Descriptors and managers behind relation attributes.

``book.author`` (ForwardManyToOneDescriptor), ``author.book_set``
(ReverseManyToOneDescriptor -> a RelatedManager), ``place.restaurant``
(ReverseOneToOneDescriptor) and ``book.tags`` / ``tag.book_set``
(ManyToManyDescriptor -> a ManyRelatedManager with add/remove/set/clear).
"""

from __future__ import annotations

from functools import cached_property

from fastdj.core.exceptions import FieldError
from fastdj.db.models import signals
from fastdj.db.models.query_utils import DeferredAttribute

__all__ = [
    "ForeignKeyDeferredAttribute",
    "ForwardManyToOneDescriptor",
    "ForwardOneToOneDescriptor",
    "ManyToManyDescriptor",
    "ReverseManyToOneDescriptor",
    "ReverseOneToOneDescriptor",
    "create_forward_many_to_many_manager",
    "create_reverse_many_to_one_manager",
]


def _router_db(instance, default="default"):
    return instance._state.db or default


class ForeignKeyDeferredAttribute(DeferredAttribute):
    """``book.author_id``: setting a new id drops the cached ``book.author``."""

    def __set__(self, instance, value):
        data = instance.__dict__
        name = self.field.attname
        if data.get(name) != value and self.field.is_cached(instance):
            self.field.delete_cached_value(instance)
        data[name] = value


class ForwardManyToOneDescriptor:
    """``book.author``: fetch (once) and cache the related object."""

    def __init__(self, field_with_rel):
        self.field = field_with_rel

    @cached_property
    def RelatedObjectDoesNotExist(self):  # noqa: N802 - an exception class
        return type(
            "RelatedObjectDoesNotExist",
            (self.field.remote_field.model.DoesNotExist, AttributeError),
            {
                "__module__": self.field.model.__module__,
                "__qualname__": f"{self.field.model.__qualname__}."
                f"{self.field.name}.RelatedObjectDoesNotExist",
            },
        )

    def is_cached(self, instance) -> bool:
        return self.field.is_cached(instance)

    def get_queryset(self, **hints):
        return self.field.remote_field.model._base_manager.db_manager(hints=hints).all()

    def get_prefetch_querysets(self, instances, querysets=None):
        """Return the tuple prefetch_related_objects() expects for this relation."""
        if querysets and len(querysets) != 1:
            raise ValueError(
                "querysets argument of get_prefetch_querysets() should "
                "have a length of 1."
            )
        queryset = querysets[0] if querysets else self.get_queryset()
        _add_hints(queryset, instance=instances[0])
        rel_obj_attr = self.field.get_foreign_related_value
        instance_attr = self.field.get_local_related_value
        instances_dict = {instance_attr(inst): inst for inst in instances}
        related_field = self.field.foreign_related_fields[0]
        remote_field = self.field.remote_field
        query = {
            f"{related_field.name}__in": {instance_attr(inst)[0] for inst in instances}
        }
        queryset = queryset.filter(**query)
        if not remote_field.multiple:
            for rel_obj in queryset:
                instance = instances_dict[rel_obj_attr(rel_obj)]
                remote_field.set_cached_value(rel_obj, instance)
        return (
            queryset,
            rel_obj_attr,
            instance_attr,
            True,
            self.field.cache_name,
            False,
        )

    def get_prefetch_queryset(self, instances, queryset=None):
        return self.get_prefetch_querysets(
            instances, [queryset] if queryset is not None else None
        )

    def get_object(self, instance):
        qs = self.get_queryset(instance=instance)
        return qs.get(
            **{self.field.target_field.attname: getattr(instance, self.field.attname)}
        )

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        try:
            rel_obj = self.field.get_cached_value(instance)
        except KeyError:
            value = getattr(instance, self.field.attname)
            rel_obj = None if value is None else self.get_object(instance)
            remote_field = self.field.remote_field
            if rel_obj is not None and not remote_field.multiple:
                remote_field.set_cached_value(rel_obj, instance)
            self.field.set_cached_value(instance, rel_obj)
        if rel_obj is None and not self.field.null:
            raise self.RelatedObjectDoesNotExist(
                f"{self.field.model.__name__} has no {self.field.name}."
            )
        return rel_obj

    def __set__(self, instance, value):
        remote_model = self.field.remote_field.model
        if value is not None and not isinstance(
            value, remote_model._meta.concrete_model
        ):
            raise ValueError(
                f'Cannot assign "{value!r}": "{instance._meta.object_name}.'
                f'{self.field.name}" must be a "{remote_model._meta.object_name}" '
                "instance."
            )
        remote_field = self.field.remote_field
        if value is None:
            related = self.field.get_cached_value(instance, default=None)
            if related is not None and not remote_field.multiple:
                remote_field.set_cached_value(related, None)
            for lh_field, _ in self.field.related_fields:
                instance.__dict__[lh_field.attname] = None
        else:
            for lh_field, rh_field in self.field.related_fields:
                instance.__dict__[lh_field.attname] = getattr(value, rh_field.attname)
        self.field.set_cached_value(instance, value)
        if value is not None and not remote_field.multiple:
            remote_field.set_cached_value(value, instance)

    def __reduce__(self):
        return getattr, (self.field.model, self.field.name)


class ForwardOneToOneDescriptor(ForwardManyToOneDescriptor):
    """``restaurant.place`` for a OneToOneField."""


class ReverseOneToOneDescriptor:
    """``place.restaurant``: the single object whose OneToOneField points here."""

    def __init__(self, related):
        self.related = related

    @cached_property
    def RelatedObjectDoesNotExist(self):  # noqa: N802
        return type(
            "RelatedObjectDoesNotExist",
            (self.related.related_model.DoesNotExist, AttributeError),
            {
                "__module__": self.related.model.__module__,
                "__qualname__": f"{self.related.model.__qualname__}."
                f"{self.related.name}.RelatedObjectDoesNotExist",
            },
        )

    def is_cached(self, instance):
        return self.related.is_cached(instance)

    def get_queryset(self, **hints):
        return self.related.related_model._base_manager.db_manager(
            _hinted_db(hints), hints=hints
        ).all()

    def get_prefetch_querysets(self, instances, querysets=None):
        queryset = querysets[0] if querysets else self.get_queryset()
        field = self.related.field
        rel_obj_attr = field.get_local_related_value
        instance_attr = field.get_foreign_related_value
        instances_dict = {instance_attr(inst): inst for inst in instances}
        queryset = queryset.filter(
            **{f"{field.attname}__in": [instance_attr(i)[0] for i in instances]}
        )
        for rel_obj in queryset:
            instance = instances_dict[rel_obj_attr(rel_obj)]
            field.set_cached_value(rel_obj, instance)
        return (
            queryset,
            rel_obj_attr,
            instance_attr,
            True,
            self.related.cache_name,
            False,
        )

    def get_prefetch_queryset(self, instances, queryset=None):
        return self.get_prefetch_querysets(
            instances, [queryset] if queryset is not None else None
        )

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        try:
            rel_obj = self.related.get_cached_value(instance)
        except KeyError:
            if instance.pk is None:
                rel_obj = None
            else:
                try:
                    rel_obj = self.get_queryset(instance=instance).get(
                        **{self.related.field.name: instance}
                    )
                except self.related.related_model.DoesNotExist:
                    rel_obj = None
                else:
                    self.related.field.set_cached_value(rel_obj, instance)
            self.related.set_cached_value(instance, rel_obj)
        if rel_obj is None:
            raise self.RelatedObjectDoesNotExist(
                f"{instance.__class__.__name__} has no "
                f"{self.related.get_accessor_name()}."
            )
        return rel_obj

    def __set__(self, instance, value):
        if value is None:
            rel_obj = self.related.get_cached_value(instance, default=None)
            if rel_obj is not None:
                self.related.delete_cached_value(instance)
                setattr(rel_obj, self.related.field.name, None)
        elif not isinstance(value, self.related.related_model):
            raise ValueError(
                f'Cannot assign "{value!r}": "{instance._meta.object_name}.'
                f'{self.related.get_accessor_name()}" must be a '
                f'"{self.related.related_model._meta.object_name}" instance.'
            )
        else:
            for lh_field, rh_field in self.related.field.related_fields:
                setattr(value, lh_field.attname, getattr(instance, rh_field.attname))
            self.related.set_cached_value(instance, value)
            self.related.field.set_cached_value(value, instance)

    def __reduce__(self):
        return getattr, (self.related.model, self.related.name)


class ReverseManyToOneDescriptor:
    """``author.book_set``: a manager of the objects whose FK points here."""

    def __init__(self, rel):
        self.rel = rel
        self.field = rel.field

    @cached_property
    def related_manager_cls(self):
        related_model = self.rel.related_model
        return create_reverse_many_to_one_manager(
            related_model._default_manager.__class__, self.rel
        )

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        return self.related_manager_cls(instance)

    def _get_set_deprecation_msg_params(self):
        return ("reverse side of a related set", self.rel.get_accessor_name())

    def __set__(self, instance, value):
        side, accessor = self._get_set_deprecation_msg_params()
        raise TypeError(
            f"Direct assignment to the {side} is prohibited. Use {accessor}.set() "
            "instead."
        )


def _check_fk_val(manager):
    for field in manager.field.foreign_related_fields:
        if getattr(manager.instance, field.attname) is None:
            raise ValueError(
                f'"{manager.instance!r}" needs to have a value for field '
                f'"{field.attname}" before this relationship can be used.'
            )


def create_reverse_many_to_one_manager(superclass, rel):
    """Return the manager class of the reverse side of a ForeignKey."""

    class RelatedManager(superclass):
        def __init__(self, instance):
            super().__init__()
            self.instance = instance
            self.model = rel.related_model
            self.field = rel.field
            self.core_filters = {self.field.name: instance}

        def __call__(self, *, manager):
            manager = getattr(self.model, manager)
            manager_class = create_reverse_many_to_one_manager(manager.__class__, rel)
            return manager_class(self.instance)

        def _check_fk_val(self):
            _check_fk_val(self)

        def _apply_rel_filters(self, queryset):
            _add_hints(queryset, instance=self.instance)
            queryset = queryset.using(self._db or _router_db(self.instance))
            queryset = queryset.filter(**self.core_filters)
            for field in self.field.foreign_related_fields:
                val = getattr(self.instance, field.attname)
                if val is None or (val == "" and False):
                    return queryset.none()
            try:
                target_field = self.field.target_field
            except FieldError:
                rel_obj_id = tuple(
                    getattr(self.instance, t.attname)
                    for t in self.field.foreign_related_fields
                )
            else:
                rel_obj_id = getattr(self.instance, target_field.attname)
            if hasattr(queryset, "_known_related_objects"):
                queryset._known_related_objects = {
                    self.field: {rel_obj_id: self.instance}
                }
            return queryset

        def _remove_prefetched_objects(self):
            try:
                self.instance._prefetched_objects_cache.pop(
                    self.field.remote_field.get_cache_name()
                )
            except (AttributeError, KeyError):
                pass

        def get_queryset(self):
            if self.instance.pk is None:
                raise ValueError(
                    f"{self.instance.__class__.__name__!r} instance needs to have a "
                    "primary key value before this relationship can be used."
                )
            try:
                return self.instance._prefetched_objects_cache[
                    self.field.remote_field.get_cache_name()
                ]
            except (AttributeError, KeyError):
                queryset = super().get_queryset()
                return self._apply_rel_filters(queryset)

        def get_prefetch_querysets(self, instances, querysets=None):
            queryset = querysets[0] if querysets else super().get_queryset()
            _add_hints(queryset, instance=instances[0])
            queryset = queryset.using(queryset._db or _router_db(instances[0]))
            rel_obj_attr = self.field.get_local_related_value
            instance_attr = self.field.get_foreign_related_value
            instances_dict = {instance_attr(inst): inst for inst in instances}
            queryset = queryset.filter(
                **{
                    f"{self.field.attname}__in": [
                        instance_attr(i)[0] for i in instances
                    ]
                }
            )
            for rel_obj in queryset:
                if not self.field.is_cached(rel_obj):
                    instance = instances_dict[rel_obj_attr(rel_obj)]
                    setattr(rel_obj, self.field.name, instance)
            cache_name = self.field.remote_field.get_cache_name()
            return queryset, rel_obj_attr, instance_attr, False, cache_name, False

        def get_prefetch_queryset(self, instances, queryset=None):
            return self.get_prefetch_querysets(
                instances, [queryset] if queryset is not None else None
            )

        def add(self, *objs, bulk=True):
            self._check_fk_val()
            self._remove_prefetched_objects()
            db = self._db or _router_db(self.instance)

            def check_and_update_obj(obj):
                if not isinstance(obj, self.model):
                    raise TypeError(
                        f"'{self.model._meta.object_name}' instance expected, got "
                        f"{obj!r}"
                    )
                setattr(obj, self.field.name, self.instance)

            if bulk:
                pks = []
                for obj in objs:
                    check_and_update_obj(obj)
                    if obj._state.adding or obj._state.db != db:
                        raise ValueError(
                            f"{obj!r} instance isn't saved. Use bulk=False or save "
                            "the object first."
                        )
                    pks.append(obj.pk)
                self.model._base_manager.using(db).filter(pk__in=pks).update(
                    **{self.field.name: self.instance}
                )
            else:
                from fastdj.db import transaction

                with transaction.atomic(using=db, savepoint=False):
                    for obj in objs:
                        check_and_update_obj(obj)
                        obj.save()

        add.alters_data = True

        def create(self, **kwargs):
            self._check_fk_val()
            self._remove_prefetched_objects()
            kwargs[self.field.name] = self.instance
            db = self._db or _router_db(self.instance)
            return super(RelatedManager, self.db_manager(db)).create(**kwargs)

        create.alters_data = True

        def get_or_create(self, **kwargs):
            self._check_fk_val()
            kwargs[self.field.name] = self.instance
            db = self._db or _router_db(self.instance)
            return super(RelatedManager, self.db_manager(db)).get_or_create(**kwargs)

        get_or_create.alters_data = True

        def update_or_create(self, **kwargs):
            self._check_fk_val()
            kwargs[self.field.name] = self.instance
            db = self._db or _router_db(self.instance)
            return super(RelatedManager, self.db_manager(db)).update_or_create(**kwargs)

        update_or_create.alters_data = True

        if rel.field.null:

            def remove(self, *objs, bulk=True):
                if not objs:
                    return
                self._check_fk_val()
                val = self.field.get_foreign_related_value(self.instance)
                old_ids = set()
                for obj in objs:
                    if not isinstance(obj, self.model):
                        raise TypeError(
                            f"'{self.model._meta.object_name}' instance expected, "
                            f"got {obj!r}"
                        )
                    if self.field.get_local_related_value(obj) == val:
                        old_ids.add(obj.pk)
                    else:
                        raise self.field.remote_field.model.DoesNotExist(
                            f"{obj!r} is not related to {self.instance!r}."
                        )
                self._clear(self.filter(pk__in=old_ids), bulk)

            remove.alters_data = True

            def clear(self, *, bulk=True):
                self._check_fk_val()
                self._clear(self, bulk)

            clear.alters_data = True

            def _clear(self, queryset, bulk):
                self._remove_prefetched_objects()
                db = self._db or _router_db(self.instance)
                queryset = queryset.using(db)
                if bulk:
                    queryset.update(**{self.field.name: None})
                else:
                    from fastdj.db import transaction

                    with transaction.atomic(using=db, savepoint=False):
                        for obj in queryset:
                            setattr(obj, self.field.name, None)
                            obj.save(update_fields=[self.field.name])

            _clear.alters_data = True

        def set(self, objs, *, bulk=True, clear=False):
            self._check_fk_val()
            objs = tuple(objs)
            if self.field.null:
                db = self._db or _router_db(self.instance)
                from fastdj.db import transaction

                with transaction.atomic(using=db, savepoint=False):
                    if clear:
                        self.clear(bulk=bulk)
                        self.add(*objs, bulk=bulk)
                    else:
                        old_objs = set(self.using(db).all())
                        new_objs = []
                        for obj in objs:
                            if obj in old_objs:
                                old_objs.remove(obj)
                            else:
                                new_objs.append(obj)
                        self.remove(*old_objs, bulk=bulk)
                        self.add(*new_objs, bulk=bulk)
            else:
                self.add(*objs, bulk=bulk)

        set.alters_data = True

    return RelatedManager


class ManyToManyDescriptor(ReverseManyToOneDescriptor):
    """``book.tags`` and ``tag.book_set``: a ManyRelatedManager."""

    def __init__(self, rel, reverse=False):
        super().__init__(rel)
        self.reverse = reverse

    @property
    def through(self):
        return self.rel.through

    @cached_property
    def related_manager_cls(self):
        related_model = self.rel.related_model if self.reverse else self.rel.model
        return create_forward_many_to_many_manager(
            related_model._default_manager.__class__, self.rel, reverse=self.reverse
        )

    def _get_set_deprecation_msg_params(self):
        return (
            "%s side of a many-to-many set"
            % ("reverse" if self.reverse else "forward"),
            self.rel.get_accessor_name() if self.reverse else self.field.name,
        )


def create_forward_many_to_many_manager(superclass, rel, reverse):
    """Return the manager class of one side of a ManyToManyField."""

    class ManyRelatedManager(superclass):
        def __init__(self, instance=None):
            super().__init__()
            self.instance = instance
            if not reverse:
                self.model = rel.model
                self.query_field_name = rel.field.related_query_name()
                self.prefetch_cache_name = rel.field.name
                self.source_field_name = rel.field.m2m_field_name()
                self.target_field_name = rel.field.m2m_reverse_field_name()
                self.symmetrical = rel.symmetrical
            else:
                self.model = rel.related_model
                self.query_field_name = rel.field.name
                self.prefetch_cache_name = rel.field.related_query_name()
                self.source_field_name = rel.field.m2m_reverse_field_name()
                self.target_field_name = rel.field.m2m_field_name()
                self.symmetrical = False
            self.through = rel.through
            self.reverse = reverse
            self.source_field = self.through._meta.get_field(self.source_field_name)
            self.target_field = self.through._meta.get_field(self.target_field_name)
            self.core_filters = {}
            self.pk_field_names = {}
            for lh_field, rh_field in self.source_field.related_fields:
                core_filter_key = f"{self.query_field_name}__{rh_field.name}"
                self.core_filters[core_filter_key] = getattr(instance, rh_field.attname)
                self.pk_field_names[lh_field.name] = rh_field.name
            self.related_val = self.source_field.get_foreign_related_value(instance)
            if None in self.related_val:
                raise ValueError(
                    f'"{instance!r}" needs to have a value for field '
                    f'"{self.pk_field_names[self.source_field_name]}" before this '
                    "many-to-many relationship can be used."
                )
            if instance.pk is None:
                raise ValueError(
                    f"{instance.__class__.__name__!r} instance needs to have a "
                    "primary key value before a many-to-many relationship can be used."
                )

        def __call__(self, *, manager):
            manager = getattr(self.model, manager)
            manager_class = create_forward_many_to_many_manager(
                manager.__class__, rel, reverse
            )
            return manager_class(instance=self.instance)

        def _db_for(self):
            return self._db or _router_db(self.instance)

        def _apply_rel_filters(self, queryset):
            _add_hints(queryset, instance=self.instance)
            queryset = queryset.using(self._db or _router_db(self.instance))
            return _sticky(queryset).filter(**self.core_filters)

        def _remove_prefetched_objects(self):
            try:
                self.instance._prefetched_objects_cache.pop(self.prefetch_cache_name)
            except (AttributeError, KeyError):
                pass

        def get_queryset(self):
            try:
                return self.instance._prefetched_objects_cache[self.prefetch_cache_name]
            except (AttributeError, KeyError):
                queryset = super().get_queryset()
                return self._apply_rel_filters(queryset)

        def get_prefetch_querysets(self, instances, querysets=None):
            """Return the prefetch tuple: one query, joined through the table.

            The filter on the join table's source column and the annotation
            reading it share one join, so each target row comes back once per
            source it belongs to, tagged with that source's key.
            """
            from fastdj.db.models.expressions import F

            queryset = querysets[0] if querysets else super().get_queryset()
            _add_hints(queryset, instance=instances[0])
            queryset = queryset.using(queryset._db or _router_db(instances[0]))
            (_, rh_field), *_ = self.source_field.related_fields
            lookup = f"{self.query_field_name}__{rh_field.name}"
            value_name = f"_prefetch_related_val_{self.source_field.attname}"
            keys = {getattr(inst, rh_field.attname) for inst in instances}
            queryset = _sticky(queryset.filter(**{f"{lookup}__in": keys}))
            queryset = queryset.annotate(**{value_name: F(lookup)})
            return (
                queryset,
                lambda result: (getattr(result, value_name),),
                lambda inst: (getattr(inst, rh_field.attname),),
                False,
                self.prefetch_cache_name,
                False,
            )

        def get_prefetch_queryset(self, instances, queryset=None):
            return self.get_prefetch_querysets(
                instances, [queryset] if queryset is not None else None
            )

        @property
        def constrained_target(self):
            # Ask the join table only, when nothing filters on the target model.
            return None

        def add(self, *objs, through_defaults=None):
            self._remove_prefetched_objects()
            db = self._db_for()
            from fastdj.db import transaction

            with transaction.atomic(using=db, savepoint=False):
                self._add_items(
                    self.source_field_name,
                    self.target_field_name,
                    *objs,
                    through_defaults=through_defaults,
                )
                if self.symmetrical:
                    self._add_items(
                        self.target_field_name,
                        self.source_field_name,
                        *objs,
                        through_defaults=through_defaults,
                    )

        add.alters_data = True

        def remove(self, *objs):
            self._remove_prefetched_objects()
            self._remove_items(self.source_field_name, self.target_field_name, *objs)

        remove.alters_data = True

        def clear(self):
            db = self._db_for()
            from fastdj.db import transaction

            with transaction.atomic(using=db, savepoint=False):
                signals.m2m_changed.send(
                    sender=self.through,
                    action="pre_clear",
                    instance=self.instance,
                    reverse=self.reverse,
                    model=self.model,
                    pk_set=None,
                    using=db,
                )
                self._remove_prefetched_objects()
                filters = self._build_remove_filters(super().get_queryset().using(db))
                self.through._default_manager.using(db).filter(filters).delete()
                signals.m2m_changed.send(
                    sender=self.through,
                    action="post_clear",
                    instance=self.instance,
                    reverse=self.reverse,
                    model=self.model,
                    pk_set=None,
                    using=db,
                )

        clear.alters_data = True

        def set(self, objs, *, clear=False, through_defaults=None):
            objs = tuple(objs)
            db = self._db_for()
            from fastdj.db import transaction

            with transaction.atomic(using=db, savepoint=False):
                if clear:
                    self.clear()
                    self.add(*objs, through_defaults=through_defaults)
                else:
                    old_ids = set(
                        self.using(db).values_list(
                            self.target_field.target_field.attname, flat=True
                        )
                    )
                    new_objs = []
                    for obj in objs:
                        fk_val = (
                            self.target_field.get_foreign_related_value(obj)[0]
                            if isinstance(obj, self.model)
                            else self.target_field.get_prep_value(obj)
                        )
                        if fk_val in old_ids:
                            old_ids.remove(fk_val)
                        else:
                            new_objs.append(obj)
                    self.remove(*old_ids)
                    self.add(*new_objs, through_defaults=through_defaults)

        set.alters_data = True

        def create(self, *, through_defaults=None, **kwargs):
            db = self._db_for()
            new_obj = super(ManyRelatedManager, self.db_manager(db)).create(**kwargs)
            self.add(new_obj, through_defaults=through_defaults)
            return new_obj

        create.alters_data = True

        def get_or_create(self, *, through_defaults=None, **kwargs):
            db = self._db_for()
            obj, created = super(ManyRelatedManager, self.db_manager(db)).get_or_create(
                **kwargs
            )
            if created:
                self.add(obj, through_defaults=through_defaults)
            return obj, created

        get_or_create.alters_data = True

        def update_or_create(self, *, through_defaults=None, **kwargs):
            db = self._db_for()
            obj, created = super(
                ManyRelatedManager, self.db_manager(db)
            ).update_or_create(**kwargs)
            if created:
                self.add(obj, through_defaults=through_defaults)
            return obj, created

        update_or_create.alters_data = True

        def _build_remove_filters(self, removed_vals):
            from fastdj.db.models.query_utils import Q

            filters = Q.create([(self.source_field_name, self.related_val[0])])
            removed_vals_filters = (
                not hasattr(removed_vals, "_meta")
                and not hasattr(removed_vals, "query")
            ) or _has_filters(removed_vals)
            if removed_vals_filters:
                filters &= Q.create([(f"{self.target_field_name}__in", removed_vals)])
            if self.symmetrical:
                symmetrical_filters = Q.create(
                    [(self.target_field_name, self.related_val[0])]
                )
                if removed_vals_filters:
                    symmetrical_filters &= Q.create(
                        [(f"{self.source_field_name}__in", removed_vals)]
                    )
                filters |= symmetrical_filters
            return filters

        def _get_target_ids(self, target_field_name, objs):
            target_ids = set()
            target_field = self.through._meta.get_field(target_field_name)
            for obj in objs:
                if isinstance(obj, self.model):
                    target_id = target_field.get_foreign_related_value(obj)[0]
                    if target_id is None:
                        raise ValueError(
                            f'Cannot add "{obj!r}": the value for field '
                            f'"{target_field_name}" is None'
                        )
                    target_ids.add(target_id)
                elif hasattr(obj, "_meta"):
                    raise TypeError(
                        f"'{self.model._meta.object_name}' instance expected, got "
                        f"{obj!r}"
                    )
                else:
                    target_ids.add(target_field.get_prep_value(obj))
            return target_ids

        def _get_missing_target_ids(
            self, source_field_name, target_field_name, db, target_ids
        ):
            vals = (
                self.through._default_manager.using(db)
                .values_list(target_field_name, flat=True)
                .filter(
                    **{
                        source_field_name: self.related_val[0],
                        f"{target_field_name}__in": target_ids,
                    }
                )
            )
            return target_ids.difference(vals)

        def _add_items(
            self, source_field_name, target_field_name, *objs, through_defaults=None
        ):
            if not objs:
                return
            through_defaults = dict(_resolve_callables(through_defaults or {}))
            target_ids = self._get_target_ids(target_field_name, objs)
            db = self._db_for()
            missing_target_ids = self._get_missing_target_ids(
                source_field_name, target_field_name, db, target_ids
            )
            from fastdj.db import transaction

            with transaction.atomic(using=db, savepoint=False):
                signals.m2m_changed.send(
                    sender=self.through,
                    action="pre_add",
                    instance=self.instance,
                    reverse=self.reverse,
                    model=self.model,
                    pk_set=missing_target_ids,
                    using=db,
                )
                self.through._default_manager.using(db).bulk_create(
                    [
                        self.through(
                            **through_defaults,
                            **{
                                f"{source_field_name}_id": self.related_val[0],
                                f"{target_field_name}_id": target_id,
                            },
                        )
                        for target_id in missing_target_ids
                    ],
                )
                signals.m2m_changed.send(
                    sender=self.through,
                    action="post_add",
                    instance=self.instance,
                    reverse=self.reverse,
                    model=self.model,
                    pk_set=missing_target_ids,
                    using=db,
                )

        def _remove_items(self, source_field_name, target_field_name, *objs):
            if not objs:
                return
            old_ids = set()
            for obj in objs:
                if isinstance(obj, self.model):
                    fk_val = self.target_field.get_foreign_related_value(obj)[0]
                    old_ids.add(fk_val)
                else:
                    old_ids.add(obj)
            db = self._db_for()
            from fastdj.db import transaction

            with transaction.atomic(using=db, savepoint=False):
                signals.m2m_changed.send(
                    sender=self.through,
                    action="pre_remove",
                    instance=self.instance,
                    reverse=self.reverse,
                    model=self.model,
                    pk_set=old_ids,
                    using=db,
                )
                target_model_qs = super().get_queryset()
                if _has_filters(target_model_qs):
                    old_vals = target_model_qs.using(db).filter(
                        **{f"{self.target_field.target_field.attname}__in": old_ids}
                    )
                else:
                    old_vals = old_ids
                filters = self._build_remove_filters(old_vals)
                self.through._default_manager.using(db).filter(filters).delete()
                signals.m2m_changed.send(
                    sender=self.through,
                    action="post_remove",
                    instance=self.instance,
                    reverse=self.reverse,
                    model=self.model,
                    pk_set=old_ids,
                    using=db,
                )

    return ManyRelatedManager


def _resolve_callables(mapping):
    for k, v in mapping.items():
        yield k, v() if callable(v) else v


def _hinted_db(hints):
    # The default router: read a related object from its instance's database.
    instance = hints.get("instance")
    if instance is not None:
        return instance._state.db
    return None


def _add_hints(queryset, **hints):
    add = getattr(queryset, "_add_hints", None)
    if add is not None:
        add(**hints)


def _sticky(queryset):
    # Keep the join of the relation filter for the next filter() (Django's
    # multi-valued relation semantics), when the QuerySet supports it.
    sticky = getattr(queryset, "_next_is_sticky", None)
    return sticky() if sticky is not None else queryset


def _has_filters(queryset):
    has = getattr(queryset, "_has_filters", None)
    return True if has is None else bool(has())
