"""What the wiki tells the apps above it (commons.events): it announces, they listen."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RevisionSaved:
    """A new revision became its article's current text (heard once the save commits)."""

    revision_id: int


@dataclass(frozen=True)
class RevisionAccepted:
    """A person or the spam check accepted a revision as it stands (heard after commit)."""

    revision_id: int
