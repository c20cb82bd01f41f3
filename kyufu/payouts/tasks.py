"""Background tasks of the payout flow; the logic lives in services."""

from django_tasks import task

from . import services


@task()
def issue_payout(payout_id: int) -> None:
    services.issue_payout(payout_id)


@task()
def deliver_gift_code(payout_id: int) -> None:
    services.deliver_gift_code(payout_id)
