"""Kyufu's URLs plus `bench/bare/`, the reference for the webhook benchmark."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    """Answer 200 and nothing else: Django's floor on this server."""
    return HttpResponse(status=200)


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("kyufu.urls")),
]
