"""What moderation tells the apps above it (commons.events): it announces, they listen."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentMoved:
    """Moderated content moved from one state to another (moderation.services._move, the
    one door), logged as ModerationEvent `moderation_event_id`; heard after commit."""

    moderation_event_id: int
    content_type_id: int
    object_id: int
    old_status: str
    new_status: str
    actor_kind: str  # moderation.models.Actor
    actor_id: int | None
    reason: str
