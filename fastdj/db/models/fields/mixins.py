"""Per-instance cache of related objects, shared by fields and reverse relations."""

NOT_PROVIDED = object()


class FieldCacheMixin:
    """Store a related object in ``instance._state.fields_cache[cache_name]``."""

    @property
    def cache_name(self) -> str:
        return self.get_cache_name()

    def get_cache_name(self) -> str:
        raise NotImplementedError

    def get_cached_value(self, instance, default=NOT_PROVIDED):
        try:
            return instance._state.fields_cache[self.cache_name]
        except KeyError:
            if default is NOT_PROVIDED:
                raise
            return default

    def is_cached(self, instance) -> bool:
        return self.cache_name in instance._state.fields_cache

    def set_cached_value(self, instance, value) -> None:
        instance._state.fields_cache[self.cache_name] = value

    def delete_cached_value(self, instance) -> None:
        del instance._state.fields_cache[self.cache_name]
