"""What pages say about themselves in HTML: machine-readable times and plain-text excerpts."""

from datetime import UTC, datetime
from html.parser import HTMLParser


def html_datetime(value: datetime | None) -> str:
    """An aware datetime as a `<time datetime>` value: UTC, to the second ("" for None).

    Django's `|date:'c'` and `isoformat()` keep microseconds, which HTML does not allow.
    """
    if not value:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Text a reader would not take for the page's opening words.
_SKIPPED = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "nav", "pre", "table", "figure", "sup", "script", "style"}
)
_SKIPPED_CLASSES = frozenset({"footnote", "toc"})
_VOID = frozenset({"br", "hr", "img", "input", "wbr", "col", "source", "area", "meta", "link"})
# Tags between which text runs on inline; any other tag separates words.
_INLINE = frozenset({"a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "kbd", "mark"})
_INLINE |= {"q", "s", "samp", "small", "span", "strong", "sub", "u", "var"}
# Each chunk fed to the parser; the excerpt stops reading once it has enough text.
_CHUNK = 4096


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _INLINE:
            self.parts.append(" ")
        if tag in _VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        if self.skipping or tag in _SKIPPED or classes & _SKIPPED_CLASSES:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in _INLINE:
            self.parts.append(" ")
        if self.skipping and tag not in _VOID:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)
            self.length += len(data)

    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def text_excerpt(html: str, limit: int = 160) -> str:
    """The first `limit` characters or so of the text in sanitized `html`, on a word
    boundary, for a page's meta description. Reads only as much HTML as it needs."""
    collector = _TextCollector()
    for start in range(0, len(html), _CHUNK):
        collector.feed(html[start : start + _CHUNK])
        if collector.length > limit:
            break
    collector.close()
    text = collector.text()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[: limit - 1]
    return cut.rstrip(",;:") + "…"
