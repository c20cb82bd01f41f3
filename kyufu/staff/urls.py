"""URL routes of kyufu.staff: the clerk's pages, from log-in to exports."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="staff/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("dashboard/panel/", views.dashboard_panel, name="dashboard_panel"),
    path("applications/", views.applications, name="applications"),
    path(
        "applications/<int:pk>/",
        views.application_detail,
        name="application_detail",
    ),
    path("applications.csv", views.applications_csv, name="applications_csv"),
    path("payouts/", views.payouts, name="payouts"),
    path(
        "payouts/<int:pk>/redeliver/",
        views.payout_redeliver,
        name="payout_redeliver",
    ),
    path("eligible/import/", views.eligible_import, name="eligible_import"),
]
