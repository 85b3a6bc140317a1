"""WSGI entry point (gunicorn in production)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# What starting made (modules, settings, URL patterns, models: some 150,000 objects) lives as long
# as the process. Moved out of the collector's reach, it is not walked again by every full
# collection, which otherwise cost a request every 40 or so a pause of tens of milliseconds.
gc.collect()
gc.freeze()
