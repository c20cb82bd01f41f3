"""App configuration for kyufu.audit."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kyufu.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"
