"""The one door from Markdown to safe HTML, for articles and for comments.

Markdown (python-markdown, with raw HTML switched off) builds an element tree;
our tree processors resolve wiki links, mark external links and add the table
of contents; nh3 then cleans the serialized HTML against an explicit allow-list,
with our own URL scheme check on top of nh3's.

This package is that door; its modules are private:

- `_policy`: what may reach the page (URL scheme checks, nh3 allow-lists);
- `_extensions`: python-markdown processors we replace, where upstream takes
  quadratic time or passes too much through (fences, tables, footnotes,
  code spans, link scans, code highlighting);
- `_links`: wiki links, red links, bare URLs and the tree pass over links;
- `_mentions`: @name links to people's pages (comments, edit summaries);
- `_render`: the Markdown instance and the render functions;
- `_state`: what one render carries between processors, its limits, and
  `TooComplexToRender`, the refusal when a render runs past them;
- `_text`: plain text from rendered HTML, for search.
"""

from wiki.markup._mentions import MAX_MENTIONS, mentioned_names, render_summary
from wiki.markup._policy import EXTERNAL_LINK_REL, is_safe_url
from wiki.markup._render import (
    RenderedArticle,
    render_article,
    render_comment_markdown,
    render_markdown,
    wiki_link_slugs,
)
from wiki.markup._state import ExistingNames, ExistingSlugs, TooComplexToRender
from wiki.markup._text import html_excerpt, html_to_text

__all__ = [
    "EXTERNAL_LINK_REL",
    "MAX_MENTIONS",
    "ExistingNames",
    "ExistingSlugs",
    "RenderedArticle",
    "TooComplexToRender",
    "html_excerpt",
    "html_to_text",
    "is_safe_url",
    "mentioned_names",
    "render_article",
    "render_comment_markdown",
    "render_markdown",
    "render_summary",
    "wiki_link_slugs",
]
