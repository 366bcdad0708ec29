"""WSGI entry point (used by ``crecer serve``; any WSGI server can import it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crecer.settings")
application = get_wsgi_application()
