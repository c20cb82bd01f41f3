"""Audit rows can be added, never changed or removed."""

import pytest

from kyufu.audit.models import AppendOnlyError, AuditEvent
from kyufu.audit.services import record


@pytest.fixture
def event(municipality, alice):  # type: ignore[no-untyped-def]
    return record(
        "programme.updated",
        municipality,
        municipality=municipality,
        actor=alice,
        before={"budget_yen": 1},
        after={"budget_yen": 2},
    )


def test_record_keeps_who_what_when_before_after(event: AuditEvent) -> None:
    assert event.actor_label == "alice"
    assert event.action == "programme.updated"
    assert event.object_type == "tenants.Municipality"
    assert event.before == {"budget_yen": 1} and event.after == {"budget_yen": 2}
    assert event.created_at is not None


def test_system_actions_are_labelled_system(municipality) -> None:  # type: ignore[no-untyped-def]
    assert (
        record(
            "payout.created", municipality, municipality=municipality, actor=None
        ).actor_label
        == "system"
    )


def test_saving_again_is_refused(event: AuditEvent) -> None:
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_deleting_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
