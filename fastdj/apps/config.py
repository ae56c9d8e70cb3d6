"""AppConfig: one installed application, its label, path and models."""

from __future__ import annotations

import os
from importlib import import_module

from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.utils.module_loading import import_string

MODELS_MODULE_NAME = "models"


class AppConfig:
    """Describe one installed application and hold its models once imported."""

    name: str
    default_auto_field = "fastdj.db.models.AutoField"

    def __init__(self, app_name: str, app_module):
        self.name = app_name
        self.module = app_module
        self.apps = None
        if not hasattr(self, "label"):
            self.label = app_name.rpartition(".")[2]
        if not self.label.isidentifier():
            raise ImproperlyConfigured(
                f"The app label '{self.label}' is not a valid Python identifier."
            )
        if not hasattr(self, "verbose_name"):
            self.verbose_name = self.label.title()
        if not hasattr(self, "path"):
            self.path = self._path_from_module(app_module)
        self.models_module = None
        self.models: dict = {}

    def __repr__(self):
        return f"<{type(self).__name__}: {self.label}>"

    @staticmethod
    def _path_from_module(module) -> str | None:
        paths = list(getattr(module, "__path__", []))
        if len(paths) != 1:
            filename = getattr(module, "__file__", None)
            if filename is not None:
                paths = [os.path.dirname(filename)]
            else:
                paths = list(set(paths))
        if len(paths) > 1:
            raise ImproperlyConfigured(
                f"The app module {module!r} has multiple filesystem locations "
                f"({paths!r}); set the AppConfig.path class attribute."
            )
        return paths[0] if paths else None

    @classmethod
    def create(cls, entry: str) -> AppConfig:
        """Return an AppConfig for an INSTALLED_APPS entry (module or class path)."""
        try:
            app_module = import_module(entry)
        except ImportError:
            app_module = None
        if app_module is not None:
            # A module: use the single AppConfig subclass of its apps submodule
            # when there is one, as Django does.
            app_config_class = None
            try:
                apps_module = import_module(f"{entry}.apps")
            except ModuleNotFoundError:
                apps_module = None
            if apps_module is not None:
                candidates = [
                    obj
                    for obj in vars(apps_module).values()
                    if isinstance(obj, type)
                    and issubclass(obj, AppConfig)
                    and obj is not AppConfig
                    and obj.__module__ == apps_module.__name__
                    and getattr(obj, "default", True)
                ]
                if len(candidates) == 1:
                    app_config_class = candidates[0]
            if app_config_class is None:
                return cls(entry, app_module)
        else:
            try:
                app_config_class = import_string(entry)
            except ImportError as exc:
                raise ImproperlyConfigured(
                    f"Cannot import {entry!r}: it is neither an app module nor an "
                    "AppConfig class."
                ) from exc
            if not (
                isinstance(app_config_class, type)
                and issubclass(app_config_class, AppConfig)
            ):
                raise ImproperlyConfigured(f"{entry!r} isn't a subclass of AppConfig.")
        try:
            app_name = app_config_class.name
        except AttributeError:
            raise ImproperlyConfigured(f"{entry!r} must supply a name attribute.")
        app_module = import_module(app_name)
        return app_config_class(app_name, app_module)

    def get_model(self, model_name: str, require_ready: bool = True):
        """Return the model of this app named ``model_name`` (case-insensitive)."""
        if require_ready:
            self.apps.check_models_ready()
        try:
            return self.models[model_name.lower()]
        except KeyError:
            raise LookupError(
                f"App '{self.label}' doesn't have a '{model_name}' model."
            )

    def get_models(self, include_auto_created: bool = False):
        """Yield the models of this app."""
        self.apps.check_models_ready()
        for model in self.models.values():
            if model._meta.auto_created and not include_auto_created:
                continue
            yield model

    def import_models(self) -> None:
        self.models = self.apps.all_models[self.label]
        try:
            self.models_module = import_module(f"{self.name}.{MODELS_MODULE_NAME}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{self.name}.{MODELS_MODULE_NAME}":
                raise

    def ready(self) -> None:
        """Override to run start-up code once the registry is populated."""
