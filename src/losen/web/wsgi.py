"""WSGI entry point for ``losen serve`` and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "losen.web.settings.local")
application = get_wsgi_application()
