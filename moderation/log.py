"""The moderators' log: one row per action, written by the service that acts.

Every app records its moderator actions here (lock, archive, hide, move, undo, rollback,
blocks, trust, blocklists, decisions) in the same transaction as the action itself, so
the log never claims what did not happen and never misses what did.
"""

from __future__ import annotations

from dataclasses import dataclass

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
