"""What may reach the page: URL scheme checks and the nh3 allow-lists."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

import nh3
from markdown import util
from pygments.token import STANDARD_TYPES

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

# --- Allow-lists --------------------------------------------------------------

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Pygments' short token classes, plus "hll" for highlighted lines.
PYGMENTS_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name) | {"hll"}
# The aria-label of the contents' <nav> (set in `_links`), the only one allowed.
TOC_LABEL = "Contents"

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
    "a": {"wikilink", "new", "mention"},
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
