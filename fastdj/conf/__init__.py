"""Lazily configured settings, as ``django.conf.settings``.

Settings come from the module named by ``FASTDJ_SETTINGS_MODULE`` or from
``settings.configure(**options)``, over the defaults in ``global_settings``.
"""

from __future__ import annotations

import codecs
import importlib
import os

from fastdj.conf import global_settings
from fastdj.core.exceptions import ImproperlyConfigured

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "LazySettings",
    "SettingNotDefined",
    "Settings",
    "settings",
]

ENVIRONMENT_VARIABLE = "FASTDJ_SETTINGS_MODULE"

# setting -> (accepted types, human description); checked once at configure time
# so a wrong type fails at start-up naming the setting, not deep inside a request.
_TYPES = {
    "DEBUG": (bool, "a bool"),
    "ALLOWED_HOSTS": ((list, tuple), "a list or tuple of host names"),
    "MIDDLEWARE": ((list, tuple), "a list or tuple of dotted paths"),
    "INSTALLED_APPS": ((list, tuple), "a list or tuple of dotted paths"),
    "DATABASES": (dict, "a dict of database aliases"),
    "TEMPLATES": ((list, tuple), "a list of template engine dicts"),
    "DATA_UPLOAD_MAX_MEMORY_SIZE": ((int, type(None)), "an int or None"),
    "DATA_UPLOAD_MAX_NUMBER_FIELDS": ((int, type(None)), "an int or None"),
    "DATA_UPLOAD_MAX_NUMBER_FILES": ((int, type(None)), "an int or None"),
    "FILE_UPLOAD_MAX_MEMORY_SIZE": (int, "an int"),
    "DEFAULT_CHARSET": (str, "a str"),
    "APPEND_SLASH": (bool, "a bool"),
    "SECRET_KEY": (str, "a str"),
    "ROOT_URLCONF": ((str, type(None)), "a dotted module path"),
}


# Sizes and counts: a negative one would refuse every request, not limit it.
_NON_NEGATIVE = frozenset(
    {
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS",
        "DATA_UPLOAD_MAX_NUMBER_FILES",
        "FILE_UPLOAD_MAX_MEMORY_SIZE",
    }
)


def _check(name: str, value) -> None:
    expected = _TYPES.get(name)
    if expected is None:
        return
    if not isinstance(value, expected[0]) or (
        # bool is an int; a size of True is a mistake, not a size.
        expected[0] is not bool and isinstance(value, bool)
    ):
        raise ImproperlyConfigured(
            f"The {name} setting must be {expected[1]}, not {type(value).__name__}."
        )
    if name in _NON_NEGATIVE and value is not None and value < 0:
        raise ImproperlyConfigured(f"The {name} setting must not be negative.")
    if name == "DEFAULT_CHARSET":
        # Checked here, not when the first response fails to encode.
        try:
            codecs.lookup(value)
        except LookupError:
            raise ImproperlyConfigured(
                f"The DEFAULT_CHARSET setting must name a known codec, not {value!r}."
            ) from None


class SettingNotDefined(ImproperlyConfigured, AttributeError):
    """A setting that is neither a default nor configured.

    It is ImproperlyConfigured, naming the setting; it is also an
    AttributeError, as in Django, so that ``getattr(settings, "NAME", default)``
    and ``hasattr(settings, "NAME")`` work for optional settings.
    """


class Settings:
    """Settings read from a module, over the global defaults."""

    def __init__(self, settings_module: str | None = None, **options):
        for name in dir(global_settings):
            if name.isupper():
                setattr(self, name, getattr(global_settings, name))
        self.SETTINGS_MODULE = settings_module
        if settings_module:
            try:
                mod = importlib.import_module(settings_module)
            except ImportError as exc:
                raise ImproperlyConfigured(
                    f"{ENVIRONMENT_VARIABLE}={settings_module!r} cannot be "
                    f"imported: {exc}"
                ) from exc
            options = {n: getattr(mod, n) for n in dir(mod) if n.isupper()} | options
        for name, value in options.items():
            if not name.isupper():
                raise TypeError(f"Setting {name!r} must be uppercase.")
            _check(name, value)
            setattr(self, name, value)
        if not self.DEBUG and not self.SECRET_KEY and settings_module:
            # As Django: a production project without a key is misconfigured.
            raise ImproperlyConfigured("The SECRET_KEY setting must not be empty.")


class LazySettings:
    """Proxy that loads settings on first attribute access."""

    def __init__(self):
        self.__dict__["_wrapped"] = None

    def _setup(self, name: str | None = None) -> None:
        module = os.environ.get(ENVIRONMENT_VARIABLE)
        if not module:
            desc = f"setting {name}" if name else "settings"
            raise ImproperlyConfigured(
                f"Requested {desc}, but settings are not configured. Define the "
                f"environment variable {ENVIRONMENT_VARIABLE} or call "
                "settings.configure() before accessing settings."
            )
        self.__dict__["_wrapped"] = Settings(module)

    def __getattr__(self, name: str):
        if self._wrapped is None:
            self._setup(name)
        try:
            value = getattr(self._wrapped, name)
        except AttributeError:
            raise SettingNotDefined(f"The {name} setting is not defined.") from None
        # Cache on the proxy so later reads skip __getattr__ entirely.
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value) -> None:
        if name == "_wrapped":
            self.__dict__.clear()
            self.__dict__["_wrapped"] = value
            return
        if self._wrapped is None:
            self._setup(name)
        _check(name, value)
        self.__dict__.pop(name, None)
        setattr(self._wrapped, name, value)

    def __delattr__(self, name: str) -> None:
        if self._wrapped is None:
            self._setup(name)
        self.__dict__.pop(name, None)
        delattr(self._wrapped, name)

    def configure(self, **options) -> None:
        """Configure settings from keyword arguments instead of a module."""
        if self._wrapped is not None:
            raise RuntimeError("Settings already configured.")
        self._wrapped = Settings(None, **options)

    @property
    def configured(self) -> bool:
        """Return True once settings have been loaded or configured."""
        return self._wrapped is not None


settings = LazySettings()

# The proxy's own __dict__, where ``settings.NAME`` finds a value once read
# (LazySettings.__getattr__ stores it there; a change to settings empties it,
# the same dict). A read through the proxy always passes its __getattr__ hook,
# which costs several dict lookups: the settings read on every request or
# query are taken from here, falling back to the proxy when not cached.
_settings_cache = object.__getattribute__(settings, "__dict__")
