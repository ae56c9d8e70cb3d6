"""Locale-aware formatting of dates, times and numbers (English only).

Lookup follows Django 5.2 with localization always on: a format comes from
the formats module of the active language (FORMAT_MODULE_PATH first, then the
built-in English formats, the same as ``django.conf.locale.en.formats``) and
falls back to the setting of the same name. As in Django, the locale wins
over settings such as DATE_FORMAT; use FORMAT_MODULE_PATH to change them for
English.
"""

import datetime
import decimal
from importlib import import_module

from fastdj.conf import settings
from fastdj.core.signals import setting_changed
from fastdj.utils import dateformat, numberformat

__all__ = [
    "FORMAT_SETTINGS",
    "get_format",
    "date_format",
    "time_format",
    "number_format",
    "localize",
    "reset_format_cache",
]

FORMAT_SETTINGS = frozenset(
    [
        "DECIMAL_SEPARATOR",
        "THOUSAND_SEPARATOR",
        "NUMBER_GROUPING",
        "FIRST_DAY_OF_WEEK",
        "MONTH_DAY_FORMAT",
        "TIME_FORMAT",
        "DATE_FORMAT",
        "DATETIME_FORMAT",
        "SHORT_DATE_FORMAT",
        "SHORT_DATETIME_FORMAT",
        "YEAR_MONTH_FORMAT",
        "DATE_INPUT_FORMATS",
        "TIME_INPUT_FORMATS",
        "DATETIME_INPUT_FORMATS",
    ]
)


class _EnglishFormats:
    # The formats Django ships for "en" (django/conf/locale/en/formats.py).
    DATE_FORMAT = "N j, Y"
    TIME_FORMAT = "P"
    DATETIME_FORMAT = "N j, Y, P"
    YEAR_MONTH_FORMAT = "F Y"
    MONTH_DAY_FORMAT = "F j"
    SHORT_DATE_FORMAT = "m/d/Y"
    SHORT_DATETIME_FORMAT = "m/d/Y P"
    FIRST_DAY_OF_WEEK = 0
    DECIMAL_SEPARATOR = "."
    THOUSAND_SEPARATOR = ","
    NUMBER_GROUPING = 3


_format_cache: dict = {}
_format_modules_cache: dict = {}


def reset_format_cache() -> None:
    """Forget cached formats (after a settings change)."""
    _format_cache.clear()
    _format_modules_cache.clear()


def _on_setting_changed(*, setting, **kwargs):
    if setting in FORMAT_SETTINGS or setting in ("FORMAT_MODULE_PATH", "LANGUAGE_CODE"):
        reset_format_cache()


setting_changed.connect(_on_setting_changed, weak=False)


def _to_locale(language: str) -> str:
    lang, _, country = language.lower().partition("-")
    if not country:
        return lang
    return f"{lang}_{country.upper() if len(country) <= 2 else country.title()}"


def get_format_modules(lang=None) -> list:
    """Return the formats modules for ``lang`` (default: LANGUAGE_CODE)."""
    if lang is None:
        lang = settings.LANGUAGE_CODE
    try:
        return _format_modules_cache[lang]
    except KeyError:
        pass
    locale = _to_locale(lang)
    locales = [locale]
    if "_" in locale:
        locales.append(locale.split("_")[0])
    modules = []
    paths = getattr(settings, "FORMAT_MODULE_PATH", None) or []
    if isinstance(paths, str):
        paths = [paths]
    for path in paths:
        for loc in locales:
            try:
                modules.append(import_module(f"{path}.{loc}.formats"))
            except ImportError:
                pass
    if locales[-1] == "en":
        modules.append(_EnglishFormats)
    _format_modules_cache[lang] = modules
    return modules


def get_format(format_type, lang=None, use_l10n=None):
    """Return the format named ``format_type`` (e.g. "DATE_FORMAT").

    The active language's formats come first (unless ``use_l10n`` is False),
    then settings. A name that is not a format setting is returned as is, so
    a literal format string can be passed.
    """
    if use_l10n is None:
        use_l10n = True
    if use_l10n and lang is None:
        lang = settings.LANGUAGE_CODE
    format_type = str(format_type)
    cache_key = (format_type, lang)
    try:
        return _format_cache[cache_key]
    except KeyError:
        pass
    val = None
    if use_l10n:
        for module in get_format_modules(lang):
            val = getattr(module, format_type, None)
            if val is not None:
                break
    if val is None:
        if format_type not in FORMAT_SETTINGS:
            return format_type
        val = getattr(settings, format_type)
    _format_cache[cache_key] = val
    return val


def date_format(value, format=None, use_l10n=None) -> str:
    """Return the date/datetime ``value`` formatted with a named format.

    ``format`` is a format name (default "DATE_FORMAT") or a format string.
    """
    return dateformat.format(
        value, get_format(format or "DATE_FORMAT", use_l10n=use_l10n)
    )


def time_format(value, format=None, use_l10n=None) -> str:
    """Return the time ``value`` formatted with a named format (TIME_FORMAT)."""
    return dateformat.time_format(
        value, get_format(format or "TIME_FORMAT", use_l10n=use_l10n)
    )


def number_format(value, decimal_pos=None, use_l10n=None, force_grouping=False):
    """Return the number ``value`` formatted with the locale's separators."""
    if use_l10n is None:
        use_l10n = True
    lang = settings.LANGUAGE_CODE if use_l10n else None
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR", lang, use_l10n=use_l10n),
        decimal_pos,
        get_format("NUMBER_GROUPING", lang, use_l10n=use_l10n),
        get_format("THOUSAND_SEPARATOR", lang, use_l10n=use_l10n),
        force_grouping=force_grouping,
        use_l10n=use_l10n,
    )


def localize(value, use_l10n=None):
    """Return ``value`` as a localized string if it is a number or date.

    Other values (strings included) are returned unchanged.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        # bool is an int subclass but must not be formatted as a number.
        return str(value)
    if isinstance(value, (decimal.Decimal, float, int)):
        if use_l10n is False:
            return str(value)
        return number_format(value, use_l10n=use_l10n)
    if isinstance(value, datetime.datetime):
        return date_format(value, "DATETIME_FORMAT", use_l10n=use_l10n)
    if isinstance(value, datetime.date):
        return date_format(value, use_l10n=use_l10n)
    if isinstance(value, datetime.time):
        return time_format(value, use_l10n=use_l10n)
    return value
