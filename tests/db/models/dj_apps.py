"""Django app config that installs the oracle models (dj_models.py) for a test.

Django only follows relations between models of installed apps (its relation
tree ignores the rest), so differential tests of deletion install this app.
"""

from django.apps import AppConfig


class DjDbModelsConfig(AppConfig):
    name = "tests.db.models"
    label = "dj_db_models"
    default_auto_field = "django.db.models.AutoField"
