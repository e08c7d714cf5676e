"""What the wiki tells the apps above it (commons.events): it announces, they listen."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RevisionSaved:
    """A new revision became its article's current text (heard once the save commits)."""

    revision_id: int
