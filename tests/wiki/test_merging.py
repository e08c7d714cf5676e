import random
from collections.abc import Iterator

from wiki.merging import MergeResult, merge_texts

FIVE_LINES = "one\ntwo\nthree\nfour\nfive\n"


def test_edits_on_different_lines_merge_both_changes():
    result = merge_texts(
        base=FIVE_LINES,
        mine="one\nTWO\nthree\nfour\nfive\n",
        theirs="one\ntwo\nthree\nFOUR\nfive\n",
    )

    assert result == MergeResult(text="one\nTWO\nthree\nFOUR\nfive\n", conflicts=0)


def test_edits_on_the_same_line_conflict():
    result = merge_texts(
        base=FIVE_LINES,
        mine="one\ntwo\nmy three\nfour\nfive\n",
        theirs="one\ntwo\ntheir three\nfour\nfive\n",
    )

    assert result == MergeResult(text=None, conflicts=1)


def test_edits_on_touching_lines_conflict_as_in_diff3():
    result = merge_texts(
        base=FIVE_LINES,
        mine="one\nTWO\nthree\nfour\nfive\n",
        theirs="one\ntwo\nTHREE\nfour\nfive\n",
    )

    assert result.text is None
    assert result.conflicts == 1


def test_insertions_at_the_same_point_with_different_text_conflict():
    result = merge_texts(
        base=FIVE_LINES,
        mine="one\ntwo\nmine\nthree\nfour\nfive\n",
        theirs="one\ntwo\ntheirs\nthree\nfour\nfive\n",
    )

    assert result == MergeResult(text=None, conflicts=1)


def test_identical_changes_on_both_sides_are_taken_once():
    result = merge_texts(
        base=FIVE_LINES,
        mine="zero\none\nTWO\nthree\nfour\nfive\n",
        theirs="one\nTWO\nthree\nfour\nFIVE\n",
    )

    assert result == MergeResult(text="zero\none\nTWO\nthree\nfour\nFIVE\n", conflicts=0)


def test_each_overlapping_region_counts_as_one_conflict():
    result = merge_texts(
        base=FIVE_LINES,
        mine="ONE\ntwo\nthree\nfour\nFIVE\n",
        theirs="1\ntwo\nthree\nfour\n5\n",
    )

    assert result == MergeResult(text=None, conflicts=2)


def test_a_deletion_merges_with_an_edit_elsewhere():
    result = merge_texts(
        base=FIVE_LINES,
        mine="one\nthree\nfour\nfive\n",
        theirs="one\ntwo\nthree\nfour\nFIVE\n",
    )

    assert result == MergeResult(text="one\nthree\nfour\nFIVE\n", conflicts=0)


def test_unchanged_mine_takes_theirs():
    theirs = "one\nchanged\n"

    assert merge_texts(base=FIVE_LINES, mine=FIVE_LINES, theirs=theirs).text == theirs


def test_unchanged_theirs_keeps_mine():
    mine = "one\nchanged\n"

    assert merge_texts(base=FIVE_LINES, mine=mine, theirs=FIVE_LINES).text == mine


def test_identical_mine_and_theirs_is_taken_as_is():
    same = "a rewrite\nof everything\n"

    assert merge_texts(base=FIVE_LINES, mine=same, theirs=same) == MergeResult(
        text=same, conflicts=0
    )


def test_both_creating_the_same_text_from_an_empty_base_merges():
    assert merge_texts(base="", mine="hello\n", theirs="hello\n").text == "hello\n"


def test_both_creating_different_texts_from_an_empty_base_conflict():
    result = merge_texts(base="", mine="hello\n", theirs="goodbye\n")

    assert result == MergeResult(text=None, conflicts=1)


def test_one_side_creating_from_an_empty_base_takes_that_text():
    assert merge_texts(base="", mine="", theirs="new page\n").text == "new page\n"


def test_a_missing_final_newline_stays_missing():
    result = merge_texts(base="a\nb\nc\nd", mine="A\nb\nc\nd", theirs="a\nb\nc\nD")

    assert result.text == "A\nb\nc\nD"


def test_lines_added_after_a_last_line_without_newline_merge_with_an_edit_elsewhere():
    result = merge_texts(
        base="a\nb\nc\nd",
        mine="A\nb\nc\nd",
        theirs="a\nb\nc\nd\ne",
    )

    assert result.text == "A\nb\nc\nd\ne"


def test_a_final_newline_added_on_one_side_merges_with_an_edit_elsewhere():
    result = merge_texts(base="a\nb\nc\nd", mine="a\nb\nc\nd\n", theirs="A\nb\nc\nd")

    assert result.text == "A\nb\nc\nd\n"


def test_blank_lines_between_edited_paragraphs_keep_the_edits_apart():
    paragraphs = [f"Paragraph {n} says something." for n in range(1, 41)]
    base = "\n\n".join(paragraphs) + "\n"
    mine = base.replace("Paragraph 1 says", "Paragraph 1 now says")
    mine = mine.replace("Paragraph 30 says", "Paragraph 30 now says")
    theirs = base.replace("Paragraph 2 says", "Paragraph 2 also says")
    theirs = theirs.replace("Paragraph 40 says", "Paragraph 40 also says")

    result = merge_texts(base=base, mine=mine, theirs=theirs)

    assert result.conflicts == 0
    assert result.text == (
        mine.replace("Paragraph 2 says", "Paragraph 2 also says").replace(
            "Paragraph 40 says", "Paragraph 40 also says"
        )
    )


def test_a_5000_line_text_with_edits_throughout_merges():
    base_lines = [f"line {n}" if n % 3 else "" for n in range(5000)]
    mine_lines = list(base_lines)
    theirs_lines = list(base_lines)
    for n in range(1, 5000, 30):
        mine_lines[n] = f"mine {n}"
        theirs_lines[n + 15] = f"theirs {n + 15}"
    expected = list(mine_lines)
    for n in range(16, 5000, 30):
        expected[n] = f"theirs {n}"

    result = merge_texts(
        base="\n".join(base_lines) + "\n",
        mine="\n".join(mine_lines) + "\n",
        theirs="\n".join(theirs_lines) + "\n",
    )

    assert result == MergeResult(text="\n".join(expected) + "\n", conflicts=0)


# Property-style checks over random edits of texts whose lines are all different,
# so that which base lines an edit touched is never ambiguous.

Edit = tuple[int, int, list[str]]  # replace base[start:end] with the lines


def _apply(base: list[str], edits: list[Edit]) -> list[str]:
    lines = list(base)
    for start, end, replacement in sorted(edits, reverse=True):
        lines[start:end] = replacement
    return lines


def _text(lines: list[str], *, final_newline: bool) -> str:
    return "\n".join(lines) + ("\n" if final_newline and lines else "")


def _random_edits(rng: random.Random, size: int, case: int) -> list[Edit]:
    """Non-empty edits of base ranges with at least one untouched line between any two."""
    edits: list[Edit] = []
    position = 0
    while len(edits) < 6:
        start = position + rng.randrange(0, 4)
        end = start + rng.randrange(0, 3)
        if end > size:
            break
        replacement = [f"new {case}.{len(edits)}.{k}" for k in range(rng.randrange(0, 3))]
        if start == end and not replacement:
            replacement = [f"new {case}.{len(edits)}"]
        edits.append((start, end, replacement))
        position = end + 1
    return edits


def _random_cases(count: int) -> Iterator[tuple[list[str], list[Edit], list[Edit], bool]]:
    rng = random.Random(20240611)
    for case in range(count):
        base = [f"base {case}.{n}" for n in range(rng.randrange(0, 30))]
        edits = _random_edits(rng, len(base), case)
        sides = [rng.random() < 0.5 for _ in edits]
        mine = [edit for edit, is_mine in zip(edits, sides, strict=True) if is_mine]
        theirs = [edit for edit, is_mine in zip(edits, sides, strict=True) if not is_mine]
        yield base, mine, theirs, rng.random() < 0.7


def test_edits_of_separate_line_ranges_always_merge_to_both_edits():
    for base, mine_edits, theirs_edits, final_newline in _random_cases(300):
        base_text = _text(base, final_newline=final_newline)
        mine = _text(_apply(base, mine_edits), final_newline=final_newline)
        theirs = _text(_apply(base, theirs_edits), final_newline=final_newline)
        both = _text(_apply(base, mine_edits + theirs_edits), final_newline=final_newline)

        merged = merge_texts(base=base_text, mine=mine, theirs=theirs)
        swapped = merge_texts(base=base_text, mine=theirs, theirs=mine)

        assert merged == MergeResult(text=both, conflicts=0), (base_text, mine, theirs)
        assert swapped == merged


def test_merging_a_text_with_itself_or_with_the_base_gives_that_text():
    for base, mine_edits, theirs_edits, final_newline in _random_cases(300):
        base_text = _text(base, final_newline=final_newline)
        edited = _text(_apply(base, mine_edits + theirs_edits), final_newline=final_newline)

        assert merge_texts(base=base_text, mine=edited, theirs=edited).text == edited
        assert merge_texts(base=base_text, mine=base_text, theirs=edited).text == edited
        assert merge_texts(base=base_text, mine=edited, theirs=base_text).text == edited
