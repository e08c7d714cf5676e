"""The moderators' log: one row per action, written by the service that acts.

Every app records its moderator actions here (lock, archive, hide, move, undo, rollback,
blocks, trust, blocklists, decisions) in the same transaction as the action itself, so
the log never claims what did not happen and never misses what did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from moderation.models import Actor, LogEntry


@dataclass(frozen=True)
class Target:
    """What an action was done to, as the log shows it."""

    kind: str  # a moderation.models.TargetKind value
    id: object
    label: str
    url: str = ""


def record(
    action: str, *, actor, target: Target, reason: str = "", actor_kind: str = Actor.MODERATOR
) -> LogEntry:
    """Log one action (a moderation.models.LogAction value); `actor` None is the system."""
    return LogEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_kind=actor_kind,
        target_kind=target.kind,
        target_id=str(target.id)[:64],
        target_label=target.label[:300],
        target_url=target.url[:500],
        reason=reason.strip()[:500],
    )


def latest(*actions: str, kind: str, target_id: object) -> LogEntry | None:
    """The newest entry of one of `actions` about a target, with its actor (one query):
    what a page says about who archived, locked or hid it, when and why."""
    entries = LogEntry.objects.about(kind, target_id).filter(action__in=actions)
    return entries.select_related("actor").order_by("-created_at", "-id").first()


# kind -> functions giving, for one target of that kind, the other targets that belong to
# it (an article's revisions and comments): apps above register them in ready().
_parts: dict[str, list[Callable[[str], Q]]] = {}


def register_parts(kind: str, parts: Callable[[str], Q]) -> None:
    """Let the log for a target of `kind` include the targets `parts(target_id)` selects
    (a filter on LogEntry, e.g. the revisions of an article)."""
    if parts not in _parts.setdefault(kind, []):
        _parts[kind].append(parts)


def about(kind: str, target_id: str) -> Q:
    """The entries about a target and about the parts registered for its kind: one filter."""
    found = Q(target_kind=kind, target_id=target_id)
    for parts in _parts.get(kind, ()):
        found |= parts(target_id)
    return found
