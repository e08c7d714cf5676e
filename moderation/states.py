"""The states moderated content moves through, and the moves DESIGN.md allows.

pending -> published | spam;  published <-> spam;  any -> removed;  removed -> its previous.
And published -> pending when an untrusted author changes published content: the new
text waits for the check as new content would (moderation.services.recheck).
"""

from django.db import models


class Status(models.TextChoices):
    PENDING = "pending", "awaiting moderation"
    PUBLISHED = "published", "published"
    SPAM = "spam", "spam"
    REMOVED = "removed", "removed"


ALLOWED_MOVES: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.PUBLISHED, Status.SPAM, Status.REMOVED}),
    Status.PUBLISHED: frozenset({Status.PENDING, Status.SPAM, Status.REMOVED}),
    Status.SPAM: frozenset({Status.PUBLISHED, Status.REMOVED}),
    Status.REMOVED: frozenset(),
}


# What a moderator decides in the queue: publish the content, or call it spam. Removing
# and restoring are done from the content's own page.
DECISIONS: frozenset[str] = frozenset({Status.PUBLISHED, Status.SPAM})


def decisions_from(current: str) -> frozenset[str]:
    """The states a moderator's decision may send content in `current` to."""
    return ALLOWED_MOVES[current] & DECISIONS


class IllegalMove(ValueError):
    """A state change DESIGN.md does not allow."""


def check_move(*, current: str, target: str, previous: str = "") -> None:
    """Raise IllegalMove unless content in `current` may move to `target`.

    `previous` is the state removed content had before removal: the only way back.
    """
    if current == Status.REMOVED:
        if target != previous or not previous:
            raise IllegalMove(f"removed content can only go back to {previous or 'nothing'}")
        return
    if target not in ALLOWED_MOVES[current]:
        raise IllegalMove(f"content cannot move from {current} to {target}")
