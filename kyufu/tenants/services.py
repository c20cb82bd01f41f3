"""Tenant look-ups: which municipality a staff user acts for."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from .models import Municipality, StaffMembership, StaffRole


def membership_of(user: User | AnonymousUser) -> StaffMembership:
    """Return the user's membership, or deny: staff without one see nothing."""
    if not user.is_authenticated:
        raise PermissionDenied
    try:
        return StaffMembership.objects.select_related("municipality").get(user=user)
    except StaffMembership.DoesNotExist:
        raise PermissionDenied from None


def municipality_of(user: User | AnonymousUser) -> Municipality:
    return membership_of(user).municipality


def require_role(user: User | AnonymousUser, *roles: StaffRole) -> StaffMembership:
    membership = membership_of(user)
    if membership.role not in roles:
        raise PermissionDenied
    return membership
