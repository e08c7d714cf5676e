"""Site-wide roles, shared by every app (moderation included, which knows no wiki code)."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied


def can_moderate(user) -> bool:
    """Moderators are superusers and members of the moderators group (cached per user)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_commons_is_moderator", None)
    if cached is None:
        cached = user.groups.filter(name=settings.WIKI_MODERATORS_GROUP).exists()
        user._commons_is_moderator = cached
    return cached


def moderator_ids(users: Iterable) -> set[int]:
    """The ids of the accounts among `users` that can_moderate(), in one query for them all."""
    users = list(users)
    found = {user.pk for user in users if user.is_superuser}
    if users:
        members = get_user_model().objects.filter(
            pk__in=[user.pk for user in users], groups__name=settings.WIKI_MODERATORS_GROUP
        )
        found.update(members.values_list("pk", flat=True))
    return found


def require_moderator(user) -> None:
    """The moderators' gate: every moderator-only view and service passes through it."""
    if not can_moderate(user):
        raise PermissionDenied("Only moderators can do that.")
