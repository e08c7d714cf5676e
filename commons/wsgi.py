"""WSGI entry point for gunicorn, runserver and other servers."""

import logging
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commons.settings")

application = get_wsgi_application()

# Said by the process that serves, not by every command (nor twice by runserver's reloader).
if settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
    logging.getLogger("commons").warning(
        "Warning: SECRET_KEY is not set; serving with the development key (never in production)."
    )
