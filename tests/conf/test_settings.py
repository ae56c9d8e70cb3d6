"""Lazy settings: configuration sources, defaults and errors naming the setting."""

import os
import subprocess
import sys
import textwrap

import pytest

from fastdj.conf import LazySettings, Settings
from fastdj.core.exceptions import ImproperlyConfigured


def test_unconfigured_access_names_the_setting(monkeypatch):
    monkeypatch.delenv("FASTDJ_SETTINGS_MODULE", raising=False)
    lazy = LazySettings()
    with pytest.raises(ImproperlyConfigured, match="setting DEBUG"):
        _ = lazy.DEBUG


def test_configure_overrides_defaults():
    lazy = LazySettings()
    lazy.configure(DEBUG=True, ALLOWED_HOSTS=["example.com"])
    assert lazy.DEBUG is True
    assert lazy.ALLOWED_HOSTS == ["example.com"]
    assert lazy.DEFAULT_CHARSET == "utf-8"
    assert lazy.DATABASES["default"]["ENGINE"] == "fastdj.db.backends.sqlite3"
    assert lazy.DATA_UPLOAD_MAX_MEMORY_SIZE == 2621440
    assert lazy.APPEND_SLASH is True


def test_configure_twice_is_an_error():
    lazy = LazySettings()
    lazy.configure()
    with pytest.raises(RuntimeError, match="already configured"):
        lazy.configure()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "yes"),
        ("ALLOWED_HOSTS", "example.com"),
        ("MIDDLEWARE", "a.b.C"),
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", "10"),
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", True),
        ("DATABASES", []),
    ],
)
def test_wrong_type_names_the_setting(name, value):
    with pytest.raises(ImproperlyConfigured, match=f"The {name} setting must be"):
        Settings(None, **{name: value})


def test_wrong_type_on_assignment_is_refused():
    lazy = LazySettings()
    lazy.configure()
    with pytest.raises(ImproperlyConfigured, match="APPEND_SLASH"):
        lazy.APPEND_SLASH = "no"


def test_unknown_setting_is_improperly_configured():
    lazy = LazySettings()
    lazy.configure()
    with pytest.raises(ImproperlyConfigured, match="NOT_A_SETTING setting is not"):
        _ = lazy.NOT_A_SETTING


def test_optional_setting_lookups_work_as_in_django():
    # Django apps read their own optional settings this way.
    lazy = LazySettings()
    lazy.configure(MY_APP_FLAG=True)
    assert getattr(lazy, "MY_APP_OPTION", 5) == 5
    assert not hasattr(lazy, "MY_APP_OPTION")
    assert getattr(lazy, "MY_APP_FLAG", False) is True
    with pytest.raises(AttributeError, match="MY_APP_OPTION setting is not defined"):
        _ = lazy.MY_APP_OPTION


def test_lowercase_setting_is_refused():
    with pytest.raises(TypeError, match="uppercase"):
        Settings(None, debug=True)


def test_assignment_invalidates_cached_read():
    lazy = LazySettings()
    lazy.configure(DEBUG=False)
    assert lazy.DEBUG is False
    lazy.DEBUG = True
    assert lazy.DEBUG is True


def test_settings_module_from_environment(tmp_path):
    (tmp_path / "proj_settings.py").write_text(
        textwrap.dedent(
            """
            DEBUG = False
            SECRET_KEY = "k"
            ALLOWED_HOSTS = ["a.example"]
            lowercase_is_ignored = 1
            """
        )
    )
    code = (
        "from fastdj.conf import settings;"
        "print(settings.ALLOWED_HOSTS, settings.SETTINGS_MODULE, settings.DEBUG)"
    )
    env = dict(
        os.environ, FASTDJ_SETTINGS_MODULE="proj_settings", PYTHONPATH=str(tmp_path)
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == ["['a.example']", "proj_settings", "False"]


def test_missing_settings_module_is_improperly_configured(monkeypatch):
    monkeypatch.setenv("FASTDJ_SETTINGS_MODULE", "no_such_settings_module_xyz")
    with pytest.raises(ImproperlyConfigured, match="no_such_settings_module_xyz"):
        _ = LazySettings().DEBUG


def test_production_settings_module_needs_secret_key(tmp_path, monkeypatch):
    (tmp_path / "nokey_settings.py").write_text("DEBUG = False\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        Settings("nokey_settings")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEFAULT_CHARSET", "no-such-codec", "must name a known codec"),
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", -1, "must not be negative"),
        ("DATA_UPLOAD_MAX_NUMBER_FIELDS", -5, "must not be negative"),
        ("FILE_UPLOAD_MAX_MEMORY_SIZE", -1, "must not be negative"),
    ],
)
def test_wrong_value_names_the_setting(name, value, message):
    with pytest.raises(ImproperlyConfigured, match=f"The {name} setting {message}"):
        Settings(None, **{name: value})


def test_good_values_are_accepted():
    s = Settings(None, DEFAULT_CHARSET="latin-1", DATA_UPLOAD_MAX_NUMBER_FIELDS=None)
    assert s.DEFAULT_CHARSET == "latin-1"
    assert (
        Settings(None, FILE_UPLOAD_MAX_MEMORY_SIZE=0).FILE_UPLOAD_MAX_MEMORY_SIZE == 0
    )
