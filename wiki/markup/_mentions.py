"""@name mentions: a link to the person's page for each name that exists, in comments and
edit summaries. The names are looked up by the caller (ExistingNames), once per render."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from urllib.parse import unquote

from django.urls import reverse
from markdown import util
from markdown.treeprocessors import Treeprocessor

from wiki.markup._state import ExistingNames, _RenderState

# The distinct names one text may mention; past them, @names stay plain text.
MAX_MENTIONS = 20
# After the inline pass (20) and 'unescape' (0), before the links pass (-10).
MENTIONS_PRIORITY = -5
MENTION_CLASS = "mention"
# A user name (Django's characters) after a character that cannot be part of a name or an
# address: "mail bob@example.org" mentions nobody. Trailing dots and dashes end sentences.
MENTION_RE = re.compile(r"(?<![\w.@+\-])@([\w][\w.@+\-]{0,149})")
_NAME_TRAILING = ".-+@"
# Where a mention is never looked for: inside links and code, and in quoted words (a
# quote mentions nobody again).
_SKIPPED = frozenset({"a", "blockquote", "code", "pre"})
_PLACEHOLDER = "__name__"


def _matches(text: str):
    """(start, end, name) of each mention-shaped word in `text`."""
    for match in MENTION_RE.finditer(text):
        name = match.group(1).rstrip(_NAME_TRAILING)
        if name:
            yield match.start(), match.start() + 1 + len(name), name


def _user_url(username: str) -> str:
    return reverse("contributions", kwargs={"username": username})


def _resolve(names: list[str], existing_names: ExistingNames) -> dict[str, str]:
    """The first MAX_MENTIONS distinct names (any case), looked up in one call: each that
    exists, by its lower case, to the person's user name."""
    wanted: dict[str, str] = {}
    for name in names:
        if len(wanted) == MAX_MENTIONS:
            break
        wanted.setdefault(name.lower(), name)
    if not wanted:
        return {}
    found = existing_names(set(wanted.values()))
    return {name.lower(): username for name, username in found.items()}


class _MentionsTreeprocessor(Treeprocessor):
    """Turn @name into a link to the person's page, outside links, code and quotes."""

    def __init__(self, md, state: _RenderState) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        lookup = self.state.existing_names
        if lookup is None:
            return
        # (parent, child or None, text): child None is the parent's text, else child's tail.
        places: list[tuple[etree.Element, etree.Element | None, str]] = []
        stack = [root]
        while stack:  # no recursion: trees can be deep
            element = stack.pop()
            if element.text and "@" in element.text:
                places.append((element, None, element.text))
            for child in element:
                if child.tail and "@" in child.tail:
                    places.append((element, child, child.tail))
                if child.tag not in _SKIPPED:
                    stack.append(child)
        names = [name for _, _, text in places for _, _, name in _matches(text)]
        found = _resolve(names, lookup)
        if not found:
            return
        for parent, child, text in places:
            self._link(parent, child, text, found)

    def _link(self, parent, child, text: str, found: dict[str, str]) -> None:
        pieces: list[etree.Element] = []
        first, last = None, 0
        for start, end, name in _matches(text):
            username = found.get(name.lower())
            if username is None:
                continue
            if pieces:
                pieces[-1].tail = util.AtomicString(text[last:start])
            else:
                first = text[:start]
            link = etree.Element("a")
            link.set("href", _user_url(username))
            link.set("class", MENTION_CLASS)
            link.text = util.AtomicString(text[start:end])
            pieces.append(link)
            last = end
        if not pieces:
            return
        pieces[-1].tail = util.AtomicString(text[last:])
        if child is None:
            parent.text = util.AtomicString(first)
            index = 0
        else:
            child.tail = util.AtomicString(first)
            index = list(parent).index(child) + 1
        for offset, link in enumerate(pieces):
            parent.insert(index + offset, link)


def render_summary(summary: str, *, existing_names: ExistingNames) -> str:
    """An edit summary (plain text) as escaped HTML, its @mentions of people linked."""
    found = _resolve([name for _, _, name in _matches(summary)], existing_names)
    parts, last = [], 0
    for start, end, name in _matches(summary):
        username = found.get(name.lower())
        if username is None:
            continue
        parts.append(html.escape(summary[last:start], quote=False))
        parts.append(
            f'<a class="{MENTION_CLASS}" href="{html.escape(_user_url(username))}">'
            f"{html.escape(summary[start:end], quote=False)}</a>"
        )
        last = end
    parts.append(html.escape(summary[last:], quote=False))
    return "".join(parts)


class _MentionLinks(HTMLParser):
    """The hrefs of the mention links in rendered HTML (ours: sanitized, well formed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("class") == MENTION_CLASS and attributes.get("href"):
            self.hrefs.append(attributes["href"])


def mentioned_names(html_text: str) -> list[str]:
    """The user names of the people a rendered comment or summary mentions, in order, once
    each: whom its mention links point at."""
    prefix, _, suffix = _user_url(_PLACEHOLDER).partition(_PLACEHOLDER)
    parser = _MentionLinks()
    parser.feed(html_text)
    parser.close()
    names: list[str] = []
    for href in parser.hrefs:
        if href.startswith(prefix) and href.endswith(suffix) and len(href) > len(prefix + suffix):
            name = unquote(href[len(prefix) : len(href) - len(suffix)])
            if name not in names:
                names.append(name)
    return names
