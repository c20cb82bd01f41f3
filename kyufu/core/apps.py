"""App configuration for kyufu.core."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kyufu.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
