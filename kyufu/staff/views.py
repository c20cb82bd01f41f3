"""Views of the staff UI; each reads through kyufu.staff.queries (one tenant).

Views stay thin: figures come from metrics.py, CSV from exports.py, state
changes from the owning app's services.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from kyufu.audit.models import AuditEvent
from kyufu.audit.services import record
from kyufu.eligibility.services import import_eligible_list
from kyufu.intake.models import Application
from kyufu.intake.questions import Question, question_type, questions_of
from kyufu.payouts.models import Payout, PayoutStatus
from kyufu.payouts.services import PayoutRefused, redeliver_gift_code
from kyufu.tenants.models import StaffMembership, StaffRole
from kyufu.tenants.services import membership_of, require_role

from . import exports, metrics
from .forms import ApplicationFilterForm, EligibleImportForm, PayoutFilterForm
from .queries import applications_of, imports_of, payouts_of, programmes_of

P = ParamSpec("P")
StaffView = Callable[Concatenate[HttpRequest, StaffMembership, P], HttpResponseBase]
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]
PAGE_SIZE = 50
# How audit actions read on an application's timeline; others show their code.
TIMELINE_LABELS = {
    "application.viewed": gettext_lazy("Viewed by staff"),
    "payout.created": gettext_lazy("Payout reserved"),
    "payout.issued": gettext_lazy("Gift code issued"),
    "payout.delivered": gettext_lazy("Gift code delivered in LINE"),
    "payout.unknown": gettext_lazy("Provider outcome unknown, will retry"),
    "payout.failed": gettext_lazy("Payout failed"),
    "payout.delivery_failed": gettext_lazy("Gift code could not be delivered"),
    "payout.redelivered": gettext_lazy("Gift code sent again"),
}

# Reason codes written by matching and submission, as a clerk reads them.
MATCH_NOTES = {
    "furigana+birth_date": gettext_lazy("Matched on furigana and birth date"),
    "furigana+birth_date:several": gettext_lazy(
        "Several eligible people share this furigana and birth date"
    ),
    "furigana+birth_date:none": gettext_lazy("Not on the eligible list"),
    "missing:furigana_or_birth_date": gettext_lazy("Furigana or birth date missing"),
    "budget_exhausted": gettext_lazy("Eligible, but the programme budget is used up"),
}


def staff_only(*roles: StaffRole) -> Callable[[StaffView[P]], View[P]]:
    """Log-in required, then the user's membership (or 403) as an argument.

    With roles, only members holding one of them get through.
    """

    def decorate(view: StaffView[P]) -> View[P]:
        @wraps(view)
        def wrapper(
            request: HttpRequest, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            if roles:
                membership = require_role(request.user, *roles)
            else:
                membership = membership_of(request.user)
            return view(request, membership, *args, **kwargs)

        return login_required(wrapper)

    return decorate


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
@staff_only()
def dashboard(request: HttpRequest, membership: StaffMembership) -> HttpResponse:
    context = _dashboard_context(request, membership)
    return render(request, "staff/dashboard.html", context)


@require_GET
@staff_only()
def dashboard_panel(request: HttpRequest, membership: StaffMembership) -> HttpResponse:
    """The dashboard's figures alone, polled by htmx for a live view."""
    context = _dashboard_context(request, membership)
    return render(request, "staff/_dashboard_panel.html", context)


def _dashboard_context(
    request: HttpRequest, membership: StaffMembership
) -> dict[str, Any]:
    programmes = list(programmes_of(membership.municipality))
    context: dict[str, Any] = {"membership": membership, "programmes": programmes}
    if not programmes:
        return context
    chosen = request.GET.get("programme", "")
    programme = next((p for p in programmes if str(p.pk) == chosen), programmes[0])
    context.update(
        metrics.programme_dashboard(programme),
        programme=programme,
        updated_at=timezone.now(),
    )
    return context


@require_GET
@staff_only()
def applications(request: HttpRequest, membership: StaffMembership) -> HttpResponse:
    municipality = membership.municipality
    form = ApplicationFilterForm(request.GET, municipality=municipality)
    queryset = form.apply(applications_of(municipality))
    page = _page(request, queryset.select_related("programme").order_by("-id"))
    # Names on the page are personal data: the listing itself is audited.
    record(
        "applications.listed",
        municipality,
        municipality=municipality,
        actor=request.user,
        after={"application_ids": [application.pk for application in page]},
    )
    context = {"membership": membership, "form": form, "page": page}
    return render(request, "staff/applications.html", context)


@require_GET
@staff_only()
def application_detail(
    request: HttpRequest, membership: StaffMembership, pk: int
) -> HttpResponse:
    municipality = membership.municipality
    application = get_object_or_404(
        applications_of(municipality).select_related(
            "programme__form", "eligible_person"
        ),
        pk=pk,
    )
    payout = payouts_of(municipality).filter(application=application).first()
    record(
        "application.viewed",
        application,
        municipality=municipality,
        actor=request.user,
    )
    context = {
        "membership": membership,
        "application": application,
        "answers": _answers(application),
        "payout": payout,
        "timeline": _timeline(application, payout),
        "match_note": MATCH_NOTES.get(application.match_note, application.match_note),
        "can_redeliver": _can_redeliver(membership, payout),
    }
    return render(request, "staff/application_detail.html", context)


def _answers(application: Application) -> list[tuple[str, str]]:
    """(label, text) per answer in the form's order, as the resident saw it."""
    rows = []
    for question in questions_of(application.programme.form.definition):
        if question.key in application.answers:
            value = application.answers[question.key]
            rows.append((question.label or question.key, _display(question, value)))
    return rows


def _display(question: Question, value: object) -> str:
    try:
        return question_type(question).display(question, value)
    except (KeyError, TypeError, ValueError):
        # A form edited after the answer was given: show it as it was stored.
        return str(value)


def _timeline(
    application: Application, payout: Payout | None
) -> list[tuple[AuditEvent, str]]:
    """Audit events of the application and its payout, oldest first."""
    subjects = Q(object_type=Application._meta.label, object_id=str(application.pk))
    if payout is not None:
        subjects |= Q(object_type=Payout._meta.label, object_id=str(payout.pk))
    events = AuditEvent.objects.filter(
        subjects, municipality_id=application.programme.municipality_id
    ).order_by("created_at", "id")
    return [
        (event, str(TIMELINE_LABELS.get(event.action, event.action)))
        for event in events
    ]


def _can_redeliver(membership: StaffMembership, payout: Payout | None) -> bool:
    return (
        payout is not None
        and payout.status == PayoutStatus.ISSUED
        and payout.outbound is not None
        and payout.outbound.status == "failed"
        and membership.role in (StaffRole.ADMIN, StaffRole.CASE_WORKER)
    )


@require_POST
@staff_only(StaffRole.ADMIN, StaffRole.CASE_WORKER)
def payout_redeliver(
    request: HttpRequest, membership: StaffMembership, pk: int
) -> HttpResponse:
    """Send a gift code again after LINE refused it (the resident blocked us)."""
    payout = get_object_or_404(payouts_of(membership.municipality), pk=pk)
    try:
        redeliver_gift_code(payout, actor=request.user)
    except PayoutRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The gift code will be sent again in LINE."))
    return redirect("staff:application_detail", payout.application_id)


@require_GET
@staff_only()
def applications_csv(
    request: HttpRequest, membership: StaffMembership
) -> StreamingHttpResponse:
    municipality = membership.municipality
    form = ApplicationFilterForm(request.GET, municipality=municipality)
    filters = form.filters()
    record(
        "applications.exported",
        municipality,
        municipality=municipality,
        actor=request.user,
        after={
            "format": "csv",
            "status": filters.get("status"),
            "programme": filters["programme"].pk if "programme" in filters else None,
        },
    )
    rows = exports.application_csv(form.apply(applications_of(municipality)))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(timezone=metrics.JST).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = exports.attachment_header(
        f"{_('Applications')}_{stamp}.csv", f"applications_{stamp}.csv"
    )
    return response


@require_GET
@staff_only()
def payouts(request: HttpRequest, membership: StaffMembership) -> HttpResponse:
    municipality = membership.municipality
    form = PayoutFilterForm(request.GET, municipality=municipality)
    queryset = form.apply(payouts_of(municipality))
    page = _page(request, queryset.order_by("-created_at", "-id"))
    context = {"membership": membership, "form": form, "page": page}
    return render(request, "staff/payouts.html", context)


@require_http_methods(["GET", "POST"])
@staff_only(StaffRole.ADMIN, StaffRole.CASE_WORKER)
def eligible_import(request: HttpRequest, membership: StaffMembership) -> HttpResponse:
    municipality = membership.municipality
    form = EligibleImportForm(
        request.POST or None, request.FILES or None, municipality=municipality
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_eligible_list(
            form.cleaned_data["programme"],
            upload.read(),
            file_name=upload.name,
            actor=request.user,
        )
        # Redirect after the POST so that a reload never imports twice.
        return redirect(f"{reverse('staff:eligible_import')}?result={result.pk}")
    imports = imports_of(municipality).select_related("programme", "uploaded_by")
    shown = request.GET.get("result", "")
    context = {
        "membership": membership,
        "form": form,
        "result": imports.filter(pk=shown).first() if shown.isdigit() else None,
        "imports": imports[:20],
    }
    return render(request, "staff/eligible_import.html", context)
