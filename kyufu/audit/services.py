"""Writing audit rows; every state-changing staff service calls record()."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from kyufu.tenants.models import Municipality

from .models import AuditEvent


def record(
    action: str,
    obj: models.Model,
    *,
    municipality: Municipality,
    actor: User | AnonymousUser | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row. Call inside the transaction of the change."""
    real_actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        municipality=municipality,
        actor=real_actor,
        actor_label=real_actor.get_username() if real_actor else "system",
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )
