"""App configuration for kyufu.payouts."""

from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "kyufu.payouts"
    label = "payouts"
    default_auto_field = "django.db.models.BigAutoField"
