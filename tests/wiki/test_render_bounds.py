"""Rendering costs a bounded amount for every source up to the size limit.

The output stays within OUTPUT_BYTES_PER_SOURCE_BYTE times the source (plus a
floor) or the render is refused; a render past WIKI_RENDER_BUDGET_SECONDS is
refused; a refused text comes back in its form. No timed assertions: the time
budget is forced by setting it below zero.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from tests.wiki.helpers import make_article
from wiki.markup import TooComplexToRender, render_comment_markdown, render_markdown
from wiki.markup._render import OUTPUT_BYTES_PER_SOURCE_BYTE, OUTPUT_FLOOR_BYTES
from wiki.models import Revision

FOOTNOTE_BOMB = "x[^1] " * 87_000 + "\n\n[^1]: n\n"  # 512 KB, one footnote used 87,000 times


def output_cap(source: str) -> int:
    return OUTPUT_FLOOR_BYTES + OUTPUT_BYTES_PER_SOURCE_BYTE * len(source.encode())


def size(html: str) -> int:
    return len(html.encode())


# --- The shapes found by the search (bench/wiki_bench.py times them at 512 KB) ---


def test_a_footnote_referenced_87_000_times_renders_small() -> None:
    html = render_markdown(FOOTNOTE_BOMB)
    assert size(html) < 2 * len(FOOTNOTE_BOMB)


def test_a_footnote_links_back_to_its_first_ten_uses_only() -> None:
    source = "".join(f"Use {i}[^n].\n\n" for i in range(50)) + "[^n]: The note.\n"
    html = render_markdown(source)
    assert html.count('class="footnote-ref"') == 50
    assert html.count('class="footnote-backref"') == 10


def test_a_wide_table_of_one_letter_rows_is_not_padded_into_millions_of_cells() -> None:
    columns = 200
    source = "|" + "a|" * columns + "\n|" + ":-:|" * columns + "\n" + "a\n" * 2_000
    html = render_markdown(source)
    assert size(html) <= OUTPUT_BYTES_PER_SOURCE_BYTE * len(source)


def test_normal_tables_keep_their_padding() -> None:
    html = render_markdown("| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 | 3 |\n")
    assert html.count("<td") == 6


# --- The generator: hostile shapes, repeated and mixed ------------------------

UNITS = [
    "x[^1] ",
    "[^1]",
    "[^a]: b\n\n",
    "[a][r] ",
    "[r] ",
    "[a](b) ",
    "![a](b) ",
    "*a* ",
    "***a*** ",
    "_a_ ",
    "*",
    "&amp;",
    "&#x1F600;",
    "<",
    "\\*",
    "http://a.b ",
    "<http://a.b> ",
    "[[a]] ",
    "`a` ",
    "``",
    "# h\n\n",
    "a\n-\n\n",
    ">",
    "> ",
    "- ",
    "    - a\n",
    "1. a\n",
    "|",
    "|a\n|-\n",
    "a\n",
    "    a\n\n",
    "```\n",
    "~~~a\n",
    "a\n: b\n\n",
    "a  \n",
    "[",
    "](",
    "\n",
    "\n\n",
    "***\n\n",
]
TAILS = ["", "\n\n[^1]: n\n", "\n\n[r]: http://e.org/\n", "\n\n[^1]: n\n\n[r]: /x\n"]


@st.composite
def table_heads(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 300))
    align = draw(st.sampled_from(["---", ":-:", ":--", "--:"]))
    return "|" + "a|" * columns + "\n|" + f"{align}|" * columns + "\n"


@st.composite
def hostile_sources(draw: st.DrawFn) -> str:
    head = draw(st.one_of(st.just(""), table_heads()))
    parts = draw(
        st.lists(st.tuples(st.sampled_from(UNITS), st.integers(1, 2_000)), min_size=1, max_size=4)
    )
    body = "".join(unit * count for unit, count in parts)
    return head + body[:8_000] + draw(st.sampled_from(TAILS))


@hypothesis_settings(
    max_examples=200,
    deadline=None,  # no timed assertions: the time budget has its own tests
    derandomize=True,  # the same examples on every run, in CI too
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=hostile_sources())
def test_generated_hostile_sources_stay_within_the_output_cap_or_are_refused(
    source: str,
) -> None:
    for render in (render_markdown, render_comment_markdown):
        try:
            html = render(source)
        except TooComplexToRender:
            continue
        assert size(html) <= output_cap(source)


# --- Refusal: past the time budget, the text comes back in its form -------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def over_budget(settings):
    settings.WIKI_RENDER_BUDGET_SECONDS = -1  # every render is past its deadline


def test_a_render_past_its_budget_is_refused(over_budget) -> None:
    with pytest.raises(TooComplexToRender):
        render_markdown("A *small* text.\n")


def test_a_preview_past_the_budget_says_so_and_hands_the_text_back(client, user, settings) -> None:
    make_article(title="Gardens", user=user)
    client.force_login(user)
    settings.WIKI_RENDER_BUDGET_SECONDS = -1
    response = client.post(
        "/wiki/gardens/edit/",
        {"source": "Kept *text*.\n", "base_number": 1, "preview": "Preview"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This text is too complex to render" in body
    assert "Kept *text*.\n</textarea>" in body


def test_a_save_past_the_budget_says_so_hands_the_text_back_and_saves_nothing(
    client, user, settings
) -> None:
    article = make_article(title="Gardens", user=user)
    client.force_login(user)
    settings.WIKI_RENDER_BUDGET_SECONDS = -1
    response = client.post("/wiki/gardens/edit/", {"source": "Kept text.\n", "base_number": 1})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This text is too complex to render" in body
    assert "Kept text.\n</textarea>" in body
    assert Revision.objects.filter(article=article).count() == 1


def test_a_new_article_past_the_budget_keeps_its_title_and_text(client, user, over_budget) -> None:
    client.force_login(user)
    response = client.post("/wiki/new-page/edit/", {"title": "New page", "source": "Kept text.\n"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This text is too complex to render" in body
    assert 'value="New page"' in body
    assert "Kept text.\n</textarea>" in body


def test_a_comment_past_the_budget_says_so_and_hands_the_text_back(client, user, settings) -> None:
    make_article(title="Gardens", user=user)
    client.force_login(user)
    settings.WIKI_RENDER_BUDGET_SECONDS = -1
    response = client.post("/wiki/gardens/comments/", {"body": "Kept comment."})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This text is too complex to render" in body
    assert "Kept comment.</textarea>" in body
    assert not Comment.objects.comments().exists()


def test_a_revert_past_the_budget_says_so_and_changes_nothing(client, user, settings) -> None:
    article = make_article(title="Gardens", texts=("One.\n", "Two.\n"), user=user)
    client.force_login(user)
    settings.WIKI_RENDER_BUDGET_SECONDS = -1
    response = client.post("/wiki/gardens/revert/1/", follow=True)
    assert response.status_code == 200
    assert "This text is too complex to render" in response.content.decode()
    assert Revision.objects.filter(article=article).count() == 2


# --- Preview counts against the edit rate limit --------------------------------


def test_previews_count_against_the_edit_rate_limit(client, user, settings) -> None:
    make_article(title="Gardens", user=user)
    settings.EDITS_RATE_LIMIT = "2/60"
    client.force_login(user)
    preview = {"source": "Draft.\n", "base_number": 1, "preview": "Preview"}
    assert client.post("/wiki/gardens/edit/", preview).status_code == 200
    assert client.post("/wiki/gardens/edit/", preview).status_code == 200
    response = client.post("/wiki/gardens/edit/", {**preview, "source": "Third, kept.\n"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "faster than we allow" in body
    assert "Third, kept.\n</textarea>" in body


def test_a_preview_uses_up_the_same_limit_as_saving(client, user, settings) -> None:
    article = make_article(title="Gardens", user=user)
    settings.EDITS_RATE_LIMIT = "1/60"
    client.force_login(user)
    preview = {"source": "Draft.\n", "base_number": 1, "preview": "Preview"}
    assert client.post("/wiki/gardens/edit/", preview).status_code == 200
    response = client.post("/wiki/gardens/edit/", {"source": "Draft.\n", "base_number": 1})
    assert response.status_code == 429
    assert "Draft.\n</textarea>" in response.content.decode()
    assert Revision.objects.filter(article=article).count() == 1
