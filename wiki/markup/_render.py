"""The Markdown instance for one render, and the render functions."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import markdown
from markdown import inlinepatterns
from markdown.extensions import Extension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.toc import TocExtension

from wiki.markup._extensions import (
    _BOUNDED_LINK_PROCESSORS,
    _BacktickInlineProcessor,
    _BlockWorkMeter,
    _CachedHtmlFormatter,
    _CodeHiliteExtension,
    _FencedCodeExtension,
    _FootnoteExtension,
    _TableExtension,
)
from wiki.markup._links import (
    BARE_URL_PRIORITY,
    BARE_URL_RE,
    LINKS_PRIORITY,
    WIKILINK_PRIORITY,
    WIKILINK_RE,
    _BareUrlInlineProcessor,
    _LinksTreeprocessor,
    _WikiLinkInlineProcessor,
)
from wiki.markup._policy import ARTICLE_CLEANER, COMMENT_CLEANER
from wiki.markup._state import ExistingSlugs, _RenderState, _TooComplexError

# --- Markdown configuration -------------------------------------------------

CODEHILITE_CONFIG: dict[str, Any] = {
    "css_class": "highlight",
    "noclasses": False,
    "guess_lang": False,
}
TABLES_CONFIG: dict[str, Any] = {"use_align_attribute": True}
TOC_CONFIG: dict[str, Any] = {
    "marker": "",  # no [TOC] marker: the contents are added for 3 or more headings
    "permalink": "\N{PILCROW SIGN}",
    "permalink_class": "headerlink",
    "permalink_title": "Permanent link",
    "toc_class": "toc",
}
# The block parser may examine this many characters per source character (plus
# a floor) before the render falls back to plain text; normal documents use a
# few per character.
BLOCK_WORK_PER_CHAR = 100
BLOCK_WORK_FLOOR = 1_000_000
BLOCK_WORK_PRIORITY = 1000  # before every block processor


class _CommonsExtension(Extension):
    """Raw HTML off; bounded link scans; wiki links, bare URLs and our tree processor."""

    def __init__(self, state: _RenderState) -> None:
        super().__init__()
        self.state = state

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtension(self)
        # Raw HTML is shown as text; entities and <autolinks> keep working.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.parser.blockprocessors.register(
            _BlockWorkMeter(md.parser, self.state), "commons_block_work", BLOCK_WORK_PRIORITY
        )
        md.inlinePatterns.register(
            _BacktickInlineProcessor(inlinepatterns.BACKTICK_RE), "backtick", 190
        )
        for name, cls, pattern, priority in _BOUNDED_LINK_PROCESSORS:
            processor = cls(pattern, md)
            processor.state = self.state
            md.inlinePatterns.register(processor, name, priority)
        md.inlinePatterns.register(
            _WikiLinkInlineProcessor(WIKILINK_RE, md), "commons_wikilink", WIKILINK_PRIORITY
        )
        md.inlinePatterns.register(
            _BareUrlInlineProcessor(BARE_URL_RE, md), "commons_bare_url", BARE_URL_PRIORITY
        )
        md.treeprocessors.register(
            _LinksTreeprocessor(md, self.state), "commons_links", LINKS_PRIORITY
        )


def _build_markdown(state: _RenderState) -> markdown.Markdown:
    """A fresh Markdown instance: python-markdown's are not thread-safe."""
    extensions: list[Extension] = [
        _FencedCodeExtension(),
        _CodeHiliteExtension(**CODEHILITE_CONFIG, pygments_formatter=_CachedHtmlFormatter()),
        SaneListExtension(),
        _CommonsExtension(state),
    ]
    if not state.is_comment:
        extensions += [
            _TableExtension(**TABLES_CONFIG),
            _FootnoteExtension(),
            DefListExtension(),
            TocExtension(**TOC_CONFIG),
        ]
    return markdown.Markdown(extensions=extensions, output_format="html")


# --- Public API -------------------------------------------------------------


@dataclass(frozen=True)
class RenderedArticle:
    """An article's sanitized HTML and the slugs its wiki links point at."""

    html: str
    link_slugs: frozenset[str]


def _clean_source(source: str) -> str:
    """Text Markdown and nh3 can take: no lone surrogates, no NUL."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        # Joins valid surrogate pairs, replaces lone surrogates with U+FFFD.
        source = source.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return source.replace("\x00", "\N{REPLACEMENT CHARACTER}")


def _plain_text_html(source: str) -> str:
    """The source as escaped paragraphs: the fallback for pathological input."""
    paragraphs: list[list[str]] = [[]]
    for line in source.splitlines():
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n".join(
        "<p>" + html.escape("\n".join(lines)) + "</p>" for lines in paragraphs if lines
    )


def _render(
    source: str, *, existing_slugs: ExistingSlugs | None, is_comment: bool
) -> tuple[str, frozenset[str]]:
    source = _clean_source(source)
    state = _RenderState(
        existing_slugs=existing_slugs,
        is_comment=is_comment,
        block_work_budget=BLOCK_WORK_FLOOR + BLOCK_WORK_PER_CHAR * len(source),
    )
    try:
        rendered = _build_markdown(state).convert(source)
    except (_TooComplexError, RecursionError):
        # Deep nesting or quadratic corners of python-markdown: show the text
        # rather than fail or stall the save. Deterministic, like the budget.
        rendered = _plain_text_html(source)
        state.link_slugs = set()
    cleaner = COMMENT_CLEANER if is_comment else ARTICLE_CLEANER
    return cleaner.clean(rendered), frozenset(state.link_slugs)


def render_article(source: str, *, existing_slugs: ExistingSlugs | None = None) -> RenderedArticle:
    """Render an article's Markdown to sanitized HTML and collect its wiki-link slugs.

    `existing_slugs` is called at most once, with every linked slug, and returns
    those that exist; links to the others are red links. None: all exist.
    """
    html_out, slugs = _render(source, existing_slugs=existing_slugs, is_comment=False)
    return RenderedArticle(html=html_out, link_slugs=slugs)


def render_markdown(source: str, *, existing_slugs: ExistingSlugs | None = None) -> str:
    """Render an article's Markdown to HTML that is safe to mark safe."""
    return render_article(source, existing_slugs=existing_slugs).html


def render_comment_markdown(source: str) -> str:
    """Render a comment's Markdown: no headings, images, tables, footnotes or contents."""
    return _render(source, existing_slugs=None, is_comment=True)[0]


def wiki_link_slugs(source: str) -> frozenset[str]:
    """The slugs of every `[[wiki link]]` in an article's source."""
    return render_article(source).link_slugs
