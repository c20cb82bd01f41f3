"""App configuration for kyufu.eligibility."""

from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "kyufu.eligibility"
    label = "eligibility"
    default_auto_field = "django.db.models.BigAutoField"
