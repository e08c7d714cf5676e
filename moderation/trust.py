"""Who is trusted: their content is published without waiting for a check.

Apps register how to count a user's published contributions; moderation knows no models.
"""

from collections.abc import Callable

from django.conf import settings

from commons.roles import can_moderate

ContributionCounter = Callable[[object], int]
_counters: list[ContributionCounter] = []


def register_contribution_counter(counter: ContributionCounter) -> None:
    """Called from an app's AppConfig.ready() with a function user -> published count."""
    if counter not in _counters:
        _counters.append(counter)


def is_trusted(user) -> bool:
    """Staff, moderators, and users with enough published contributions."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or can_moderate(user):
        return True
    needed = settings.MODERATION_TRUSTED_CONTRIBUTIONS
    total = 0
    for count in _counters:
        total += count(user)
        if total >= needed:
            return True
    return False
