"""Search: full text on PostgreSQL, words on SQLite; hostile queries; suggestions; budget."""

import json
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import CORPORA, contributor
from tests.wiki.helpers import make_article
from wiki import services
from wiki.markup import html_to_text, render_markdown
from wiki.models import Article
from wiki.search import (
    MAX_QUERY_LENGTH,
    clean_query,
    plain_snippet,
    search_articles,
    suggest_titles,
)

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    "connection.vendor == 'postgresql'", reason="the SQLite fallback search"
)


def titles(query):
    return [hit.title for hit in search_articles(query)[:100]]


def search_body(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


# --- Both backends --------------------------------------------------------------------


def test_title_hits_rank_above_text_hits(user):
    make_article(title="Compost heaps", texts=("Nothing about it.\n",), user=user)
    make_article(
        title="Allotments",
        texts=("Compost, compost and more compost: compost everywhere.\n",),
        user=user,
    )
    assert titles("compost") == ["Compost heaps", "Allotments"]


def test_every_word_must_appear_somewhere(user):
    make_article(title="River walks", texts=("Willows by the water.\n",), user=user)
    make_article(title="River maps", texts=("Paper maps only.\n",), user=user)
    assert titles("river willows") == ["River walks"]


def test_archived_articles_never_appear(user, moderator):
    article = make_article(title="Beekeeping", texts=("Hives and honey.\n",), user=user)
    make_article(title="Orchards", texts=("Bees visit the honey trees.\n",), user=user)
    services.archive_article(article=article, moderator=contributor(moderator))
    assert titles("honey") == ["Orchards"]
    assert titles("beekeeping") == []
    assert suggest_titles("Beek") == []


def test_only_the_current_text_is_searched_never_a_hidden_old_one(user, moderator):
    article = make_article(
        title="Ponds", texts=("Spam spam zanzibarish.\n", "Frogs and newts.\n"), user=user
    )
    old = article.revisions.get(number=1)
    services.set_revision_hidden(revision=old, hidden=True, moderator=contributor(moderator))
    assert titles("zanzibarish") == []
    assert titles("newts") == ["Ponds"]


def test_an_edit_and_a_move_reindex_the_article(user):
    article = make_article(title="Hedges", texts=("Hawthorn rows.\n",), user=user)
    services.save_edit(
        slug=article.slug,
        title=article.title,
        source="Blackthorn rows.\n",
        base_number=1,
        contributor=contributor(user),
    )
    assert titles("hawthorn") == []
    assert titles("blackthorn") == ["Hedges"]
    services.move_article(article=article, new_title="Living fences", contributor=contributor(user))
    assert titles("fences") == ["Living fences"]
    assert titles("hedges") == []


def test_an_exact_title_goes_straight_to_the_article(client, user):
    make_article(title="Seed library", user=user)
    response = client.get("/search/", {"q": "  seed   LIBRARY "})
    assert response.status_code == 302
    assert response["Location"] == "/wiki/seed-library/"


def test_no_match_offers_to_create_the_article(client, user):
    client.force_login(user)
    body = search_body(client, "Tool shed")
    assert "No article matches" in body
    assert "/wiki/tool-shed/edit/?title=Tool%20shed" in body
    assert "Create the article “Tool shed”" in body


def test_results_show_title_link_and_a_marked_snippet(client, user):
    make_article(
        title="Greenhouses",
        texts=("Glass keeps tomatoes warm. <img src=x onerror=alert(1)> tomatoes again.\n",),
        user=user,
    )
    body = search_body(client, "tomatoes")
    assert 'href="/wiki/greenhouses/"' in body
    assert "<mark>" in body
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


MARKDOWN_ARTICLE = """## Start here

**Commons** is a _wiki_ for [[Main Page|neighbours]] and `compost` bins.

```python
print("compost")
```

- [Compost](https://example.org/compost) heaps, [[Compost heaps]]
"""


def test_snippets_show_the_text_as_read_not_its_markdown(client, user):
    make_article(title="Welcome", texts=(MARKDOWN_ARTICLE,), user=user)
    [hit] = search_articles("compost")[:10]
    for markup in ("**", "##", "[[", "]]", "`", "_wiki_", "](", "¶", "Contents"):
        assert markup not in hit.snippet, markup
    assert "Commons" in hit.snippet and "compost" in hit.snippet.lower()
    body = search_body(client, "compost")
    snippet = body[body.index('href="/wiki/welcome/"') :]
    assert "**Commons**" not in snippet and "[[Main Page" not in snippet


def test_the_words_of_markdown_syntax_are_not_searched(user):
    make_article(title="Welcome", texts=("See [[Orchard keeping|the orchard]].\n",), user=user)
    assert titles("orchard") == ["Welcome"]
    assert titles("keeping") == []


def test_plain_text_keeps_words_and_blocks_and_drops_page_furniture():
    html = render_markdown(
        "# One\n\n## Two\n\n### Three\n\nA **bold** `x < y` & [[Link|label]]"
        "[^1].\n\n```\nline 1\nline 2\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[^1]: A note.\n"
    )
    assert html_to_text(html) == (
        "One\nTwo\nThree\nA bold x < y & label.\nline 1\nline 2\na b\n1 2\nA note."
    )


@pytest.mark.postgres
def test_the_migration_fills_each_articles_search_text_from_its_html(user):
    import importlib

    from django.apps import apps

    article = make_article(title="Welcome", texts=(MARKDOWN_ARTICLE,), user=user)
    Article.objects.filter(pk=article.pk).update(search_text="", search_vector=None)
    migration = importlib.import_module("wiki.migrations.0008_article_search_text")
    with connection.schema_editor() as editor:
        migration.fill_search_text(apps, editor)
    text = Article.objects.values_list("search_text", flat=True).get(pk=article.pk)
    assert text.startswith("Start here\nCommons is a wiki for neighbours and compost bins.")
    assert titles("neighbours") == ["Welcome"]


def test_queries_are_cleaned_and_capped():
    assert clean_query("  a\x00b \t c\n") == "a b c"
    assert len(clean_query("x" * 10_000)) == MAX_QUERY_LENGTH


def test_plain_snippet_escapes_text_and_marks_every_hit():
    snippet = plain_snippet("Before <b>bold</b> Apples & apples, then.", ["apples"])
    assert snippet == (
        "Before &lt;b&gt;bold&lt;/b&gt; <mark>Apples</mark> &amp; <mark>apples</mark>, then."
    )


def test_plain_snippet_is_cut_between_words():
    text = "alphabet " * 40 + "needle " + "omegas " * 40
    snippet = plain_snippet(text, ["needle"])
    words = snippet.removeprefix("… ").removesuffix(" …").replace("<mark>", "")
    assert set(words.replace("</mark>", "").split()) == {"alphabet", "needle", "omegas"}


def test_plain_snippet_is_cut_around_the_first_hit():
    text = "filler " * 100 + "needle " + "tail " * 100
    snippet = plain_snippet(text, ["needle"])
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>needle</mark>" in snippet
    assert len(snippet) < 300


# --- Suggestions ------------------------------------------------------------------------


def test_suggest_returns_title_prefix_matches_as_json(client, user):
    for title in ("Garden tools", "gardening", "Greenhouse", "Allotment garden"):
        make_article(title=title, user=user)
    response = client.get("/search/suggest/", {"q": "gard"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "results": [
            {"title": "Garden tools", "url": "/wiki/garden-tools/"},
            {"title": "gardening", "url": "/wiki/gardening/"},
        ]
    }


def test_suggest_returns_at_most_eight_and_nothing_for_an_empty_query(client, user):
    for number in range(10):
        make_article(title=f"Plot {number}", user=user)
    assert len(client.get("/search/suggest/", {"q": "plot"}).json()["results"]) == 8
    assert client.get("/search/suggest/", {"q": "  "}).json() == {"results": []}
    assert client.get("/search/suggest/").json() == {"results": []}


# --- Hostile queries --------------------------------------------------------------------

HOSTILE = [
    '"',
    '""',
    '"unclosed phrase',
    "'",
    "&",
    "|",
    "!",
    "!!",
    ":*",
    "a:*",
    "-",
    "--",
    "- -",
    "or",
    "OR",
    "or or or",
    "(",
    ")",
    "<->",
    "a <-> b",
    "\\",
    "%",
    "_",
    "%_%",
    "a & !b | (c",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "word " * 2_000,
    "&" * 10_000,
    '"' * 10_000,
    "the",
    "the of and",
    "\u202e\u0000\ufeff",
    "🌱🌳",
    "ﷺ ﷽",
]


def corpus_queries() -> list[tuple[str, list[str]]]:
    """Every string of the naughty-strings and XSS corpora, one list per file."""
    files = [CORPORA / "naughty-strings" / "blns.json", *sorted((CORPORA / "xss").glob("*"))]
    found = []
    for path in files:
        if path.suffix == ".json":
            entries = json.loads(path.read_text(encoding="utf-8"))
            strings = [e if isinstance(e, str) else e["payload"] for e in entries]
        elif path.suffix == ".txt":
            strings = path.read_text(encoding="utf-8").split("\n")
        else:
            continue
        if len(strings) > 1000:
            strings = one_per_shape(strings)
        found.append((path.name, strings))
    return found


def one_per_shape(strings: list[str]) -> list[str]:
    """One string per shape (its punctuation, with each run of word characters as `w`).

    The 4,630-line XSS list holds 385 shapes; the rest differ only in words, which take
    the same path through the query parsers. Every line of the other files is run.
    """
    shapes: dict[str, str] = {}
    for string in strings:
        shapes.setdefault(re.sub(r"\w+", "w", string), string)
    return list(shapes.values())


def raw_get(client, path, query):
    """GET with the query percent-encoded by hand, so even lone surrogates reach the view."""
    encoded = quote(query.encode("utf-8", "surrogatepass"), safe="")
    return client.get(f"{path}?q={encoded}")


@pytest.fixture
def some_articles(user):
    make_article(
        title="Script kiddies",
        texts=('<script>alert("x")</script> & "quotes" and | pipes ! here\n',),
        user=user,
    )
    make_article(title="Alert systems", texts=("onerror onload javascript alert\n",), user=user)
    make_article(title="Plain", texts=("Nothing special at all.\n",), user=user)


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_fail(client, some_articles, query):
    for path in ("/search/", "/search/suggest/"):
        response = raw_get(client, path, query)
        assert response.status_code in (200, 302), (path, query)


def test_the_corpora_are_there():
    assert [name for name, _ in corpus_queries()], f"no corpus under {CORPORA}"


@pytest.mark.parametrize(
    "name,strings", corpus_queries(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_corpus_string_as_a_query_never_fails(client, some_articles, name, strings):
    assert strings
    failures = []
    for number, query in enumerate(strings, 1):
        for path in ("/search/", "/search/suggest/"):
            response = raw_get(client, path, query)
            if response.status_code not in (200, 302):
                failures.append(f"{name} #{number} {path}: {response.status_code} {query!r}")
            elif path == "/search/" and response.status_code == 200:
                body = response.content.decode()
                if "<script>alert" in body:
                    failures.append(f"{name} #{number}: unescaped script in {query!r}")
    assert not failures, "\n".join(failures[:20])


# --- Query budget ---------------------------------------------------------------------


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True])
def test_search_page_costs_the_same_with_5_or_50_hits(client, user, signed_in):
    for number in range(5):
        make_article(title=f"Meadow {number}", texts=(f"Wild flowers {number}.\n",), user=user)
    if signed_in:
        client.force_login(user)
    few = queries_for(client, "/search/?q=flowers")
    for number in range(5, 50):
        make_article(title=f"Meadow {number}", texts=(f"Wild flowers {number}.\n",), user=user)
    many = queries_for(client, "/search/?q=flowers")
    assert few == many
    assert many <= 6 + signed_in  # signed in, the header's bell counts unread notices
    assert queries_for(client, "/search/?q=flowers&page=3") == many


# --- PostgreSQL full text ---------------------------------------------------------------


@pytest.mark.postgres
def test_the_service_stores_a_weighted_search_vector(user):
    article = make_article(title="Wildflower meadows", texts=("Poppies and cornflowers.\n",))
    vector = Article.objects.values_list("search_vector", flat=True).get(pk=article.pk)
    assert "'meadow':2A" in vector
    assert "'poppi':3B" in vector


@pytest.mark.postgres
def test_full_text_ranks_a_title_hit_above_text_full_of_the_word(user):
    make_article(title="Rainwater", texts=("Barrels under the gutters.\n",), user=user)
    make_article(title="Roofs", texts=("rainwater " * 500 + "\n",), user=user)
    make_article(title="Paths", texts=("Gravel, no water here.\n",), user=user)
    hits = search_articles("rainwater")[:10]
    assert [hit.title for hit in hits] == ["Rainwater", "Roofs"]
    assert hits[0].rank > hits[1].rank > 0


@pytest.mark.postgres
def test_full_text_stems_words_and_speaks_websearch(user):
    make_article(title="Gardens", texts=("We are planting onions and leeks.\n",), user=user)
    make_article(title="Kitchens", texts=("Chopping onions for soup.\n",), user=user)
    assert set(titles("plant")) == {"Gardens"}
    assert set(titles("onion")) == {"Gardens", "Kitchens"}
    assert titles("onions -soup") == ["Gardens"]
    assert titles('"onions for soup"') == ["Kitchens"]
    assert titles('"soup for onions"') == []
    assert set(titles("leeks or chopping")) == {"Gardens", "Kitchens"}


@pytest.mark.postgres
def test_full_text_snippets_mark_hits_and_let_no_html_through(user):
    make_article(
        title="Sheds",
        texts=('Keep tools dry: 1 < 2 & <img src=x onerror=alert("x")> <b>oil</b> tools.\n',),
        user=user,
    )
    [hit] = search_articles("tools")[:10]
    assert "<mark>tools</mark>" in hit.snippet
    assert "<img" not in hit.snippet and "<b>" not in hit.snippet
    assert "&lt;img src=x onerror=alert(&quot;x&quot;)&gt;" in hit.snippet
    assert "1 &lt; 2 &amp;" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


@pytest.mark.postgres
def test_marker_characters_in_a_text_cannot_forge_marks(user):
    make_article(
        title="Markers", texts=("odd \ue000<i>x</i>\ue001 and \ue001 \ue000 mulch\n",), user=user
    )
    [hit] = search_articles("mulch")[:10]
    assert "<i>" not in hit.snippet
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>") == 1


@pytest.mark.postgres
def test_a_text_past_the_tsvector_limit_is_indexed_up_to_a_cap(user, settings):
    # One-character words of 4-byte characters: the fullest tsvector a text can make.
    text = "beginning " + " ".join(chr(0x20000 + i) for i in range(200_000)) + " lastword\n"
    settings.WIKI_MAX_SOURCE_BYTES = 2 * len(text.encode("utf-8"))
    make_article(title="Huge", texts=(text,), user=user)
    assert titles("beginning") == ["Huge"]
    assert titles("lastword") == []


# --- SQLite fallback --------------------------------------------------------------------


@sqlite_only
def test_sqlite_search_finds_substrings_and_excludes_minus_words(user):
    make_article(title="Composting", texts=("Worms eat scraps.\n",), user=user)
    make_article(title="Wormeries", texts=("Worms in boxes.\n",), user=user)
    assert titles("worm") == ["Wormeries", "Composting"]
    assert titles("worms -boxes") == ["Composting"]
    assert titles('"worms"') == ["Composting", "Wormeries"]
    assert titles("-worms") == []


@sqlite_only
def test_sqlite_snippet_marks_each_word(client, user):
    make_article(title="Soil", texts=("Clay soil holds water; sandy soil drains.\n",), user=user)
    body = search_body(client, "clay drains")
    assert "<mark>Clay</mark> soil holds water; sandy soil <mark>drains</mark>." in body
