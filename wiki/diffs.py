"""Side-by-side diffs of two texts, with changed words marked within changed lines.

`diff_texts` builds the rows of the "what changed from revision a to b" page.
Every cell's html is escaped with `html.escape` before `<del>`/`<ins>` markup
is added, so templates may mark it safe. `matching_blocks` is the line matcher
behind it, shared with `wiki.merging`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")

# Past these a changed line is marked whole: word diffs of long or many lines
# cost time and, for rewritten text, show little but noise.
_MAX_WORD_DIFF_CHARS = 2_000
_MAX_WORD_DIFF_PAIRS = 1_000

# Regions with nothing to anchor on go to SequenceMatcher, which costs about
# len(a) * len(b) when an item (a blank line, a space) repeats, so one call may
# spend this many cells per item of input (plus a base allowance, so short
# inputs always get it); regions past that count as changed.
_SEQUENCE_MATCHER_CELLS_PER_ITEM = 10
_SEQUENCE_MATCHER_BASE_CELLS = 2_500
# Anchoring passes may together scan this many times the input before the
# rest falls back, which bounds crafted inputs that would nest them deeply.
_ANCHOR_WORK_FACTOR = 20


@dataclass(frozen=True)
class DiffCell:
    """One side of a row: the line number (None for an empty cell) and safe html."""

    number: int | None
    html: str


@dataclass(frozen=True)
class DiffRow:
    """A row of the side-by-side diff; kind is equal, replace, delete, insert or skip."""

    kind: str
    left: DiffCell
    right: DiffCell


@dataclass(frozen=True)
class TextDiff:
    """The rows of a diff and its line counts; identical means old == new."""

    rows: list[DiffRow]
    added_lines: int
    removed_lines: int
    identical: bool


_EMPTY_CELL = DiffCell(number=None, html="")


def diff_texts(old: str, new: str, *, context: int = 3) -> TextDiff:
    """Rows comparing `old` (left) with `new` (right), unchanged runs cut to `context` lines.

    Lines are compared without their line ends, so texts that differ only in
    line ends (such as a final newline) give no rows, with identical False.
    """
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    if old_lines == new_lines:
        return TextDiff(rows=[], added_lines=0, removed_lines=0, identical=old == new)

    opcodes = _opcodes(matching_blocks(old_lines, new_lines))
    rows: list[DiffRow] = []
    added = removed = 0
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            head = 0 if index == 0 else context
            tail = 0 if index == len(opcodes) - 1 else context
            rows += _equal_rows(old_lines, i1, i2, j1, head=head, tail=tail)
        else:
            removed += i2 - i1
            added += j2 - j1
            rows += _changed_rows(old_lines[i1:i2], new_lines[j1:j2], i1, j1)
    return TextDiff(rows=rows, added_lines=added, removed_lines=removed, identical=False)


def matching_blocks(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    *,
    base_cells: int = _SEQUENCE_MATCHER_BASE_CELLS,
) -> list[tuple[int, int, int]]:
    """Matching runs (i, j, size) of `a` and `b` in order, ending with (len(a), len(b), 0).

    The same shape as SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks(),
    but anchored first on items found once on each side (patience diff), so long
    texts with many edits or many blank lines stay near-linear. A region with no
    such item anchors on items found as often on each side, else goes to
    SequenceMatcher while its budget lasts (`base_cells` plus a share per item),
    else counts as changed.
    """
    blocks: list[tuple[int, int, int]] = []
    anchor_work = _ANCHOR_WORK_FACTOR * (len(a) + len(b))
    matcher_cells = base_cells + _SEQUENCE_MATCHER_CELLS_PER_ITEM * (len(a) + len(b))
    regions = [(0, len(a), 0, len(b))]
    while regions:
        alo, ahi, blo, bhi = regions.pop()
        start_a, start_b = alo, blo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo += 1
            blo += 1
        if alo > start_a:
            blocks.append((start_a, start_b, alo - start_a))
        end_a = ahi
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi -= 1
            bhi -= 1
        if ahi < end_a:
            blocks.append((ahi, bhi, end_a - ahi))
        if alo == ahi or blo == bhi:
            continue

        area = (ahi - alo) * (bhi - blo)
        anchors: list[tuple[int, int]] = []
        if anchor_work > 0:
            anchor_work -= (ahi - alo) + (bhi - blo)
            anchors = _anchors(a, alo, ahi, b, blo, bhi, only_unique=area <= matcher_cells)
        if anchors:
            for i, j in anchors:
                blocks.append((i, j, 1))
                regions.append((alo, i, blo, j))
                alo, blo = i + 1, j + 1
            regions.append((alo, ahi, blo, bhi))
        elif area <= matcher_cells:
            matcher_cells -= area
            matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            blocks += [(alo + i, blo + j, n) for i, j, n in matcher.get_matching_blocks() if n]

    merged: list[tuple[int, int, int]] = []
    for i, j, n in sorted(blocks):
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + n)
        else:
            merged.append((i, j, n))
    merged.append((len(a), len(b), 0))
    return merged


def _anchors(
    a: Sequence[Hashable],
    alo: int,
    ahi: int,
    b: Sequence[Hashable],
    blo: int,
    bhi: int,
    *,
    only_unique: bool,
) -> list[tuple[int, int]]:
    """In-order pairs (i, j) of items found once on each side, or else (unless
    `only_unique`) of the k-th occurrences of items found as often on each side."""
    in_a: dict[Hashable, list[int]] = {}
    for i in range(alo, ahi):
        in_a.setdefault(a[i], []).append(i)
    in_b: dict[Hashable, list[int]] = {}
    for j in range(blo, bhi):
        if b[j] in in_a:
            in_b.setdefault(b[j], []).append(j)
    pairs = [
        (at[0], in_b[item][0])
        for item, at in in_a.items()
        if len(at) == 1 and len(in_b.get(item, ())) == 1
    ]
    if not pairs and not only_unique:
        pairs = [
            pair
            for item, at in in_a.items()
            if len(at) == len(in_b.get(item, ()))
            for pair in zip(at, in_b[item], strict=True)
        ]
    pairs.sort()
    return _longest_ordered_run(pairs)


def _longest_ordered_run(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of `pairs` (sorted by i) whose j also increases."""
    pile_tops: list[int] = []  # pile k: index into pairs of the smallest j ending a run of k+1
    pile_js: list[int] = []
    previous = [-1] * len(pairs)
    for p, (_, j) in enumerate(pairs):
        k = bisect_left(pile_js, j)
        if k:
            previous[p] = pile_tops[k - 1]
        if k == len(pile_tops):
            pile_tops.append(p)
            pile_js.append(j)
        else:
            pile_tops[k] = p
            pile_js[k] = j
    run: list[tuple[int, int]] = []
    p = pile_tops[-1] if pile_tops else -1
    while p >= 0:
        run.append(pairs[p])
        p = previous[p]
    run.reverse()
    return run


def _opcodes(blocks: list[tuple[int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher.get_opcodes() for the given matching blocks."""
    opcodes: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for ai, bj, size in blocks:
        if i < ai and j < bj:
            opcodes.append(("replace", i, ai, j, bj))
        elif i < ai:
            opcodes.append(("delete", i, ai, j, bj))
        elif j < bj:
            opcodes.append(("insert", i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            opcodes.append(("equal", ai, i, bj, j))
    return opcodes


def _equal_rows(
    lines: list[str], i1: int, i2: int, j1: int, *, head: int, tail: int
) -> list[DiffRow]:
    """An unchanged run, keeping `head` lines at its start and `tail` at its end."""

    def row(offset: int) -> DiffRow:
        text = escape(lines[i1 + offset], quote=True)
        return DiffRow(
            kind="equal",
            left=DiffCell(number=i1 + offset + 1, html=text),
            right=DiffCell(number=j1 + offset + 1, html=text),
        )

    length = i2 - i1
    if head + tail >= length:
        return [row(offset) for offset in range(length)]
    hidden = length - head - tail
    label = f"{hidden} unchanged line" if hidden == 1 else f"{hidden} unchanged lines"
    skip = DiffRow(
        kind="skip", left=DiffCell(number=None, html=label), right=DiffCell(number=None, html=label)
    )
    return (
        [row(offset) for offset in range(head)]
        + [skip]
        + [row(offset) for offset in range(length - tail, length)]
    )


def _changed_rows(old: list[str], new: list[str], i1: int, j1: int) -> list[DiffRow]:
    """Old and new lines paired one to one; the lines left over are deleted or inserted."""
    pairs = min(len(old), len(new))
    word_diff = pairs <= _MAX_WORD_DIFF_PAIRS
    rows: list[DiffRow] = []
    for k in range(pairs):
        if word_diff and max(len(old[k]), len(new[k])) <= _MAX_WORD_DIFF_CHARS:
            left, right = _mark_words(old[k], new[k])
        else:
            left, right = _wrap("del", old[k]), _wrap("ins", new[k])
        rows.append(
            DiffRow(
                kind="replace",
                left=DiffCell(number=i1 + k + 1, html=left),
                right=DiffCell(number=j1 + k + 1, html=right),
            )
        )
    for k in range(pairs, len(old)):
        cell = DiffCell(number=i1 + k + 1, html=escape(old[k], quote=True))
        rows.append(DiffRow(kind="delete", left=cell, right=_EMPTY_CELL))
    for k in range(pairs, len(new)):
        cell = DiffCell(number=j1 + k + 1, html=escape(new[k], quote=True))
        rows.append(DiffRow(kind="insert", left=_EMPTY_CELL, right=cell))
    return rows


def _mark_words(old: str, new: str) -> tuple[str, str]:
    """Both lines escaped, with the tokens that differ in <del> (old) and <ins> (new)."""
    a = _TOKEN.findall(old)
    b = _TOKEN.findall(new)
    # No base allowance: a diff may word-diff thousands of line pairs.
    opcodes = _opcodes(matching_blocks(a, b, base_cells=0))
    # Whitespace kept between two changes would split one edit into confetti.
    spans: list[tuple[bool, int, int, int, int]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        changed = tag != "equal" or (0 < index < len(opcodes) - 1 and "".join(a[i1:i2]).isspace())
        if changed and spans and spans[-1][0]:
            spans[-1] = (True, spans[-1][1], i2, spans[-1][3], j2)
        else:
            spans.append((changed, i1, i2, j1, j2))

    left: list[str] = []
    right: list[str] = []
    for changed, i1, i2, j1, j2 in spans:
        if changed:
            left.append(_wrap("del", "".join(a[i1:i2])))
            right.append(_wrap("ins", "".join(b[j1:j2])))
        else:
            left.append(escape("".join(a[i1:i2]), quote=True))
            right.append(escape("".join(b[j1:j2]), quote=True))
    return "".join(left), "".join(right)


def _wrap(tag: str, text: str) -> str:
    """`text` escaped and wrapped in <tag>, or "" when there is no text."""
    return f"<{tag}>{escape(text, quote=True)}</{tag}>" if text else ""
