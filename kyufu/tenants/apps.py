"""App configuration for kyufu.tenants."""

from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "kyufu.tenants"
    label = "tenants"
    default_auto_field = "django.db.models.BigAutoField"
