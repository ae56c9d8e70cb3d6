"""Model signals, sent by Model.__init__, save(), delete() and M2M managers."""

from fastdj.dispatch import Signal

__all__ = [
    "m2m_changed",
    "post_delete",
    "post_init",
    "post_save",
    "pre_delete",
    "pre_init",
    "pre_save",
]


class ModelSignal(Signal):
    """A Signal whose sender may be given lazily as "app_label.ModelName"."""

    def connect(self, receiver, sender=None, weak=True, dispatch_uid=None):
        if isinstance(sender, str):
            from fastdj.apps import apps

            def _connect(model):
                Signal.connect(self, receiver, model, weak, dispatch_uid)

            app_label, model_name = sender.split(".")
            apps.lazy_model_operation(_connect, (app_label, model_name.lower()))
            return
        super().connect(receiver, sender, weak, dispatch_uid)

    def disconnect(self, receiver=None, sender=None, dispatch_uid=None):
        if isinstance(sender, str):
            from fastdj.apps import apps

            sender = apps.get_model(sender, require_ready=False)
        return super().disconnect(receiver, sender, dispatch_uid)


pre_init = ModelSignal(use_caching=True)
post_init = ModelSignal(use_caching=True)
pre_save = ModelSignal(use_caching=True)
post_save = ModelSignal(use_caching=True)
pre_delete = ModelSignal(use_caching=True)
post_delete = ModelSignal(use_caching=True)
m2m_changed = ModelSignal(use_caching=True)
