"""URL routes: the LINE webhook, the staff UI."""

from django.urls import include, path

urlpatterns = [
    path("line/", include("kyufu.line.urls")),
    path("", include("kyufu.staff.urls")),
]
