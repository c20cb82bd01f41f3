"""URL routes of kyufu.line."""

from django.urls import path

from . import views

app_name = "line"
urlpatterns = [
    path("webhook/<uuid:webhook_key>/", views.webhook, name="webhook"),
]
