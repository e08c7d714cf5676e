"""The Markdown instance for one render, and the render functions.

Every render's cost is bounded for every source up to WIKI_MAX_SOURCE_BYTES:

- The causes, where python-markdown's work or output grows faster than its
  input, are fixed in `_extensions` (footnote back-links, table padding, fences,
  code spans, link scans). Work that stays quadratic in python-markdown's design
  is metered: the block parser's re-tests and the inline pass's rebuilding of
  each paragraph per match count against budgets proportional to the source;
  past them the source is shown as escaped plain text (deterministic, cheap).
- A time budget, WIKI_RENDER_BUDGET_SECONDS, as a deadline that the render
  itself checks: before each code block is highlighted, in every block test,
  before every inline pattern applied, between the tree processors and
  between the post processors. Rendering is
  synchronous Python in the request's thread: a signal (SIGALRM) works only in
  the main thread and a watchdog thread cannot stop it, while these checks run
  every few microseconds of work, so a render stops soon after its deadline.
  nh3 (linear, in Rust) runs after the last check.
- An output cap: the HTML may be at most OUTPUT_BYTES_PER_SOURCE_BYTE times
  the source plus OUTPUT_FLOOR_BYTES, checked on python-markdown's output and
  on nh3's.

Past the deadline or the cap, the render is refused with `TooComplexToRender`
(a ValidationError): the edit form shows it and hands the text back.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from typing import Any

import markdown
from django.conf import settings
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
    _MeteredInlineTreeprocessor,
    _TableExtension,
    _TimeCheckPostprocessor,
    _TimeCheckTreeprocessor,
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
from wiki.markup._mentions import MENTIONS_PRIORITY, _MentionsTreeprocessor
from wiki.markup._policy import ARTICLE_CLEANER, COMMENT_CLEANER
from wiki.markup._state import (
    ExistingNames,
    ExistingSlugs,
    TooComplexToRender,
    _RenderState,
    _TooComplexError,
)

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
# The inline pass may scan and copy this many characters per source character
# (plus a floor, about half a second) before the render falls back to plain
# text; a normal article uses about 14 per character, a 57 KB paragraph of
# 1,500 links 3,000. At the size limit this stops a render within 2 s.
INLINE_WORK_PER_CHAR = 1000
INLINE_WORK_FLOOR = 200_000_000
# The HTML may be at most this many bytes per source byte, plus a floor.
OUTPUT_BYTES_PER_SOURCE_BYTE = 20
OUTPUT_FLOOR_BYTES = 64 * 1024
# Time checks between python-markdown's tree processors (inline is 20, the
# footnotes 50 and 15, the contents 5, ours -10) and its post processors.
TIME_CHECK_TREE_PRIORITIES = (100, 19, 14, 4, -20)
TIME_CHECK_POST_PRIORITIES = (100, 25, -100)


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
        md.treeprocessors.register(
            _MentionsTreeprocessor(md, self.state), "commons_mentions", MENTIONS_PRIORITY
        )
        md.treeprocessors.register(_MeteredInlineTreeprocessor(md, self.state), "inline", 20)
        for priority in TIME_CHECK_TREE_PRIORITIES:
            md.treeprocessors.register(
                _TimeCheckTreeprocessor(md, self.state), f"commons_time_{priority}", priority
            )
        for priority in TIME_CHECK_POST_PRIORITIES:
            md.postprocessors.register(
                _TimeCheckPostprocessor(md, self.state), f"commons_time_{priority}", priority
            )


def _build_markdown(state: _RenderState) -> markdown.Markdown:
    """A fresh Markdown instance: python-markdown's are not thread-safe."""
    extensions: list[Extension] = [
        _FencedCodeExtension(state),
        _CodeHiliteExtension(state, **CODEHILITE_CONFIG, pygments_formatter=_CachedHtmlFormatter()),
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


def _check_output_size(html_out: str, source: str) -> None:
    cap = OUTPUT_FLOOR_BYTES + OUTPUT_BYTES_PER_SOURCE_BYTE * len(source.encode("utf-8"))
    # Characters first: no encoding for the many outputs that are plainly small.
    if len(html_out) * 4 > cap and len(html_out.encode("utf-8")) > cap:
        raise TooComplexToRender("its HTML would be too large")


def _render(
    source: str,
    *,
    existing_slugs: ExistingSlugs | None,
    is_comment: bool,
    existing_names: ExistingNames | None = None,
) -> tuple[str, frozenset[str]]:
    source = _clean_source(source)
    state = _RenderState(
        existing_slugs=existing_slugs,
        is_comment=is_comment,
        existing_names=existing_names,
        block_work_budget=BLOCK_WORK_FLOOR + BLOCK_WORK_PER_CHAR * len(source),
        inline_work_budget=INLINE_WORK_FLOOR + INLINE_WORK_PER_CHAR * len(source),
        deadline=time.monotonic() + settings.WIKI_RENDER_BUDGET_SECONDS,
    )
    try:
        rendered = _build_markdown(state).convert(source)
    except (_TooComplexError, RecursionError):
        # Deep nesting or quadratic corners of python-markdown: show the text
        # rather than fail or stall the save. Deterministic, like the budget.
        rendered = _plain_text_html(source)
        state.link_slugs = set()
    _check_output_size(rendered, source)
    cleaner = COMMENT_CLEANER if is_comment else ARTICLE_CLEANER
    cleaned = cleaner.clean(rendered)
    _check_output_size(cleaned, source)
    return cleaned, frozenset(state.link_slugs)


def render_article(source: str, *, existing_slugs: ExistingSlugs | None = None) -> RenderedArticle:
    """Render an article's Markdown to sanitized HTML and collect its wiki-link slugs.

    Raises TooComplexToRender past the time budget or the output cap.
    `existing_slugs` is called at most once, with every linked slug, and returns
    those that exist; links to the others are red links. None: all exist.
    """
    html_out, slugs = _render(source, existing_slugs=existing_slugs, is_comment=False)
    return RenderedArticle(html=html_out, link_slugs=slugs)


def render_markdown(source: str, *, existing_slugs: ExistingSlugs | None = None) -> str:
    """Render an article's Markdown to HTML that is safe to mark safe."""
    return render_article(source, existing_slugs=existing_slugs).html


def render_comment_markdown(source: str, *, existing_names: ExistingNames | None = None) -> str:
    """Render a comment's Markdown: no headings, images, tables, footnotes or contents.

    With `existing_names` (called at most once, with the first MAX_MENTIONS names), each
    @name of a person who exists links to their page; the other @names stay text.
    """
    return _render(source, existing_slugs=None, is_comment=True, existing_names=existing_names)[0]


def wiki_link_slugs(source: str) -> frozenset[str]:
    """The slugs of every `[[wiki link]]` in an article's source."""
    return render_article(source).link_slugs
