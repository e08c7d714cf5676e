"""Finding articles: full-text search on PostgreSQL, a simpler word search on SQLite.

Only live articles and the text of their current revision are searched; an archived
article never appears, and a hidden revision is never current. What is searched and
quoted is the text as a reader sees it (no Markdown, no HTML), stored on the article
from the revision's rendered HTML (`search_fields`) whenever a revision is saved,
with, on PostgreSQL, its search vector (title weighted A, text B), so no query computes
either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Left
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wiki.markup import html_to_text
from wiki.models import Article
from wiki.querysets import search_words

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_SUGGESTIONS = 8
PAGE_SIZE = 20  # each hit's headline parses its text, so pages stay short
SNIPPET_RADIUS = 120  # characters either side of the first hit, on SQLite
# A tsvector holds at most 1 MB; 150,000 characters of any text stay well under it (the
# worst case, one-character words of 4-byte characters, makes about 790 KB). Text past
# that point of a very long article is not indexed.
INDEXED_TEXT_CHARS = 150_000
# ts_headline parses the whole text it is given: snippets come from the first 30,000
# characters (a hit only further down shows the text's opening, unmarked).
HEADLINE_TEXT_CHARS = 30_000

# Markers ts_headline puts around hits: private-use characters, replaced by <mark> only
# after everything else is escaped, so no HTML from an article's text gets through.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Every article's vector at once from its stored text, with the same expression as
# search_fields (benchmarks, repairs). The migrations that fill the columns hold
# frozen copies.
REINDEX_ALL_SQL = """
UPDATE wiki_article
   SET search_vector =
       setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
       || setweight(to_tsvector('english'::regconfig, left(search_text, 150000)), 'B')
"""


@dataclass(frozen=True)
class Hit:
    title: str
    slug: str
    snippet: SafeString
    rank: float

    def get_absolute_url(self) -> str:
        return reverse("wiki:article", kwargs={"slug": self.slug})


def clean_query(raw: str) -> str:
    """The query as searched: no NUL or control characters, spaces collapsed, capped."""
    return " ".join(_CONTROL.sub(" ", raw).split())[:MAX_QUERY_LENGTH].strip()


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def search_fields(*, title: str, html: str) -> dict[str, object]:
    """The article row's search columns for a current revision with this title and rendered
    HTML: its plain text and, on PostgreSQL, its search vector from that text and the title.
    The save writes them in its one UPDATE of the row."""
    text = html_to_text(html)[:INDEXED_TEXT_CHARS]
    if not uses_full_text():
        return {"search_text": text}
    vector = SearchVector(Value(title), weight="A", config=CONFIG) + SearchVector(
        Value(text), weight="B", config=CONFIG
    )
    return {"search_text": text, "search_vector": vector}


def reindex_all() -> int:
    """Recompute every article's search vector in one statement; the number of rows."""
    if not uses_full_text():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(REINDEX_ALL_SQL)
        return cursor.rowcount


class SearchResults(Sequence):
    """Hits for one query, lazily: the paginator counts them, then slices one page."""

    def __init__(self, query: str) -> None:
        self.query = clean_query(query)
        self._full_text = uses_full_text()
        self._words = search_words(self.query)[0]

    def _queryset(self) -> QuerySet:
        if not self.query:
            return Article.objects.none()
        if self._full_text:
            return _full_text_hits(self.query)
        return Article.objects.matching(self.query).only("slug", "title", "search_text")

    def count(self) -> int:
        return self._queryset().count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        rows = self._queryset()[index]
        if not isinstance(index, slice):
            rows = [rows]
        if self._full_text:
            hits = [
                Hit(
                    title=row["title"],
                    slug=row["slug"],
                    snippet=_marked_snippet(row["snippet"] or ""),
                    rank=float(row["rank"]),
                )
                for row in rows
            ]
        else:
            hits = [
                Hit(
                    title=article.title,
                    slug=article.slug,
                    snippet=plain_snippet(article.search_text, self._words),
                    rank=float(article.title_hits),
                )
                for article in rows
            ]
        return hits if isinstance(index, slice) else hits[0]


def search_articles(query: str) -> SearchResults:
    """Live articles matching `query`, best first, each a Hit with a safe HTML snippet."""
    return SearchResults(query)


def _full_text_hits(query: str) -> QuerySet:
    """Live articles whose stored vector matches the websearch query, ranked, with headlines."""
    search = SearchQuery(query, search_type="websearch", config=CONFIG)
    return (
        Article.objects.live()
        .filter(search_vector=search)
        .annotate(
            rank=SearchRank(F("search_vector"), search),
            snippet=SearchHeadline(
                Left("search_text", HEADLINE_TEXT_CHARS),
                search,
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "title", "pk")
        .values("title", "slug", "rank", "snippet")
    )


def _marked_snippet(headline: str) -> SafeString:
    """Escape a ts_headline result, then turn its markers (and only them) into <mark>."""
    parts = []
    position = 0
    for match in _MARKED.finditer(headline):
        parts.append(_escape_plain(headline[position : match.start()]))
        parts.append(f"<mark>{_escape_plain(match.group(1))}</mark>")
        position = match.end()
    parts.append(_escape_plain(headline[position:]))
    return mark_safe("".join(parts))  # noqa: S308 -- every piece of text was escaped above


def _escape_plain(text: str) -> str:
    return escape(text.replace(_START, "").replace(_STOP, ""))


def plain_snippet(text: str, words: Sequence[str]) -> SafeString:
    """Escaped text around the first hit, every hit word wrapped in <mark>."""
    lowered = text.casefold()
    found = [i for i in (lowered.find(word.casefold()) for word in words) if i >= 0]
    first = min(found, default=0)
    start = max(0, first - SNIPPET_RADIUS)
    end = min(len(text), first + SNIPPET_RADIUS)
    # Cut between words, not inside one.
    if start > 0 and (space := text.find(" ", start, first)) >= 0:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", first, end)) >= 0:
        end = space
    excerpt = " ".join(text[start:end].split())
    if not words:
        body = escape(excerpt)
    else:
        pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
        pieces = []
        position = 0
        for match in pattern.finditer(excerpt):
            pieces.append(escape(excerpt[position : match.start()]))
            pieces.append(f"<mark>{escape(match.group(0))}</mark>")
            position = match.end()
        pieces.append(escape(excerpt[position:]))
        body = "".join(pieces)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 -- every piece was escaped


def suggest_titles(prefix: str) -> list[dict[str, str]]:
    """Up to 8 live articles whose title starts with `prefix` (any case), A to Z."""
    prefix = clean_query(prefix)
    if not prefix:
        return []
    rows = (
        Article.objects.live()
        .filter(title__istartswith=prefix)
        .order_by("title")
        .values_list("title", "slug")[:MAX_SUGGESTIONS]
    )
    return [
        {"title": title, "url": reverse("wiki:article", kwargs={"slug": slug})}
        for title, slug in rows
    ]
