"""python-markdown's processors, replaced where upstream takes quadratic time,
multiplies its output or passes options through unchecked: fences, tables,
footnotes, link scans, code highlighting, code spans, meters on the block
parser's and the inline processor's work, and the render's time checks."""

from __future__ import annotations

import bisect
import functools
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any

import markdown
from markdown import inlinepatterns
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions.attr_list import get_attrs_and_remainder  # a parser; the extension is off
from markdown.extensions.codehilite import (
    CodeHilite,
    CodeHiliteExtension,
    HiliteTreeprocessor,
    parse_hl_lines,
)
from markdown.extensions.fenced_code import FencedBlockPreprocessor, FencedCodeExtension
from markdown.extensions.footnotes import (
    RE_REF_ID,
    FootnoteExtension,
    FootnotePostTreeprocessor,
)
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.inlinepatterns import BacktickInlineProcessor, InlineProcessor, Pattern
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import InlineProcessor as InlineTreeprocessor
from markdown.treeprocessors import Treeprocessor
from pygments import highlight
from pygments.formatters.html import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from wiki.markup._state import _RenderState, _TooComplexError

# An opening fence line: the fence, then `{attributes}` or a language and
# `hl_lines="..."` (upstream's expression, kept to one line).
FENCE_OPENER_RE = re.compile(
    r"(?P<fence>~{3,}|`{3,})[ ]*"
    r"(?:\{(?P<attrs>.*)\}"
    r"|\.?(?P<lang>[\w#.+-]*)[ ]*(?:hl_lines=(?P<quot>[\"'])(?P<hl_lines>.*?)(?P=quot)[ ]*)?)"
)
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
_BACKTICK_RUN_RE = re.compile(r"`+")
# A footnote referenced many times links back to its first uses only: upstream
# adds one back-link per reference (87,000 references, 15 MB of back-links).
MAX_FOOTNOTE_BACKLINKS = 10
# A table row shorter than the header is padded with empty cells: a wide header
# and many one-character rows would make millions of cells. A block is a table
# only while it has at most one cell per two characters (every full row does),
# plus two rows' worth of slack.
TABLE_CHARS_PER_CELL = 2
# What every inline pattern needs to match (code, escapes, links, images, wiki links,
# footnotes, autolinks, bare URLs, line breaks, entities, emphasis): a text without
# any of these is left as it is.
INLINE_TRIGGER_RE = re.compile(r"[\[!`\\<&*_]|  \n|https?://|www\.")


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

    state: _RenderState

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
            self.state.check_time()  # before each highlighting, the slow part
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
    def __init__(self, state: _RenderState) -> None:
        super().__init__()
        self.state = state

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtension(self)
        preprocessor = _FencedBlockPreprocessor(md, self.getConfigs())
        preprocessor.state = self.state
        md.preprocessors.register(preprocessor, "fenced_code_block", 25)


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

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        block = blocks[0]
        columns = len(self.separator)
        rows = max(block.count("\n"), 2)  # header and body rows; an empty body gets one row
        if columns * rows > len(block) // TABLE_CHARS_PER_CELL + 2 * columns:
            return False  # mostly padding: left as a paragraph
        super().run(parent, blocks)
        return None


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

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        super().extendMarkdown(md)
        md.treeprocessors.register(_FootnoteBacklinksTreeprocessor(self), "footnote-duplicate", 15)


class _FootnoteBacklinksTreeprocessor(FootnotePostTreeprocessor):
    """Back-links to a footnote's first `MAX_FOOTNOTE_BACKLINKS` references only."""

    def add_duplicates(self, li: etree.Element, duplicates: int) -> None:
        super().add_duplicates(li, min(duplicates, MAX_FOOTNOTE_BACKLINKS))


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

    state: _RenderState

    def run(self, root: etree.Element) -> None:
        for block in root.iter("pre"):
            if len(block) != 1 or block[0].tag != "code" or block[0].text is None:
                continue
            self.state.check_time()
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
    def __init__(self, state: _RenderState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        hiliter = _HiliteTreeprocessor(md)
        hiliter.config = self.getConfigs()
        hiliter.state = self.state
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
        self.state.check_time()
        return False

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        return False


class _MeteredInlineTreeprocessor(InlineTreeprocessor):
    """python-markdown's inline pass, metered.

    Each inline match rebuilds the whole text it was found in (upstream's
    `__applyPattern`): a paragraph with many matches takes quadratic time
    (87,000 footnote references in one 512 KB paragraph: 54 s). Each pattern
    applied counts the text it scanned, and each match the text it copied;
    past the render's budget the render gives up (plain text). The render's
    deadline is checked here too.
    """

    def __init__(self, md: markdown.Markdown, state: _RenderState) -> None:
        super().__init__(md)
        self.state = state

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        # Most texts in a structured document (short list items, table cells) hold
        # nothing any inline pattern could match: skip the twenty patterns' scans.
        if not INLINE_TRIGGER_RE.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc]

    def _InlineProcessor__applyPattern(  # noqa: N802 -- overrides upstream's private method
        self,
        pattern: Pattern,
        data: str,
        patternIndex: int,  # noqa: N803
        startIndex: int = 0,  # noqa: N803
    ) -> tuple[str, bool, int]:
        self.state.check_time()
        result = super()._InlineProcessor__applyPattern(  # type: ignore[misc]
            pattern, data, patternIndex, startIndex
        )
        matched = result[1]
        self.state.inline_work_budget -= len(data) + 1 if matched else len(data) - startIndex + 1
        if self.state.inline_work_budget < 0:
            raise _TooComplexError
        return result


class _TimeCheckTreeprocessor(Treeprocessor):
    """Between tree processors: refuse the render once past its deadline."""

    def __init__(self, md: markdown.Markdown, state: _RenderState) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        self.state.check_time()


class _TimeCheckPostprocessor(Postprocessor):
    """Between post processors: refuse the render once past its deadline."""

    def __init__(self, md: markdown.Markdown, state: _RenderState) -> None:
        super().__init__(md)
        self.state = state

    def run(self, text: str) -> str:
        self.state.check_time()
        return text
