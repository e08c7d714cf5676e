"""The small protocol through which apps above the wiki add to the article page.

An app registers one section in its AppConfig.ready() (the discussion, the watch star);
the wiki renders the page (wiki.pages) and only ever calls the sections, so it imports
none of those apps. A section adds to the page's one article query, to its ETag and to
its template, at a named place.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import QuerySet
from django.http import HttpRequest

# Where the article template includes a section's template.
BAR = "bar"  # beside the tabs (the watch star)
BELOW = "below"  # under the text (the discussion)
PLACES = (BAR, BELOW)

# The context key through which a section that pages through ?page= names the page it
# shows: the page's canonical address and its shared copy keep that number.
PAGE_NUMBER = "page_number"


class ArticleSection(Protocol):
    name: str  # the key of its state in render_article_page(section_state=...)
    place: str  # BAR or BELOW
    template: str

    def annotate(self, articles: QuerySet, request: HttpRequest) -> QuerySet:
        """Add what the section asks about this viewer to the page's article query."""

    def etag_parts(self, request: HttpRequest, article) -> tuple:
        """What the section shows depends on beyond the article's version. `article` is
        None when an anonymous reader's page is answered from its stamp alone."""

    def context(self, request: HttpRequest, article, state: object) -> dict[str, object]:
        """The section's template context; `state` is what the caller of
        render_article_page handed this section (a bound form after an error), else None."""


_sections: list[ArticleSection] = []


def register(section: ArticleSection) -> None:
    if section.place not in PLACES:
        raise ValueError(f"No place {section.place!r} on the article page.")
    if all(known.name != section.name for known in _sections):
        _sections.append(section)


def sections() -> tuple[ArticleSection, ...]:
    return tuple(_sections)
