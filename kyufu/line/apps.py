"""App configuration for kyufu.line."""

from django.apps import AppConfig


class LineConfig(AppConfig):
    name = "kyufu.line"
    label = "line"
    default_auto_field = "django.db.models.BigAutoField"
