"""WSGI entry point, for runserver and for gunicorn::

gunicorn --worker-class meinheld.gmeinheld.MeinheldWorker mysite.wsgi
"""

import os

from fastdj.core.wsgi import get_wsgi_application

os.environ.setdefault("FASTDJ_SETTINGS_MODULE", "mysite.settings")

application = get_wsgi_application()
