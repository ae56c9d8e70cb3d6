"""Settings for the ``python -m fastdj createtables`` end-to-end test."""

import os

SECRET_KEY = "createtables-test"
INSTALLED_APPS = ["tests.db.backends.tables_app"]
DATABASES = {
    "default": {
        "ENGINE": "fastdj.db.backends.sqlite3",
        "NAME": os.environ["FASTDJ_TEST_DB_PATH"],
    }
}
