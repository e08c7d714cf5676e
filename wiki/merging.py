"""Line-based three-way merge of article texts, with diff3 semantics.

`merge_texts` merges two edits made from the same base revision. Regions where
base, mine and theirs all agree are sync points, found by intersecting the
matching blocks of base-vs-mine and base-vs-theirs (`wiki.diffs.matching_blocks`:
SequenceMatcher's blocks, anchored so that long texts stay fast). Between two
sync points a change made by one side only is taken, a change made identically
by both is taken once, and different changes by both are a conflict. A conflict
gives no text: the caller shows both versions, never a text with marker lines.
Undo is the one exception (`merge_texts_marked`): its result always goes to the
editor, never straight to a save, so each conflict is marked there for a person
to resolve.

Edits that touch each other (no unchanged line between them) conflict, as in
diff3 and git. The final newline is merged on its own, so adding lines after
a last line that has no newline, or adding that newline, does not collide with
an edit elsewhere. Inputs are expected to use `\\n` line ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiki.diffs import matching_blocks


@dataclass(frozen=True)
class MergeResult:
    """The merged text, or None, with the number of conflicting regions (which the text of
    merge_texts_marked holds, marked)."""

    text: str | None
    conflicts: int


# What str.splitlines() splits on.
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"

# A stable region: base[0]:base[1] equals mine[0]:mine[1] and theirs[0]:theirs[1].
_Span = tuple[int, int]
_SyncRegion = tuple[_Span, _Span, _Span]


def merge_texts(*, base: str, mine: str, theirs: str) -> MergeResult:
    """Merge `mine` and `theirs`, both edited from `base`; text is None on conflict."""
    text, conflicts = _merge(base, mine, theirs, labels=None)
    return MergeResult(text=None if conflicts else text, conflicts=conflicts)


def merge_texts_marked(
    *, base: str, mine: str, theirs: str, mine_label: str, theirs_label: str
) -> MergeResult:
    """As merge_texts, but a conflict gives a text too: each conflicting region holds both
    sides, mine first, between marker lines that name them (`mine_label`, `theirs_label`)
    and count the conflicts. For an editor to resolve before saving, never to save as is."""
    text, conflicts = _merge(base, mine, theirs, labels=(mine_label, theirs_label))
    return MergeResult(text=text, conflicts=conflicts)


def _merge(base: str, mine: str, theirs: str, *, labels: tuple[str, str] | None) -> tuple[str, int]:
    """The merged text and how many regions conflict; conflicts are left out of the text,
    or marked in it when `labels` name the two sides."""
    if mine == theirs or theirs == base:
        return mine, 0
    if mine == base:
        return theirs, 0
    base_lines, base_eol = _split(base)
    mine_lines, mine_eol = _split(mine)
    theirs_lines, theirs_eol = _split(theirs)

    merged: list[str] = []
    conflicts = 0
    base_at = mine_at = theirs_at = 0
    for (b1, b2), (m1, m2), (t1, t2) in _sync_regions(base_lines, mine_lines, theirs_lines):
        old = base_lines[base_at:b1]
        ours = mine_lines[mine_at:m1]
        others = theirs_lines[theirs_at:t1]
        if ours == old:
            merged += others
        elif others == old or ours == others:
            merged += ours
        else:
            conflicts += 1
            if labels is not None:
                merged += _marked(conflicts, ours, others, labels)
        merged += base_lines[b1:b2]
        base_at, mine_at, theirs_at = b2, m2, t2

    # A boolean cannot conflict: if both sides changed it, they agree.
    ends_with_newline = mine_eol if mine_eol != base_eol else theirs_eol
    text = "".join(merged)
    if not ends_with_newline and text.endswith("\n"):
        text = text[:-1]
    return text, conflicts


def _marked(number: int, ours: list[str], others: list[str], labels: tuple[str, str]) -> list[str]:
    """Conflict `number`: both sides between marker lines in the style of diff3 and git."""
    mine_label, theirs_label = labels
    return [
        f"{CONFLICT_START} conflict {number}: {mine_label}\n",
        *ours,
        f"{CONFLICT_SEPARATOR} {theirs_label}\n",
        *others,
        f"{CONFLICT_END} end of conflict {number}\n",
    ]


# The marker lines' openings: seven characters, as diff3 and git write them.
CONFLICT_START = "<" * 7
CONFLICT_SEPARATOR = "=" * 7
CONFLICT_END = ">" * 7


def _split(text: str) -> tuple[list[str], bool]:
    """Lines with their ends, the last one given a newline; and whether it had one."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[-1][-1] in _LINE_BREAKS:
        return lines, True
    lines[-1] += "\n"
    return lines, False


def _sync_regions(base: list[str], mine: list[str], theirs: list[str]) -> list[_SyncRegion]:
    """Regions unchanged on both sides, in order, ending with an empty one at the end."""
    mine_blocks = matching_blocks(base, mine)
    theirs_blocks = matching_blocks(base, theirs)

    regions: list[_SyncRegion] = []
    i = j = 0
    # Both block lists end with a zero-length sentinel, which never intersects.
    while i < len(mine_blocks) and j < len(theirs_blocks):
        m_base, m_at, m_size = mine_blocks[i]
        t_base, t_at, t_size = theirs_blocks[j]
        start = max(m_base, t_base)
        end = min(m_base + m_size, t_base + t_size)
        if start < end:
            regions.append(
                (
                    (start, end),
                    (m_at + start - m_base, m_at + end - m_base),
                    (t_at + start - t_base, t_at + end - t_base),
                )
            )
        # Advance whichever block ends first in base; the other may meet the next one too.
        if m_base + m_size < t_base + t_size:
            i += 1
        else:
            j += 1

    regions.append(((len(base), len(base)), (len(mine), len(mine)), (len(theirs), len(theirs))))
    return regions
