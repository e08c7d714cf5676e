import random
import re
from difflib import SequenceMatcher

from wiki.diffs import DiffCell, DiffRow, TextDiff, diff_texts, matching_blocks


def _lines(count: int, prefix: str = "line") -> list[str]:
    return [f"{prefix} {n}" for n in range(1, count + 1)]


def _numbers(diff: TextDiff) -> list[tuple[str, int | None, int | None]]:
    return [(row.kind, row.left.number, row.right.number) for row in diff.rows]


def test_a_changed_word_is_marked_within_a_changed_line():
    diff = diff_texts("the quick brown fox\n", "the quick red fox\n")

    assert diff.rows == [
        DiffRow(
            kind="replace",
            left=DiffCell(number=1, html="the quick <del>brown</del> fox"),
            right=DiffCell(number=1, html="the quick <ins>red</ins> fox"),
        )
    ]


def test_neighbouring_changed_words_are_marked_as_one_change():
    diff = diff_texts("keep one two keep", "keep three four keep")

    assert diff.rows[0].left.html == "keep <del>one two</del> keep"
    assert diff.rows[0].right.html == "keep <ins>three four</ins> keep"


def test_added_and_removed_lines_are_counted():
    old = "\n".join(["a", "b", "c", "d"])
    new = "\n".join(["a", "B", "c", "x", "y"])

    diff = diff_texts(old, new)

    assert (diff.added_lines, diff.removed_lines, diff.identical) == (3, 2, False)


def test_long_unchanged_runs_are_collapsed_to_the_context_around_a_change():
    old = _lines(20)
    new = list(old)
    new[9] = "line ten"

    diff = diff_texts("\n".join(old), "\n".join(new), context=3)

    assert _numbers(diff) == (
        [("skip", None, None)]
        + [("equal", n, n) for n in (7, 8, 9)]
        + [("replace", 10, 10)]
        + [("equal", n, n) for n in (11, 12, 13)]
        + [("skip", None, None)]
    )
    assert diff.rows[0].left.html == diff.rows[0].right.html == "6 unchanged lines"
    assert diff.rows[-1].left.html == "7 unchanged lines"


def test_an_unchanged_run_between_changes_keeps_context_on_both_sides():
    old = _lines(12)
    new = ["first", *old[1:11], "last"]

    diff = diff_texts("\n".join(old), "\n".join(new), context=2)

    assert _numbers(diff) == (
        [("replace", 1, 1), ("equal", 2, 2), ("equal", 3, 3), ("skip", None, None)]
        + [("equal", 10, 10), ("equal", 11, 11), ("replace", 12, 12)]
    )
    assert diff.rows[3].left.html == "6 unchanged lines"


def test_an_unchanged_run_no_longer_than_twice_the_context_is_shown_whole():
    old = _lines(6)
    new = ["first", *old[1:5], "last"]

    diff = diff_texts("\n".join(old), "\n".join(new), context=2)

    assert [row.kind for row in diff.rows] == ["replace"] + ["equal"] * 4 + ["replace"]


def test_a_single_hidden_line_is_named_in_the_singular():
    old = _lines(5)
    new = ["first", *old[1:4], "last"]

    diff = diff_texts("\n".join(old), "\n".join(new), context=1)

    assert diff.rows[2] == DiffRow(
        kind="skip",
        left=DiffCell(number=None, html="1 unchanged line"),
        right=DiffCell(number=None, html="1 unchanged line"),
    )


def test_html_in_the_texts_is_escaped_on_every_kind_of_row():
    old = "\n".join(
        [
            'same <script>alert("x")</script> & more',
            "<b>changed</b> & 'quoted'",
            "<i>deleted</i>",
        ]
    )
    new = "\n".join(
        [
            'same <script>alert("x")</script> & more',
            '<b>edited</b> & "quoted"',
            "<img src=x onerror=alert(1)>",
            "<u>inserted</u> & done",
        ]
    )

    diff = diff_texts(old, new, context=10)

    assert {row.kind for row in diff.rows} == {"equal", "replace", "insert"}
    cells = [cell.html for row in diff.rows for cell in (row.left, row.right)]
    for html in cells:
        without_markup = re.sub(r"</?(del|ins)>", "", html)
        assert "<" not in without_markup and ">" not in without_markup
        assert '"' not in without_markup and "'" not in without_markup
        assert not re.search(r"&(?!(amp|lt|gt|quot|#x27);)", without_markup)
    assert diff.rows[0].left.html == (
        "same &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"
    )
    assert diff.rows[1].left.html == (
        "&lt;b&gt;<del>changed</del>&lt;/b&gt; &amp; <del>&#x27;</del>quoted<del>&#x27;</del>"
    )


def test_html_in_deleted_and_long_lines_is_escaped():
    long_line = "<script>" + "x" * 3000

    diff = diff_texts("<i>gone</i>\n<i>also gone</i>", long_line)

    assert diff.rows == [
        DiffRow(
            kind="replace",
            left=DiffCell(1, "<del>&lt;i&gt;gone&lt;/i&gt;</del>"),
            right=DiffCell(1, f"<ins>&lt;script&gt;{'x' * 3000}</ins>"),
        ),
        DiffRow(
            kind="delete",
            left=DiffCell(2, "&lt;i&gt;also gone&lt;/i&gt;"),
            right=DiffCell(None, ""),
        ),
    ]


def test_identical_texts_have_no_rows():
    assert diff_texts("same\ntext\n", "same\ntext\n") == TextDiff(
        rows=[], added_lines=0, removed_lines=0, identical=True
    )


def test_texts_differing_only_in_the_final_newline_have_no_rows_but_are_not_identical():
    diff = diff_texts("same\ntext", "same\ntext\n")

    assert diff == TextDiff(rows=[], added_lines=0, removed_lines=0, identical=False)


def test_an_empty_old_text_shows_every_line_inserted():
    diff = diff_texts("", "first\nsecond\n")

    assert diff == TextDiff(
        rows=[
            DiffRow(kind="insert", left=DiffCell(None, ""), right=DiffCell(1, "first")),
            DiffRow(kind="insert", left=DiffCell(None, ""), right=DiffCell(2, "second")),
        ],
        added_lines=2,
        removed_lines=0,
        identical=False,
    )


def test_an_emptied_text_shows_every_line_deleted():
    diff = diff_texts("first\nsecond", "")

    assert _numbers(diff) == [("delete", 1, None), ("delete", 2, None)]
    assert (diff.added_lines, diff.removed_lines) == (0, 2)


def test_line_numbers_follow_each_side():
    old = "\n".join(["a", "b", "c", "d", "e"])
    new = "\n".join(["new", "a", "c", "D", "D2", "e", "end"])

    diff = diff_texts(old, new)

    assert _numbers(diff) == [
        ("insert", None, 1),
        ("equal", 1, 2),
        ("delete", 2, None),
        ("equal", 3, 3),
        ("replace", 4, 4),
        ("insert", None, 5),
        ("equal", 5, 6),
        ("insert", None, 7),
    ]


def test_lines_left_over_in_a_replaced_block_are_deleted():
    diff = diff_texts("keep\none\ntwo\nthree\nkeep too", "keep\nONE\nkeep too")

    assert _numbers(diff) == [
        ("equal", 1, 1),
        ("replace", 2, 2),
        ("delete", 3, None),
        ("delete", 4, None),
        ("equal", 5, 3),
    ]
    assert diff.rows[2].left.html == "two"


def test_a_very_long_changed_line_is_marked_whole():
    old = "word " * 1000
    new = "word " * 999 + "other"

    row = diff_texts(old, new).rows[0]

    assert row.left.html == f"<del>{old}</del>"
    assert row.right.html == f"<ins>{new}</ins>"


def test_blank_lines_between_edited_paragraphs_still_match():
    paragraphs = [f"Paragraph {n} says something." for n in range(40)]
    edited = [p.replace("says", "claims") for p in paragraphs]

    diff = diff_texts("\n\n".join(paragraphs), "\n\n".join(edited), context=1)

    assert (diff.added_lines, diff.removed_lines) == (40, 40)
    assert diff.rows[0].left.html == "Paragraph 0 <del>says</del> something."
    assert diff.rows[0].right.html == "Paragraph 0 <ins>claims</ins> something."
    assert [row.kind for row in diff.rows[:4]] == ["replace", "equal", "replace", "equal"]


def _words(rng: random.Random, count: int) -> str:
    vocabulary = ["alpha", "beta", "gamma", "delta", "the", "a", "of", "wiki", "<tag>", "&"]
    return " ".join(rng.choice(vocabulary) + str(rng.randrange(50)) for _ in range(count))


def test_two_large_texts_with_many_changed_lines_are_diffed():
    rng = random.Random(7)
    old_lines = [_words(rng, rng.randrange(0, 18)) for _ in range(1000)]
    new_lines = [
        _words(rng, 8) if n % 3 == 0 else line.replace("alpha", "omega")
        for n, line in enumerate(old_lines)
    ]
    old, new = "\n".join(old_lines), "\n".join(new_lines)
    assert len(old) > 50_000

    diff = diff_texts(old, new)

    assert diff.removed_lines >= 334
    for side in ("left", "right"):
        numbers = [getattr(row, side).number for row in diff.rows]
        numbers = [number for number in numbers if number is not None]
        assert numbers == sorted(set(numbers))
        assert numbers[0] >= 1 and numbers[-1] <= 1000


def test_two_totally_different_large_texts_are_diffed():
    rng = random.Random(8)
    old = "\n\n".join(_words(rng, 200) for _ in range(40))
    new = "\n\n".join(_words(rng, 200) for _ in range(40))

    diff = diff_texts(old, new)

    assert (diff.added_lines, diff.removed_lines) == (40, 40)


def test_matching_blocks_are_real_matches_in_order_like_sequence_matchers():
    rng = random.Random(3)
    new_items = iter(range(-1, -10_000, -1))
    for _ in range(500):
        alphabet = rng.choice([3, 20, 10_000])
        a = [rng.randrange(alphabet) for _ in range(rng.randrange(40))]
        b = list(a)
        for _ in range(rng.randrange(5)):
            at = rng.randrange(len(b) + 1)
            b[at : at + rng.randrange(3)] = [next(new_items) for _ in range(rng.randrange(3))]

        blocks = matching_blocks(a, b)

        assert blocks[-1] == (len(a), len(b), 0)
        i_end = j_end = 0
        for i, j, size in blocks[:-1]:
            assert size > 0 and i >= i_end and j >= j_end
            assert a[i : i + size] == b[j : j + size]
            i_end, j_end = i + size, j + size
        if len(set(a)) == len(a):
            expected = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
            assert sum(size for *_, size in blocks) == sum(size for *_, size in expected)
