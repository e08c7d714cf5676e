"""The one door from Markdown to safe HTML, for articles and for comments.

Markdown (python-markdown, with raw HTML switched off) builds an element tree;
our tree processors resolve wiki links, mark external links and add the table
of contents; nh3 then cleans the serialized HTML against an explicit allow-list,
with our own URL scheme check on top of nh3's.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import markdown
import nh3
from django.urls import reverse
from django.utils.text import slugify
from markdown import inlinepatterns, util
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.attr_list import get_attrs_and_remainder  # a parser; the extension is off
from markdown.extensions.codehilite import (
    CodeHilite,
    CodeHiliteExtension,
    HiliteTreeprocessor,
    parse_hl_lines,
)
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedBlockPreprocessor, FencedCodeExtension
from markdown.extensions.footnotes import RE_REF_ID, FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import BacktickInlineProcessor, InlineProcessor
from markdown.treeprocessors import Treeprocessor
from pygments import highlight
from pygments.formatters.html import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name
from pygments.lexers.special import TextLexer
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

ExistingSlugs = Callable[[set[str]], set[str]]

# --- URLs -------------------------------------------------------------------

SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTERNAL_LINK_REL = "nofollow ugc noopener"
# Every attribute a browser may read as a URL; only href and src are allowed
# today, the filter checks the rest in case the allow-list ever grows.
URL_ATTRIBUTES = frozenset(
    {
        "action",
        "background",
        "cite",
        "codebase",
        "data",
        "dynsrc",
        "formaction",
        "href",
        "icon",
        "longdesc",
        "lowsrc",
        "manifest",
        "ping",
        "poster",
        "profile",
        "src",
        "srcset",
        "usemap",
        "xlink:href",
    }
)
# Whitespace (ASCII and Unicode), control and format characters (zero-width,
# bidi marks, BOM): browsers or sanitizers may ignore them inside a scheme.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
_URL_PATH_START = re.compile(r"[/?#\\]")

# --- Markdown configuration -------------------------------------------------

CODEHILITE_CONFIG: dict[str, Any] = {
    "css_class": "highlight",
    "noclasses": False,
    "guess_lang": False,
}
# An opening fence line: the fence, then `{attributes}` or a language and
# `hl_lines="..."` (upstream's expression, kept to one line).
FENCE_OPENER_RE = re.compile(
    r"(?P<fence>~{3,}|`{3,})[ ]*"
    r"(?:\{(?P<attrs>.*)\}"
    r"|\.?(?P<lang>[\w#.+-]*)[ ]*(?:hl_lines=(?P<quot>[\"'])(?P<hl_lines>.*?)(?P=quot)[ ]*)?)"
)
TABLES_CONFIG: dict[str, Any] = {"use_align_attribute": True}
TOC_CONFIG: dict[str, Any] = {
    "marker": "",  # no [TOC] marker: the contents are added for 3 or more headings
    "permalink": "\N{PILCROW SIGN}",
    "permalink_class": "headerlink",
    "permalink_title": "Permanent link",
    "toc_class": "toc",
}
TOC_MIN_HEADINGS = 3
TOC_LABEL = "Contents"

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
# python-markdown scans to the end of the paragraph for every unclosed `[` or
# `(`: quadratic. Past this many characters scanned in one render, the rest of
# the brackets stay text (a normal document scans about its own length).
LINK_SCAN_BUDGET = 1_000_000
# python-markdown's link-like processors: (name, class, pattern, priority).
LINK_PROCESSORS = (
    ("reference", inlinepatterns.ReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, 170),
    ("link", inlinepatterns.LinkInlineProcessor, inlinepatterns.LINK_RE, 160),
    ("image_link", inlinepatterns.ImageInlineProcessor, inlinepatterns.IMAGE_LINK_RE, 150),
    (
        "image_reference",
        inlinepatterns.ImageReferenceInlineProcessor,
        inlinepatterns.IMAGE_REFERENCE_RE,
        140,
    ),
    (
        "short_reference",
        inlinepatterns.ShortReferenceInlineProcessor,
        inlinepatterns.REFERENCE_RE,
        130,
    ),
    (
        "short_image_ref",
        inlinepatterns.ShortImageReferenceInlineProcessor,
        inlinepatterns.IMAGE_REFERENCE_RE,
        125,
    ),
)
# The block parser may examine this many characters per source character (plus
# a floor) before the render falls back to plain text; normal documents use a
# few per character.
BLOCK_WORK_PER_CHAR = 100
BLOCK_WORK_FLOOR = 1_000_000
BLOCK_WORK_PRIORITY = 1000  # before every block processor
_BACKTICK_RUN_RE = re.compile(r"`+")
WIKILINK_SLUG_ATTR = "data-commons-wikilink-slug"
WIKILINK_TITLE_ATTR = "data-commons-wikilink-title"

# --- Allow-lists --------------------------------------------------------------

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Pygments' short token classes, plus "hll" for highlighted lines.
PYGMENTS_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name) | {"hll"}

COMMENT_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "div",
        "em",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "span",
        "strong",
        "ul",
    }
)
ARTICLE_TAGS = (
    COMMENT_TAGS
    | HEADINGS
    | {
        "dd",
        "dl",
        "dt",
        "img",
        "nav",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
    }
)
COMMENT_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "ol": {"start"},
}
ARTICLE_ATTRIBUTES: dict[str, set[str]] = {
    **COMMENT_ATTRIBUTES,
    "img": {"src", "alt", "title"},
    "li": {"id"},  # footnotes
    "sup": {"id"},  # footnote references
    **{heading: {"id"} for heading in HEADINGS},
}
COMMENT_ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    "a": {"rel": {EXTERNAL_LINK_REL}},
}
ARTICLE_ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    **COMMENT_ATTRIBUTE_VALUES,
    "nav": {"aria-label": {TOC_LABEL}},
    "td": {"align": {"left", "center", "right"}},
    "th": {"align": {"left", "center", "right"}},
}
COMMENT_CLASSES: dict[str, set[str]] = {
    "a": {"wikilink", "new"},
    "div": {"highlight"},
    "span": set(PYGMENTS_CLASSES),
}
ARTICLE_CLASSES: dict[str, set[str]] = {
    **COMMENT_CLASSES,
    "a": {"wikilink", "new", "headerlink", "footnote-ref", "footnote-backref"},
    "div": {"highlight", "footnote", "toc"},
    "nav": {"toc"},
}
# Never produced by our Markdown; if one ever appears, drop it with its content.
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "template", "title", "textarea", "xmp"})


# --- URL checks -------------------------------------------------------------


def _strip_invisible(value: str) -> str:
    return "".join(
        char for char in value if unicodedata.category(char) not in _INVISIBLE_CATEGORIES
    )


def _url_keys(value: str) -> set[str]:
    """The URL as scheme checks must see it: no invisible characters, case-folded;
    also in NFKC form (fullwidth letters), to be stricter than browsers."""
    if value.isascii() and value.isprintable() and " " not in value:
        return {value.lower()}  # the common case, already in every form
    return {
        _strip_invisible(value).casefold(),
        _strip_invisible(unicodedata.normalize("NFKC", value)).casefold(),
    }


def _url_scheme(key: str) -> str | None:
    """The scheme of a normalized URL, or None for a relative one."""
    head = _URL_PATH_START.split(key, maxsplit=1)[0]
    if ":" not in head:
        return None
    return head.split(":", 1)[0]


def is_safe_url(value: str) -> bool:
    """Whether a URL attribute value is relative or uses an allowed scheme."""
    schemes = {_url_scheme(key) for key in _url_keys(value)}
    return schemes <= SAFE_URL_SCHEMES | {None}


def _tree_attribute_text(value: str) -> str:
    """An attribute value from the Markdown tree as the browser will read it."""
    return html.unescape(value.replace(util.AMP_SUBSTITUTE, "&"))


def _is_external_url(value: str) -> bool:
    """Whether a link leaves the site: it has a scheme or starts with two (back)slashes."""
    value = _tree_attribute_text(value)
    return any(
        key.replace("\\", "/").startswith("//") or _url_scheme(key) is not None
        for key in _url_keys(value)
    )


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: drop URL attributes whose scheme is not allowed."""
    if attribute in URL_ATTRIBUTES and not is_safe_url(value):
        return None
    return value


def _cleaner(
    *,
    tags: Iterable[str],
    attributes: dict[str, set[str]],
    attribute_values: dict[str, dict[str, set[str]]],
    classes: dict[str, set[str]],
) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(tags),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes=attributes,
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel=None,
        tag_attribute_values=attribute_values,
        url_schemes=set(SAFE_URL_SCHEMES),
        allowed_classes=classes,
    )


ARTICLE_CLEANER = _cleaner(
    tags=ARTICLE_TAGS,
    attributes=ARTICLE_ATTRIBUTES,
    attribute_values=ARTICLE_ATTRIBUTE_VALUES,
    classes=ARTICLE_CLASSES,
)
COMMENT_CLEANER = _cleaner(
    tags=COMMENT_TAGS,
    attributes=COMMENT_ATTRIBUTES,
    attribute_values=COMMENT_ATTRIBUTE_VALUES,
    classes=COMMENT_CLASSES,
)


# --- Markdown extensions ----------------------------------------------------


class _TooComplexError(Exception):
    """The source would take python-markdown too long: render it as plain text."""


@dataclass
class _RenderState:
    """What one render learns and needs beyond the element tree."""

    existing_slugs: ExistingSlugs | None
    is_comment: bool
    link_slugs: set[str] = field(default_factory=set)
    link_scan_budget: int = LINK_SCAN_BUDGET
    block_work_budget: int = 0


@dataclass(frozen=True)
class _FenceOpener:
    fence: str
    lang: str | None
    options: dict[str, Any]


class _FencedBlockPreprocessor(FencedBlockPreprocessor):
    """Fenced code blocks, found line by line in linear time.

    Upstream searches the whole text with one regular expression, which takes
    quadratic time when many fences are never closed. Its `{...}` attributes
    also pass any key to Pygments as an option (an unknown or malformed one
    raises, some add inline styles): here they choose the language and the
    highlighted lines only.
    """

    def run(self, lines: list[str]) -> list[str]:
        if not self.checked_for_deps:
            for extension in self.md.registeredExtensions:
                if isinstance(extension, CodeHiliteExtension):
                    self.codehilite_conf = extension.getConfigs()
            self.checked_for_deps = True
        out: list[str] = []
        # For each fence, the fewest lines left at which no closing line follows.
        no_closer_within: dict[str, int] = {}
        index = 0
        while index < len(lines):
            opener = self._parse_opener(lines[index])
            close = None
            if opener and len(lines) - index > no_closer_within.get(opener.fence, 0):
                close = self._find_closer(lines, index, opener.fence)
                if close is None:
                    no_closer_within[opener.fence] = len(lines) - index
            if opener is None or close is None:
                out.append(lines[index])
                index += 1
                continue
            code = "".join(line + "\n" for line in lines[index + 1 : close])
            options = {**self.codehilite_conf, **opener.options}
            style = options.pop("pygments_style", "default")
            highlighted = _CodeHilite(code, lang=opener.lang, style=style, **options)
            out += ["", self.md.htmlStash.store(highlighted.hilite(shebang=False)), ""]
            index = close + 1
        return out

    def _parse_opener(self, line: str) -> _FenceOpener | None:
        match = FENCE_OPENER_RE.fullmatch(line)
        if match is None:
            return None
        lang: str | None = match["lang"] or None
        options: dict[str, Any] = {}
        if match["attrs"] is not None:
            attrs, remainder = get_attrs_and_remainder(match["attrs"])
            if remainder:
                return None
            _id, classes, parsed = self.handle_attrs(attrs)
            lang = classes[0] if classes else None
            if "hl_lines" in parsed:
                options["hl_lines"] = parsed["hl_lines"]
        elif match["hl_lines"] is not None:
            options["hl_lines"] = parse_hl_lines(match["hl_lines"])
        return _FenceOpener(fence=match["fence"], lang=lang, options=options)

    @staticmethod
    def _find_closer(lines: list[str], index: int, fence: str) -> int | None:
        for close in range(index + 1, len(lines)):
            line = lines[close]
            if line.startswith(fence) and not line[len(fence) :].strip(" "):
                return close
        return None


class _FencedCodeExtension(FencedCodeExtension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtension(self)
        md.preprocessors.register(
            _FencedBlockPreprocessor(md, self.getConfigs()), "fenced_code_block", 25
        )


class _TableProcessor(TableProcessor):
    """Tables, with a cheap first look at the separator row.

    Upstream splits the whole block on every test, and a block of many
    headings is re-tested once per line: quadratic.
    """

    def test(self, parent: etree.Element, block: str) -> bool:
        lines = block.split("\n", 2)
        if len(lines) < 2 or not set(lines[1].strip(" ")) <= set("|:- "):
            return False
        return super().test(parent, block)


class _TableExtension(TableExtension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        super().extendMarkdown(md)
        md.parser.blockprocessors.register(
            _TableProcessor(md.parser, self.getConfigs()), "table", 75
        )


class _FootnoteExtension(FootnoteExtension):
    """Footnotes, with linear-time bookkeeping for many references.

    Upstream searches every earlier id again for each repeated reference and
    keeps the reference order in a list: quadratic.
    """

    def reset(self) -> None:
        super().reset()
        self._last_unique_ref: dict[str, str] = {}
        self._seen_refs: set[str] = set()

    def addFootnoteRef(self, id: str) -> None:
        if id not in self._seen_refs:
            self._seen_refs.add(id)
            self.footnote_order.append(id)

    def unique_ref(self, reference: str, found: bool = False) -> str:
        if not found:
            return reference
        original = reference
        # Every id between the original and the last one handed out is taken.
        reference = self._last_unique_ref.get(original, original)
        separator = self.get_separator()
        while reference in self.used_refs:
            ref, rest = reference.split(separator, 1)
            m = RE_REF_ID.match(ref)
            number = int(m.group(2)) + 1 if m else 2
            reference = f"{m.group(1) if m else ref}{number}{separator}{rest}"
        self.used_refs.add(reference)
        self._last_unique_ref[original] = reference
        self.found_refs[original] = self.found_refs.get(original, 0) + 1
        return reference


class _BoundedLinkScan(InlineProcessor):
    """Mixin for link processors: stop scanning once the render's budget is spent."""

    state: _RenderState

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        if self.state.link_scan_budget <= 0:
            return "", index, False
        text, end, handled = super().getText(data, index)
        self.state.link_scan_budget -= max(end - index, 1)
        return text, end, handled

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        if self.state.link_scan_budget <= 0:
            return "", None, index, False
        href, title, end, handled = super().getLink(data, index)
        self.state.link_scan_budget -= max(end - index, 1)
        return href, title, end, handled


_BOUNDED_LINK_PROCESSORS = tuple(
    (name, type(f"_Bounded{cls.__name__}", (_BoundedLinkScan, cls), {}), pattern, priority)
    for name, cls, pattern, priority in LINK_PROCESSORS
)


@functools.lru_cache(maxsize=256)
def _lexer_class(name: str) -> type[Lexer]:
    """Pygments' lexer class for a language name (plain text when unknown).

    Pygments scans every lexer for each lookup, a quarter millisecond."""
    try:
        return find_lexer_class_by_name(name)
    except ClassNotFound:
        return TextLexer


class _CodeHilite(CodeHilite):
    """CodeHilite for our configuration (Pygments, no guessing), with cached lookups."""

    def hilite(self, shebang: bool = True) -> str:
        self.src = self.src.strip("\n")
        if self.lang is None and shebang:
            self._parseHeader()
        lexer = _lexer_class(self.lang or "")(**self.options)
        if not self.lang:
            self.lang = lexer.aliases[0]
        formatter = self.pygments_formatter(
            lang_str=f"{self.lang_prefix}{self.lang}", **self.options
        )
        return highlight(self.src, lexer, formatter)


class _HiliteTreeprocessor(HiliteTreeprocessor):
    """Indented code blocks, highlighted through `_CodeHilite`."""

    def run(self, root: etree.Element) -> None:
        for block in root.iter("pre"):
            if len(block) != 1 or block[0].tag != "code" or block[0].text is None:
                continue
            config = self.config.copy()
            style = config.pop("pygments_style", "default")
            code = _CodeHilite(
                self.code_unescape(block[0].text),
                tab_length=self.md.tab_length,
                style=style,
                **config,
            )
            placeholder = self.md.htmlStash.store(code.hilite())
            block.clear()
            block.tag = "p"  # python-markdown swaps the paragraph for the stashed HTML
            block.text = placeholder


class _CodeHiliteExtension(CodeHiliteExtension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        hiliter = _HiliteTreeprocessor(md)
        hiliter.config = self.getConfigs()
        md.treeprocessors.register(hiliter, "hilite", 30)
        md.registerExtension(self)


class _CachedHtmlFormatter:
    """Pygments' HTML formatter, built once per set of options in a render:
    building one renders a whole stylesheet, about a millisecond a code block."""

    def __init__(self) -> None:
        self._formatters: dict[str, HtmlFormatter] = {}

    def __call__(self, lang_str: str = "", **options: Any) -> HtmlFormatter:
        key = repr(sorted(options.items()))
        if key not in self._formatters:
            self._formatters[key] = HtmlFormatter(**options)
        return self._formatters[key]


@dataclass(frozen=True)
class _BacktickRuns:
    """Where the runs of backticks in a text are, for code span lookups."""

    runs: list[tuple[int, int]]  # (start, length), in order
    starts: list[int]
    by_length: dict[int, list[int]]  # length -> indexes into runs, in order
    longest_from: list[tuple[int, int]]  # index -> (length, index) of the first longest run from it

    @classmethod
    def of(cls, text: str) -> _BacktickRuns:
        runs = [(m.start(), m.end() - m.start()) for m in _BACKTICK_RUN_RE.finditer(text)]
        by_length: dict[int, list[int]] = {}
        for index, (_start, length) in enumerate(runs):
            by_length.setdefault(length, []).append(index)
        longest_from = [(0, -1)] * (len(runs) + 1)
        for index in range(len(runs) - 1, -1, -1):
            best = longest_from[index + 1]
            longest_from[index] = (runs[index][1], index) if runs[index][1] >= best[0] else best
        return cls(runs, [start for start, _length in runs], by_length, longest_from)


class _BacktickInlineProcessor(BacktickInlineProcessor):
    """Code spans, paired as upstream pairs them but through an index of the
    backtick runs in the rest of the text.

    Upstream scans to the end of the paragraph for every opening run that has
    no closing run: quadratic time. The index covers the end of the text, which
    stays the same while the inline processor replaces matches before it.
    """

    def __init__(self, pattern: str) -> None:
        super().__init__(pattern)
        self._tail = ""
        self._runs = _BacktickRuns.of("")

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        opener = _BACKTICK_RUN_RE.match(text, start)
        if opener is None:
            return super().find_code_spans(start, text)
        max_ticks = opener.end() - start
        after = opener.end()
        rest = text[after:]
        if len(rest) > len(self._tail) or not self._tail.endswith(rest):
            self._tail, self._runs = rest, _BacktickRuns.of(rest)
        shift = after - (len(self._tail) - len(rest))  # tail position -> text position
        runs = self._runs
        first = bisect.bisect_left(runs.starts, after - shift)
        same_length = runs.by_length.get(max_ticks, [])
        exact = bisect.bisect_left(same_length, first)
        if exact < len(same_length):
            return after, runs.runs[same_length[exact]][0] + shift
        longest, longest_run = runs.longest_from[first]
        if 0 < longest < max_ticks:
            end = runs.runs[longest_run][0] + shift + longest
            return after - (max_ticks - longest), end - longest
        return after + max_ticks, None


class _BlockWorkMeter(BlockProcessor):
    """First in line: counts the text the block parser examines.

    python-markdown re-tests the rest of a block after each line some
    processors take, and some tests search the whole block: quadratic for some
    inputs. Past the render's budget the render gives up (plain text).
    """

    def __init__(self, parser: BlockParser, state: _RenderState) -> None:
        super().__init__(parser)
        self.state = state

    def test(self, parent: etree.Element, block: str) -> bool:
        self.state.block_work_budget -= len(block) + 1
        if self.state.block_work_budget < 0:
            raise _TooComplexError
        return False

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        return False


class _WikiLinkInlineProcessor(InlineProcessor):
    """`[[Title]]` and `[[Title|label]]`: a link to the article `slugify(Title)`."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | str, int, int]:
        title = m.group(1).strip()
        label = (m.group(2) or "").strip() or title
        slug = slugify(title)
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
