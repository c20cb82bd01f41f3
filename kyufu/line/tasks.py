"""Background tasks of the LINE app, run by the django-tasks database worker."""

from django.utils import timezone
from django_tasks import task

from . import services
from .models import OutboundMessage, OutboundStatus


@task()
def process_line_user_events(line_user_id: int) -> int:
    """Handle a resident's pending webhook events, oldest first."""
    return services.process_user_events(line_user_id)


@task()
def deliver_outbound(outbound_id: int) -> str:
    """Send one outbound message; after a transient failure, try again later.

    The retry runs as a new task after a back-off, with the same row and so
    the same retry key; send_outbound marks the row failed past the bound.
    """
    outbound = OutboundMessage.objects.filter(pk=outbound_id).first()
    if outbound is None:
        return "missing"
    if (
        not services.send_outbound(outbound)
        and outbound.status == OutboundStatus.PENDING
    ):
        run_after = timezone.now() + services.retry_delay(outbound.attempts)
        deliver_outbound.using(run_after=run_after).enqueue(outbound_id)
    return str(outbound.status)
