"""What the discussion tells the apps above it (commons.events): it announces, they listen."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CommentPublished:
    """A comment became visible to every reader: posted by a trusted author, or accepted."""

    comment_id: int


@dataclass(frozen=True)
class CommentEdited:
    """A published comment's new text is visible to every reader (a trusted edit; others
    are published again, CommentPublished, once accepted)."""

    comment_id: int


@dataclass(frozen=True)
class RepliesWanted:
    """An anonymous commenter asked to be e-mailed the replies to their comment."""

    comment_id: int
    email: str
