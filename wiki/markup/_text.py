"""Readable plain text from an article's sanitized HTML: what search shows and indexes."""

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


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
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
        if classes & _SKIPPED_CLASSES:
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


def html_to_text(html: str) -> str:
    """The words a reader sees in sanitized article HTML, one line per block, no markup."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.pieces).split("\n"))
    return "\n".join(line for line in lines if line)
