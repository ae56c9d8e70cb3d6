from fastdj.apps import AppConfig


class SampleConfig(AppConfig):
    name = "tests.db.models.sample_app"
    label = "sample"
    verbose_name = "Sample things"
    ready_called = False

    def ready(self):
        type(self).ready_called = True
