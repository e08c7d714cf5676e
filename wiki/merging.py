"""Line-based three-way merge of article texts, with diff3 semantics.

`merge_texts` merges two edits made from the same base revision. Regions where
base, mine and theirs all agree are sync points, found by intersecting the
matching blocks of base-vs-mine and base-vs-theirs (`wiki.diffs.matching_blocks`:
SequenceMatcher's blocks, anchored so that long texts stay fast). Between two
sync points a change made by one side only is taken, a change made identically
by both is taken once, and different changes by both are a conflict. A conflict
gives no text: the caller shows both versions, never a text with marker lines.

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
    """The merged text, or None with the number of conflicting regions."""

    text: str | None
    conflicts: int


# What str.splitlines() splits on.
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"

# A stable region: base[0]:base[1] equals mine[0]:mine[1] and theirs[0]:theirs[1].
_Span = tuple[int, int]
_SyncRegion = tuple[_Span, _Span, _Span]


def merge_texts(*, base: str, mine: str, theirs: str) -> MergeResult:
    """Merge `mine` and `theirs`, both edited from `base`; text is None on conflict."""
    if mine == theirs or theirs == base:
        return MergeResult(text=mine, conflicts=0)
    if mine == base:
        return MergeResult(text=theirs, conflicts=0)

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
        merged += base_lines[b1:b2]
        base_at, mine_at, theirs_at = b2, m2, t2

    if conflicts:
        return MergeResult(text=None, conflicts=conflicts)

    # A boolean cannot conflict: if both sides changed it, they agree.
    ends_with_newline = mine_eol if mine_eol != base_eol else theirs_eol
    text = "".join(merged)
    if not ends_with_newline and text.endswith("\n"):
        text = text[:-1]
    return MergeResult(text=text, conflicts=0)


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
