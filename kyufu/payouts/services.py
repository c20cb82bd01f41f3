"""Payout operations: reserve the budget, issue through the provider, deliver.

create_payout reserves under a lock on the programme row; issue_payout and
deliver_gift_code run in the worker, claim their row in a short transaction
and call the outside service with no transaction open. A push LINE refuses
for good waits for staff: redeliver_gift_code sends the code again.
"""

import logging
import secrets
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kyufu.audit.services import record
from kyufu.intake.models import Application, ApplicationStatus
from kyufu.line import services as line_services
from kyufu.line.models import OutboundMessage, OutboundStatus
from kyufu.programmes.models import Programme
from kyufu.tenants.services import membership_of

from . import tasks
from .messages import gift_code_message
from .models import BUDGET_HOLDING, Payout, PayoutStatus
from .providers import IssueResult, Provider, ProviderError, provider_for

logger = logging.getLogger(__name__)

Actor = User | AnonymousUser | None

PAID = [PayoutStatus.ISSUED, PayoutStatus.DELIVERED]
# Seconds between in-process retries with the same request id: 0.5, 1, 2 ...
RETRY_BACKOFF_SECONDS = 0.5
# An unknown outcome is retried later: a minute per attempt so far, at most
# an hour, until the provider settles it.
UNKNOWN_RETRY_STEP = timedelta(minutes=1)
UNKNOWN_RETRY_MAX = timedelta(hours=1)
DELIVERY_RETRY_DELAY = timedelta(minutes=1)


class PayoutRefused(Exception):
    """The payout was not created; the message says why (for staff)."""


class BudgetExceeded(PayoutRefused):
    """Paid plus reserved would pass the programme budget."""


class AlreadyPaid(PayoutRefused):
    """This eligible person (or application) already has a payout."""


# --- Reserving -------------------------------------------------------------


def create_payout(application: Application, *, actor: Actor = None) -> Payout:
    """Reserve the amount and queue the issue; actor None means the system."""
    person_id = application.eligible_person_id
    if person_id is None:
        raise PayoutRefused("the application is not matched to an eligible person")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(
            pk=application.programme_id
        )
        _check_actor(actor, programme)
        _check_not_paid(application)
        _check_budget(programme)
        payout = _insert_payout(programme, application, person_id)
        tasks.issue_payout.enqueue(payout.pk)
        record(
            "payout.created",
            payout,
            municipality=programme.municipality,
            actor=actor,
            after=_snapshot(payout),
        )
    logger.info(
        "payout reserved",
        extra={"payout_id": payout.pk, "application_id": application.pk},
    )
    return payout


def _check_actor(actor: Actor, programme: Programme) -> None:
    # Invariant 8: staff act only for their own municipality.
    if actor is None:
        return
    if membership_of(actor).municipality_id != programme.municipality_id:
        raise PermissionDenied


def _check_not_paid(application: Application) -> None:
    # A fast, friendly refusal; the unique constraints below are the guarantee.
    existing = Payout.objects.filter(
        Q(application=application)
        | Q(
            programme_id=application.programme_id,
            eligible_person_id=application.eligible_person_id,
        )
    )
    if existing.exists():
        raise AlreadyPaid("this eligible person already has a payout")


def _check_budget(programme: Programme) -> None:
    held = Payout.objects.filter(
        programme=programme, status__in=BUDGET_HOLDING
    ).aggregate(total=Sum("amount_yen"))["total"]
    if (held or 0) + programme.amount_yen > programme.budget_yen:
        logger.warning(
            "payout refused: budget exhausted", extra={"programme_id": programme.pk}
        )
        raise BudgetExceeded("paid plus reserved would pass the programme budget")


def _insert_payout(
    programme: Programme, application: Application, person_id: int
) -> Payout:
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                programme=programme,
                application=application,
                eligible_person_id=person_id,
                amount_yen=programme.amount_yen,
                method=programme.payout_method,
            )
    except IntegrityError as exc:
        raise AlreadyPaid("this eligible person already has a payout") from exc
    # The idempotency key must exist before any provider call (invariant 4).
    payout.request_id = request_id_for(payout)
    payout.save(update_fields=["request_id"])
    return payout


def request_id_for(payout: Payout) -> str:
    """The provider idempotency key: partner id, "K", pk, a random tail.

    The random tail keeps a database restored from a backup (whose pk
    sequence starts again) from reusing a key Amazon has already answered.
    Alphanumeric, starts with the partner id, at most 40 characters.
    """
    request_id = f"{settings.AGCOD_PARTNER_ID}K{payout.pk:012d}{secrets.token_hex(4)}"
    if len(request_id) > 40 or not request_id.isalnum():
        raise ValueError("AGCOD_PARTNER_ID must be 5 alphanumeric characters")
    return request_id


def budget_summary(programme: Programme) -> dict[str, int]:
    """Budget, paid (issued+delivered), reserved (not yet out) and remaining."""
    sums = Payout.objects.filter(programme=programme).aggregate(
        paid=Sum("amount_yen", filter=Q(status__in=PAID)),
        held=Sum("amount_yen", filter=Q(status__in=BUDGET_HOLDING)),
    )
    paid = sums["paid"] or 0
    reserved = (sums["held"] or 0) - paid
    return {
        "budget": programme.budget_yen,
        "paid": paid,
        "reserved": reserved,
        "remaining": programme.budget_yen - paid - reserved,
    }


# --- Issuing ---------------------------------------------------------------


def issue_payout(payout_id: int) -> Payout | None:
    """Issue once through the provider; None when another run owns the row."""
    payout = _claim_for_issuing(payout_id)
    if payout is None:
        logger.info("payout not claimable, skipped", extra={"payout_id": payout_id})
        return None
    # A claim starts from "reserved" once (attempts then 1); every later one
    # settles an earlier unknown outcome, whose card may exist.
    settling = payout.attempts > 1
    outcome = _call_with_retries(provider_for(payout.method), payout)
    if isinstance(outcome, IssueResult):
        return _mark_issued(payout, outcome)
    if settling:
        outcome = _still_unknown(outcome)
    if outcome.permanent and not outcome.outcome_unknown:
        return _mark_failed(payout, outcome)
    return _mark_unknown(payout, outcome)


def _claim_for_issuing(payout_id: int) -> Payout | None:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().filter(pk=payout_id).first()
        claimable = (PayoutStatus.RESERVED, PayoutStatus.UNKNOWN)
        if payout is None or payout.status not in claimable:
            return None
        payout.transition(PayoutStatus.ISSUING)
        payout.attempts += 1
        payout.claimed_at = timezone.now()
        payout.save(update_fields=["status", "attempts", "claimed_at"])
    # A worker killed from here on leaves the payout "issuing":
    # recover_stale_payouts settles it through "unknown" with the same id.
    return payout


def _call_with_retries(
    provider: Provider, payout: Payout
) -> IssueResult | ProviderError:
    errors: list[ProviderError] = []
    for attempt in range(1, settings.AGCOD_MAX_ATTEMPTS + 1):
        if attempt > 1:
            time.sleep(RETRY_BACKOFF_SECONDS * 2 ** (attempt - 2))
            _count_attempt(payout)
        try:
            return _call_once(provider, payout)
        except ProviderError as exc:
            errors.append(exc)
            if exc.permanent:
                break
    if any(error.outcome_unknown for error in errors):
        return _still_unknown(errors[-1])
    return errors[-1]


def _still_unknown(error: ProviderError) -> ProviderError:
    """After an unknown outcome, no later refusal can fail the payout.

    The card may exist: only the same request id, repeated until the
    provider answers it, settles that (invariant 4).
    """
    if error.outcome_unknown:
        return error
    return ProviderError(
        f"{_describe(error)} (an earlier attempt may have issued it)",
        permanent=error.permanent,
        outcome_unknown=True,
    )


def _call_once(provider: Provider, payout: Payout) -> IssueResult:
    started = time.monotonic()
    extra: dict[str, Any] = {"payout_id": payout.pk, "provider": provider.name}
    try:
        result = provider.issue(payout)
    except ProviderError as exc:
        extra["duration_ms"] = _ms_since(started)
        logger.warning("provider refused or did not answer: %s", exc, extra=extra)
        raise
    extra["duration_ms"] = _ms_since(started)
    logger.info("provider issued the payout", extra=extra)
    return result


def _count_attempt(payout: Payout) -> None:
    payout.attempts += 1
    Payout.objects.filter(pk=payout.pk).update(attempts=F("attempts") + 1)


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _mark_issued(claimed: Payout, result: IssueResult) -> Payout:
    with transaction.atomic():
        payout, ours = _lock_claim(claimed)
        if not ours:
            return payout
        payout.transition(PayoutStatus.ISSUED)
        payout.provider_reference = result.provider_reference
        payout.claim_code = result.claim_code
        payout.code_expires_at = result.code_expires_at
        payout.issued_at = timezone.now()
        payout.last_error = ""
        payout.save(
            update_fields=[
                "status",
                "provider_reference",
                "claim_code",
                "code_expires_at",
                "issued_at",
                "last_error",
            ]
        )
        tasks.deliver_gift_code.enqueue(payout.pk)
        _audit_system(payout, "payout.issued")
    return payout


def _mark_failed(claimed: Payout, error: ProviderError) -> Payout:
    with transaction.atomic():
        payout, ours = _lock_claim(claimed)
        if not ours:
            return payout
        payout.transition(PayoutStatus.FAILED)
        payout.last_error = _describe(error)
        payout.save(update_fields=["status", "last_error"])
        _audit_system(payout, "payout.failed")
    logger.warning("payout failed for good", extra={"payout_id": payout.pk})
    return payout


def _mark_unknown(claimed: Payout, error: ProviderError) -> Payout:
    with transaction.atomic():
        payout, ours = _lock_claim(claimed)
        if not ours:
            return payout
        delay = min(UNKNOWN_RETRY_STEP * payout.attempts, UNKNOWN_RETRY_MAX)
        payout.transition(PayoutStatus.UNKNOWN)
        payout.last_error = _describe(error)
        payout.save(update_fields=["status", "last_error"])
        run_after = timezone.now() + delay
        tasks.issue_payout.using(run_after=run_after).enqueue(payout.pk)
        _audit_system(payout, "payout.unknown")
    logger.warning(
        "payout outcome unknown, retrying in %s s",
        int(delay.total_seconds()),
        extra={"payout_id": payout.pk},
    )
    return payout


def _lock_claim(claimed: Payout) -> tuple[Payout, bool]:
    """Lock the row; is it still "issuing" under this worker's claim?

    A worker slower than recovery.STALE_CLAIM finds its payout moved to
    "unknown" by the sweep, perhaps claimed again (a new claimed_at) and
    settled by another worker: its late answer must change nothing. The
    provider answers the same request id with the same card, so nothing is
    lost by dropping it. Call inside a transaction.
    """
    payout = Payout.objects.select_for_update().get(pk=claimed.pk)
    still_ours = payout.claimed_at == claimed.claimed_at
    if payout.status == PayoutStatus.ISSUING and still_ours:
        return payout, True
    logger.warning(
        "late provider answer dropped: the payout moved on",
        extra={"payout_id": payout.pk, "status": payout.status},
    )
    return payout, False


def _describe(error: ProviderError) -> str:
    code = getattr(error, "code", None)
    error_type = getattr(error, "error_type", None)
    prefix = " ".join(part for part in (code, error_type) if part)
    return f"{prefix}: {error}" if prefix else str(error)


# --- Delivering ------------------------------------------------------------


def deliver_gift_code(payout_id: int) -> bool:
    """Push the code to the resident once; True when LINE has accepted it."""
    outbound = _prepare_delivery(payout_id)
    if outbound is None:
        return False
    if line_services.send_outbound(outbound):
        _mark_delivered(payout_id)
        return True
    if outbound.status == OutboundStatus.FAILED:
        # Refused for good (the resident blocked the account, say): a failed
        # push is never sent again; pushing anew is for staff to decide
        # (redeliver_gift_code).
        _record_delivery_failure(payout_id, outbound)
        return False
    run_after = timezone.now() + DELIVERY_RETRY_DELAY
    tasks.deliver_gift_code.using(run_after=run_after).enqueue(payout_id)
    logger.info("gift code push pending, retrying", extra={"payout_id": payout_id})
    return False


def redeliver_gift_code(payout: Payout, *, actor: Actor) -> Payout:
    """Staff push the code again after LINE refused the first push for good.

    A new push with a new retry key: the failed one may never be sent again.
    Only while the payout is issued and still holds its code.
    """
    if actor is None:
        raise PermissionDenied
    with transaction.atomic():
        locked = (
            Payout.objects.select_for_update(of=("self",))
            .select_related("outbound", "application__line_user", "programme")
            .get(pk=payout.pk)
        )
        _check_actor(actor, locked.programme)
        _check_redeliverable(locked)
        before = _snapshot(locked)
        locked.outbound = _create_gift_push(locked)
        locked.last_error = ""
        locked.save(update_fields=["outbound", "last_error"])
        tasks.deliver_gift_code.enqueue(locked.pk)
        record(
            "payout.redelivered",
            locked,
            municipality=locked.programme.municipality,
            actor=actor,
            before=before,
            after=_snapshot(locked),
        )
    logger.info("gift code push queued again", extra={"payout_id": locked.pk})
    return locked


def _check_redeliverable(payout: Payout) -> None:
    failed = payout.outbound is not None and (
        payout.outbound.status == OutboundStatus.FAILED
    )
    if payout.status != PayoutStatus.ISSUED or not failed:
        raise PayoutRefused(_("only a code whose LINE message failed can be resent"))
    if payout.claim_code is None or payout.application.line_user is None:
        raise PayoutRefused(_("this payout has no code or LINE account to send to"))


def _prepare_delivery(payout_id: int) -> OutboundMessage | None:
    """Create the push once (its retry key saved first); reuse it on retries."""
    with transaction.atomic():
        payout = (
            Payout.objects.select_for_update(of=("self",))
            .select_related("outbound", "application__line_user", "programme")
            .filter(pk=payout_id)
            .first()
        )
        if payout is None or payout.status != PayoutStatus.ISSUED:
            return None
        if payout.outbound is not None:
            return payout.outbound
        if payout.application.line_user is None or payout.claim_code is None:
            # TODO(paper): paper applicants get their code from staff; a
            # hand-over flow comes with paper applications (ROADMAP 2).
            _note_delivery_failure(payout_id, "no LINE account to deliver to")
            return None
        payout.outbound = _create_gift_push(payout)
        payout.save(update_fields=["outbound"])
    return payout.outbound


def _create_gift_push(payout: Payout) -> OutboundMessage:
    line_user = payout.application.line_user
    assert line_user is not None and payout.claim_code is not None
    with translation.override(settings.LANGUAGE_CODE):
        message = gift_code_message(payout, payout.claim_code)
    return line_services.create_push(line_user, [message], purpose="gift_code")


def _mark_delivered(payout_id: int) -> None:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != PayoutStatus.ISSUED:
            return
        payout.transition(PayoutStatus.DELIVERED)
        payout.delivered_at = timezone.now()
        # The resident has it; Amazon forbids keeping codes (invariant 5).
        payout.claim_code = None
        payout.last_error = ""
        payout.save(
            update_fields=["status", "delivered_at", "claim_code", "last_error"]
        )
        Application.objects.filter(pk=payout.application_id).update(
            status=ApplicationStatus.PAID
        )
        _audit_system(payout, "payout.delivered")
    logger.info("gift code delivered", extra={"payout_id": payout_id})


def _record_delivery_failure(payout_id: int, outbound: OutboundMessage) -> None:
    """LINE refused the push for good: staff must see it and hand the code over.

    The payout stays issued (the card exists and is paid for) and keeps its
    encrypted code for redeliver_gift_code or a hand-over by staff.
    """
    reason = f"delivery: {outbound.last_error}"
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        current = payout.outbound_id == outbound.pk
        noted = payout.last_error == reason
        if payout.status != PayoutStatus.ISSUED or not current or noted:
            return  # another push took its place, or an earlier run noted it
        # TODO(retention): erase undelivered codes after N days once staff
        # hand-over exists (ROADMAP 4/7).
        payout.last_error = reason
        payout.save(update_fields=["last_error"])
        _audit_system(payout, "payout.delivery_failed")
    logger.warning(
        "gift code push failed for good",
        extra={"payout_id": payout_id, "outbound_id": outbound.pk},
    )


def _note_delivery_failure(payout_id: int, reason: str) -> None:
    Payout.objects.filter(pk=payout_id).update(last_error=f"delivery: {reason}")
    logger.warning("gift code not delivered", extra={"payout_id": payout_id})


# --- Audit -----------------------------------------------------------------


def _snapshot(payout: Payout) -> dict[str, Any]:
    return {
        "status": payout.status,
        "amount_yen": payout.amount_yen,
        "method": payout.method,
        "application_id": payout.application_id,
        "eligible_person_id": payout.eligible_person_id,
        "request_id": payout.request_id,
        "attempts": payout.attempts,
        "provider_reference": payout.provider_reference,
        "outbound_id": payout.outbound_id,
    }


def _audit_system(payout: Payout, action: str) -> None:
    record(
        action,
        payout,
        municipality=payout.programme.municipality,
        actor=None,
        after=_snapshot(payout),
    )
