"""App configuration for kyufu.programmes."""

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "kyufu.programmes"
    label = "programmes"
    default_auto_field = "django.db.models.BigAutoField"
