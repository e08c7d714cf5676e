"""Wiki links, red links and bare URLs, and the tree pass that resolves links,
drops unsafe URLs, marks external links and adds the contents."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

import markdown
from django.urls import reverse
from markdown import util
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from wiki.markup._policy import (
    EXTERNAL_LINK_REL,
    HEADINGS,
    TOC_LABEL,
    URL_ATTRIBUTES,
    _is_external_url,
    _tree_attribute_text,
    is_safe_url,
)
from wiki.markup._state import _RenderState
from wiki.slugs import slug_for

WIKILINK_RE = r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]"
# Above 'reference' (170) and 'link' (160), below 'escape' (180) and 'backtick' (190).
WIKILINK_PRIORITY = 175
# A bare URL starts after a non-word character and stops at whitespace, `<`,
# `>`, `"` or an inline placeholder (STX/ETX); trailing punctuation is trimmed.
BARE_URL_RE = r"(?<![\w@.:/+\-])((?:https?://|www\.)[^\s<>\"\x02\x03]+)"
# After 'autolink' (120) and 'automail' (110), before 'linebreak' and 'entity'.
BARE_URL_PRIORITY = 105
_BARE_URL_TRAILING = frozenset(".,:;!?'\"*_~)")
_BARE_URL_HOST = re.compile(r"^(?:https?://|www\.)[^\W_]")
# After python-markdown's 'unescape' (0), so hrefs hold their final text.
LINKS_PRIORITY = -10
WIKILINK_SLUG_ATTR = "data-commons-wikilink-slug"
WIKILINK_TITLE_ATTR = "data-commons-wikilink-title"
TOC_MIN_HEADINGS = 3


class _WikiLinkInlineProcessor(InlineProcessor):
    """`[[Title]]` and `[[Title|label]]`: a link to the article `slug_for(Title)`."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | str, int, int]:
        title = m.group(1).strip()
        label = (m.group(2) or "").strip() or title
        slug = slug_for(title)
        if not slug:
            return util.AtomicString(label), m.start(0), m.end(0)
        element = etree.Element("a")
        element.set(WIKILINK_SLUG_ATTR, slug)
        element.set(WIKILINK_TITLE_ATTR, title)
        element.text = util.AtomicString(label)
        return element, m.start(0), m.end(0)


class _BareUrlInlineProcessor(InlineProcessor):
    """A bare `http://`, `https://` or `www.` URL becomes a link."""

    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        url = m.group(1)
        end, unclosed = len(url), url.count(")") - url.count("(")
        while end and url[end - 1] in _BARE_URL_TRAILING:
            if url[end - 1] == ")":
                if unclosed <= 0:
                    break  # a balanced `)` belongs to the URL: .../Foo_(bar)
                unclosed -= 1
            end -= 1
        url = url[:end]
        if not _BARE_URL_HOST.match(url):
            return None, None, None
        element = etree.Element("a")
        element.set("href", url if "://" in url[:8] else f"http://{url}")
        element.text = util.AtomicString(url)
        return element, m.start(1), m.start(1) + len(url)


Replacement = Callable[[etree.Element], tuple[str, list[etree.Element]] | None]


def _splice(parent: etree.Element, replace: Replacement) -> None:
    """Rebuild `parent`'s children in one pass (linear time).

    `replace(child)` returns None to keep the child, or the text and elements
    to put in its place (its tail follows them).
    """
    kept: list[etree.Element] = []

    def add_text(text: str | None) -> None:
        if not text:
            return
        if kept:
            kept[-1].tail = (kept[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    for child in list(parent):
        replacement = replace(child)
        if replacement is None:
            kept.append(child)
            continue
        text, elements = replacement
        tail = child.tail
        add_text(text)
        kept.extend(elements)
        add_text(tail)
    parent[:] = kept


def _contents(element: etree.Element) -> tuple[str, list[etree.Element]]:
    return element.text or "", list(element)


def _unwrap_links(child: etree.Element) -> tuple[str, list[etree.Element]] | None:
    return _contents(child) if child.tag == "a" else None


def _images_to_alt_text(child: etree.Element) -> tuple[str, list[etree.Element]] | None:
    return (child.get("alt") or "", []) if child.tag == "img" else None


def _count_toc_tokens(tokens: list[dict[str, Any]]) -> int:
    return sum(1 + _count_toc_tokens(token["children"]) for token in tokens)


class _LinksTreeprocessor(Treeprocessor):
    """Resolve wiki links, drop unsafe URLs, mark external links, add the
    contents; in comments, headings become bold paragraphs and images their alt."""

    def __init__(self, md: markdown.Markdown, state: _RenderState) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        if self.state.is_comment:
            self._flatten_for_comment(root)
        self._unwrap_nested_links(root)
        self._resolve_wiki_links(root)
        self._drop_unsafe_urls(root)
        for element in root.iter("a"):
            href = element.get("href")
            if href is not None and _is_external_url(href):
                element.set("rel", EXTERNAL_LINK_REL)
            elif "rel" in element.attrib:
                del element.attrib["rel"]
        if not self.state.is_comment:
            self._add_contents(root)

    def _flatten_for_comment(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            if element.tag in HEADINGS:
                strong = etree.Element("strong")
                strong.text, element.text = element.text, None
                strong.extend(list(element))
                element[:] = [strong]
                element.tag = "p"
                element.attrib.clear()
            elif any(child.tag == "img" for child in element):
                _splice(element, _images_to_alt_text)

    def _unwrap_nested_links(self, root: etree.Element) -> None:
        # Parents of an `a` inside another `a`, innermost first (reverse
        # document order), found without recursion: trees can be deep.
        parents: list[etree.Element] = []
        stack: list[tuple[etree.Element, bool]] = [(root, False)]
        while stack:
            element, in_link = stack.pop()
            in_link = in_link or element.tag == "a"
            if in_link and any(child.tag == "a" for child in element):
                parents.append(element)
            stack.extend((child, in_link) for child in element)
        for parent in reversed(parents):
            _splice(parent, _unwrap_links)

    def _resolve_wiki_links(self, root: etree.Element) -> None:
        links = [element for element in root.iter("a") if WIKILINK_SLUG_ATTR in element.attrib]
        slugs = {element.attrib[WIKILINK_SLUG_ATTR] for element in links}
        self.state.link_slugs = slugs
        if not links:
            return
        lookup = self.state.existing_slugs
        existing = slugs if lookup is None else set(lookup(set(slugs)))
        urls: dict[str, str] = {}
        for element in links:
            slug = element.attrib.pop(WIKILINK_SLUG_ATTR)
            title = element.attrib.pop(WIKILINK_TITLE_ATTR)
            if slug not in urls:
                urls[slug] = reverse("wiki:article", kwargs={"slug": slug})
            element.set("href", urls[slug])
            if slug in existing:
                element.set("class", "wikilink")
            else:
                element.set("class", "wikilink new")
                element.set("title", f"{title} (page does not exist)")

    def _drop_unsafe_urls(self, root: etree.Element) -> None:
        # nh3 and its attribute filter check again; this keeps `rel` off dead links.
        for element in root.iter():
            for name in URL_ATTRIBUTES.intersection(element.attrib):
                if not is_safe_url(_tree_attribute_text(element.attrib[name])):
                    del element.attrib[name]

    def _add_contents(self, root: etree.Element) -> None:
        tokens = getattr(self.md, "toc_tokens", [])
        if _count_toc_tokens(tokens) < TOC_MIN_HEADINGS:
            return
        nav = self.md.treeprocessors["toc"].build_toc_div(tokens)
        nav.tag = "nav"
        nav.set("aria-label", TOC_LABEL)
        nav.tail = "\n"
        root.insert(0, nav)
