"""App configuration for kyufu.intake."""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "kyufu.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"
