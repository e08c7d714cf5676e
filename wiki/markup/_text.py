"""Readable plain text from an article's sanitized HTML: what search shows and indexes,
and the opening words that describe a page."""

from __future__ import annotations

from html.parser import HTMLParser

# Page furniture, not text: the contents box, heading permalinks (¶), footnote marks (↩).
_SKIPPED_CLASSES = frozenset({"toc", "headerlink", "footnote-ref", "footnote-backref"})
_BLOCKS = frozenset(
    {
        "blockquote", "br", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "li", "ol", "p", "pre", "table", "tr", "ul",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})
# Text a reader would not take for a page's opening words.
_NOT_OPENING_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "nav", "pre", "table", "figure", "sup"}
)
_NOT_OPENING_CLASSES = _SKIPPED_CLASSES | {"footnote"}
# Each chunk an excerpt feeds the parser; it stops reading once it has enough text.
_CHUNK = 4096


class _TextCollector(HTMLParser):
    def __init__(
        self,
        skipped_tags: frozenset[str] = frozenset(),
        skipped_classes: frozenset[str] = _SKIPPED_CLASSES,
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.skipped_tags = skipped_tags
        self.skipped_classes = skipped_classes
        self.pieces: list[str] = []
        self.length = 0
        self.skipping = 0  # depth inside a skipped element
        self.preformatted = 0  # depth inside <pre>, where line ends are the text's own

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag in _BLOCKS and not self.skipping:
                self.pieces.append("\n")
            return
        if self.skipping:
            self.skipping += 1
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag in self.skipped_tags or classes & self.skipped_classes:
            self.skipping = 1
            return
        if tag == "pre":
            self.preformatted += 1
        if tag in _BLOCKS:
            self.pieces.append("\n")
        elif tag in _CELLS:
            self.pieces.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.skipping:
            self.skipping -= 1
            return
        if tag == "pre":
            self.preformatted -= 1
        if tag in _BLOCKS:
            self.pieces.append("\n")
        elif tag in _CELLS:
            self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.pieces.append(data if self.preformatted else data.replace("\n", " "))
            self.length += len(data)


def html_to_text(html: str) -> str:
    """The words a reader sees in sanitized article HTML, one line per block, no markup."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def html_excerpt(html: str, limit: int = 160) -> str:
    """The first `limit` characters or so of the running text in sanitized article HTML
    (no headings, code, tables or footnotes), cut on a word, for a page's description.
    Reads only as much HTML as it needs."""
    collector = _TextCollector(_NOT_OPENING_TAGS, _NOT_OPENING_CLASSES)
    for start in range(0, len(html), _CHUNK):
        collector.feed(html[start : start + _CHUNK])
        if collector.length > limit:
            break
    collector.close()
    text = " ".join("".join(collector.pieces).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[: limit - 1]
    return cut.rstrip(",;:") + "…"
