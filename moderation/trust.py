"""Who is trusted: their content is published without waiting for a check.

Apps register how to count users' published contributions; moderation knows no models.
A counter takes many users at once, so a page that shows many authors (the queue) pays
one query per counter, not one per author.
"""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from commons.roles import can_moderate, moderator_ids

# User ids -> each one's published count (users with none may be left out), in one query.
ContributionCounter = Callable[[Collection[int]], Mapping[int, int]]
_counters: list[ContributionCounter] = []


def register_contribution_counter(counter: ContributionCounter) -> None:
    """Called from an app's AppConfig.ready() with a function: user ids -> published counts."""
    if counter not in _counters:
        _counters.append(counter)


def accepted_contributions(user_ids: Collection[int]) -> dict[int, int]:
    """Each user's published contributions in every app: one query per registered counter."""
    totals = dict.fromkeys(user_ids, 0)
    if not totals:
        return totals
    for counter in _counters:
        for pk, count in counter(list(totals)).items():
            totals[pk] += count
    return totals


def _enough(counts: Iterable[int]) -> bool:
    needed = settings.MODERATION_TRUSTED_CONTRIBUTIONS
    total = 0
    for count in counts:
        total += count
        if total >= needed:
            return True
    return total >= needed


def is_trusted(user) -> bool:
    """Staff, moderators, and users with enough published contributions."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or can_moderate(user):
        return True
    return _enough(counter([user.pk]).get(user.pk, 0) for counter in _counters)


@dataclass(frozen=True)
class Standing:
    """What moderators see of an author beside their content."""

    trusted: bool
    joined: datetime
    accepted: int  # published contributions, edits and comments together


def standings(users: Iterable) -> dict[int, Standing]:
    """Each account's standing by id, by the rule of is_trusted, for many accounts at once:
    one query for who moderates and one per counter, whatever their number (None skipped)."""
    people = {user.pk: user for user in users if user is not None}
    if not people:
        return {}
    moderators = moderator_ids(people.values())
    accepted = accepted_contributions(people)
    return {
        pk: Standing(
            trusted=user.is_staff or pk in moderators or _enough([accepted[pk]]),
            joined=user.date_joined,
            accepted=accepted[pk],
        )
        for pk, user in people.items()
    }
