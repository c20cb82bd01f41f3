"""App configuration for kyufu.staff."""

from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "kyufu.staff"
    label = "staff"
    default_auto_field = "django.db.models.BigAutoField"
