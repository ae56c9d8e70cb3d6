"""Test helpers: override_settings."""

from __future__ import annotations

import functools
import inspect

from fastdj.conf import settings
from fastdj.core.signals import setting_changed
from fastdj.test._queries import CaptureQueriesContext

__all__ = ["CaptureQueriesContext", "override_settings"]

_MISSING = object()


class override_settings:
    """Override settings inside a ``with`` block or a decorated function or class.

    Each change sends ``setting_changed`` so that caches built from a setting
    (URL resolvers, the handler's middleware chain) can drop themselves.
    """

    def __init__(self, **options):
        self.options = options
        self._saved: dict[str, object] = {}

    def enable(self) -> None:
        """Apply the overrides."""
        for name, value in self.options.items():
            self._saved[name] = getattr(settings._wrapped, name, _MISSING)
            setattr(settings, name, value)
            setting_changed.send(
                sender=settings._wrapped.__class__,
                setting=name,
                value=value,
                enter=True,
            )

    def disable(self) -> None:
        """Restore the settings as they were before enable()."""
        for name, old in self._saved.items():
            if old is _MISSING:
                delattr(settings, name)
            else:
                setattr(settings, name, old)
            setting_changed.send(
                sender=settings._wrapped.__class__,
                setting=name,
                value=None if old is _MISSING else old,
                enter=False,
            )
        self._saved = {}

    def __enter__(self):
        self.enable()
        return self

    def __exit__(self, *exc_info):
        self.disable()

    def __call__(self, obj):
        if inspect.isclass(obj):
            for name, attr in list(vars(obj).items()):
                if name.startswith("test") and callable(attr):
                    setattr(obj, name, self.__class__(**self.options)(attr))
            return obj

        @functools.wraps(obj)
        def wrapper(*args, **kwargs):
            with self.__class__(**self.options):
                return obj(*args, **kwargs)

        return wrapper
