"""WSGI entry point for Kyufu's web processes."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyufu.settings")
application = get_wsgi_application()
