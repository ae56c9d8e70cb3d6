"""Apps: the registry of installed applications and of every model class."""

from __future__ import annotations

import functools
import threading
import warnings
from collections import Counter, defaultdict

from fastdj.core.exceptions import AppRegistryNotReady, ImproperlyConfigured


class Apps:
    """Hold the installed AppConfigs and every registered model.

    Models register themselves (``register_model``) when their class is created,
    whether or not their app is installed, so that test models with an explicit
    ``app_label`` work; ``populate`` imports INSTALLED_APPS and their models.
    """

    def __init__(self, installed_apps=()):
        # app label -> {model name (lower case) -> model class}
        self.all_models: defaultdict[str, dict] = defaultdict(dict)
        self.app_configs: dict = {}
        self.apps_ready = self.models_ready = self.ready = False
        self._lock = threading.RLock()
        self.loading = False
        # (app_label, model_name) -> [callables waiting for that model]
        self._pending_operations: defaultdict[tuple, list] = defaultdict(list)
        if installed_apps is not None:
            self.populate(installed_apps)

    def populate(self, installed_apps=None) -> None:
        """Import each installed app, then its models, then run ready()."""
        if self.ready:
            return
        with self._lock:
            if self.ready:
                return
            if self.loading:
                raise RuntimeError("populate() isn't reentrant")
            self.loading = True
            try:
                from fastdj.apps.config import AppConfig

                for entry in installed_apps or ():
                    app_config = (
                        entry
                        if isinstance(entry, AppConfig)
                        else AppConfig.create(entry)
                    )
                    if app_config.label in self.app_configs:
                        raise ImproperlyConfigured(
                            "Application labels aren't unique, duplicates: "
                            f"{app_config.label}"
                        )
                    self.app_configs[app_config.label] = app_config
                    app_config.apps = self
                counts = Counter(ac.name for ac in self.app_configs.values())
                duplicates = [name for name, count in counts.items() if count > 1]
                if duplicates:
                    raise ImproperlyConfigured(
                        "Application names aren't unique, duplicates: "
                        + ", ".join(duplicates)
                    )
                self.apps_ready = True
                for app_config in self.app_configs.values():
                    app_config.import_models()
                self.clear_cache()
                self.models_ready = True
                for app_config in self.get_app_configs():
                    app_config.ready()
                self.ready = True
            finally:
                self.loading = False

    def check_apps_ready(self) -> None:
        if not self.apps_ready:
            raise AppRegistryNotReady("Apps aren't loaded yet.")

    def check_models_ready(self) -> None:
        if not self.models_ready:
            raise AppRegistryNotReady("Models aren't loaded yet.")

    def get_app_configs(self):
        """Return the installed AppConfigs."""
        self.check_apps_ready()
        return self.app_configs.values()

    def get_app_config(self, app_label: str):
        """Return the AppConfig of ``app_label``; LookupError if not installed."""
        self.check_apps_ready()
        try:
            return self.app_configs[app_label]
        except KeyError:
            message = f"No installed app with label '{app_label}'."
            for app_config in self.get_app_configs():
                if app_config.name == app_label:
                    message += f" Did you mean '{app_config.label}'?"
                    break
            raise LookupError(message)

    def is_installed(self, app_name: str) -> bool:
        self.check_apps_ready()
        return any(ac.name == app_name for ac in self.app_configs.values())

    @functools.cache  # noqa: B019 - the registry lives as long as the process
    def get_models(self, include_auto_created=False):
        """Return the models of every installed app."""
        self.check_models_ready()
        result = []
        for app_config in self.app_configs.values():
            result.extend(app_config.get_models(include_auto_created))
        return result

    def all_registered_models(self):
        """Return every registered model, installed app or not (fastdj)."""
        return [m for models in self.all_models.values() for m in models.values()]

    def get_model(self, app_label: str, model_name=None, require_ready=True):
        """Return the model "app_label.ModelName" or (app_label, model_name).

        Models of apps that are not installed but registered with an explicit
        ``app_label`` are found too.
        """
        if require_ready and self.app_configs:
            self.check_models_ready()
        if model_name is None:
            app_label, model_name = app_label.split(".")
        models = self.all_models.get(app_label)
        if app_label in self.app_configs:
            return self.app_configs[app_label].get_model(
                model_name, require_ready=False
            )
        if models is None:
            raise LookupError(f"No installed app with label '{app_label}'.")
        try:
            return models[model_name.lower()]
        except KeyError:
            raise LookupError(f"App '{app_label}' doesn't have a '{model_name}' model.")

    def register_model(self, app_label: str, model) -> None:
        model_name = model._meta.model_name
        app_models = self.all_models[app_label]
        if model_name in app_models:
            old = app_models[model_name]
            if old.__name__ == model.__name__ and old.__module__ == model.__module__:
                warnings.warn(
                    f"Model '{app_label}.{model_name}' was already registered. "
                    "Reloading models is not advised.",
                    RuntimeWarning,
                    stacklevel=2,
                )
            else:
                raise RuntimeError(
                    f"Conflicting '{model_name}' models in application "
                    f"'{app_label}': {old} and {model}."
                )
        app_models[model_name] = model
        self.do_pending_operations(model)
        self.clear_cache()

    def unregister_model(self, app_label: str, model_name: str) -> None:
        """Forget a model (tests that define throw-away models use this)."""
        self.all_models[app_label].pop(model_name.lower(), None)
        self.clear_cache()

    def clear_cache(self) -> None:
        """Drop caches that depend on the set of models (relation trees)."""
        self.get_models.cache_clear()
        for models in self.all_models.values():
            for model in models.values():
                model._meta._expire_cache()

    def lazy_model_operation(self, function, *model_keys) -> None:
        """Call ``function(*models)`` once every (app_label, model_name) exists."""
        if not model_keys:
            function()
            return
        next_model, *more_models = model_keys

        def apply_next_model(model):
            next_function = functools.partial(function, model)
            self.lazy_model_operation(next_function, *more_models)

        try:
            model_class = self.all_models[next_model[0]][next_model[1]]
        except KeyError:
            self._pending_operations[next_model].append(apply_next_model)
        else:
            apply_next_model(model_class)

    def do_pending_operations(self, model) -> None:
        key = (model._meta.app_label, model._meta.model_name)
        for function in self._pending_operations.pop(key, []):
            function(model)


apps = Apps(installed_apps=None)
