"""What a text adds that a new writer may not: external links and images, read from the
Markdown source.

Each scan is a handful of regular expressions with bounded repeats and no nesting, run
once over the text, so any input costs time in proportion to its length. The count errs
on the side of more: anything a browser could follow off the site counts (bare URLs,
autolinks, inline and reference links, a raw <a> shown as text, entity-encoded
schemes, protocol-relative and backslashed addresses, data: URLs), whether or not the
renderer makes a link of it.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from itertools import chain

from django.conf import settings
from django.http.request import validate_host

# Browsers drop tab, line feed and carriage return anywhere in a URL: written as entities
# they would hide a scheme ("ht&#9;tp:"), so they go before the entities are decoded.
_URL_WHITESPACE_ENTITY = re.compile(
    r"&(?:#0*(?:9|10|13)(?![0-9])|#[xX]0*[9aAdD](?![0-9a-fA-F])|Tab;|NewLine;);?"
)

# Where an address that leaves the site starts:
# - a scheme browsers follow (http: with any slashes, even none or backslashes; data:),
# - a bare www. (the renderer links it),
# - two slashes or backslashes where a link's destination starts.
_URL_START = re.compile(
    r"""
    (?P<scheme>\b(?:https?|ftps?|wss?|data):[/\\]*)
    |(?P<www>(?<![\w.@:/+\-])www\.)
    |(?P<relative>(?<=[\x00-\x20(<\[=:"'])[/\\]{2}(?=[^\x00-\x20/\\]))
    """,
    re.IGNORECASE | re.VERBOSE,
)
_URL_END = re.compile(r"[\x00-\x20<>\"'`()\[\]{}|^]")
_URL_MAX = 2048
_URL_TRAILING = ".,:;!?*_~"

# An image: Markdown's ![alt](src), ![alt][ref] or ![ref]. Raw HTML is shown as text, so
# "<img>" is not one (tests/moderation/test_trust_levels.py holds the renderer to that).
# The key is what the image says, so an unchanged one is not new.
_IMAGE_START = re.compile(r"!\[")
_IMAGE = re.compile(r"!\[([^\[\]\n]{0,300})\][ ]?(?:\(([^()\n]{0,2048})\)|\[([^\[\]\n]{0,300})\])?")
_IMAGE_FALLBACK_KEY = 64


def _decoded(text: str) -> str:
    return unescape(_URL_WHITESPACE_ENTITY.sub("", text))


def _own_hosts() -> list[str]:
    return [host for host in settings.ALLOWED_HOSTS if host != "*"]


_AUTHORITY_END = re.compile(r"[/\\?#]")


def _host(rest: str) -> str:
    end = _AUTHORITY_END.search(rest)
    host = rest[: end.start() if end else len(rest)].rpartition("@")[2]
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.partition(":")[0].rstrip(".").lower()


def external_links(text: str) -> set[str]:
    """The distinct addresses in `text` that lead off the site (same-site ones skipped)."""
    text = _decoded(text)
    own = _own_hosts()
    ours: dict[str, bool] = {}

    def same_site(rest: str) -> bool:
        host = _host(rest)
        if host not in ours:
            ours[host] = bool(own) and validate_host(host, own)
        return ours[host]

    found: set[str] = set()
    # Each address ends where the next one starts, at the latest: one match is held back
    # until the next is found (a list of them all would keep the garbage collector busy).
    previous = None
    for match in chain(_URL_START.finditer(text), [None]):
        if previous is not None:
            token = _token(text, previous, match.start() if match else len(text), same_site)
            if token:
                found.add(token)
        previous = match
    return found


def _token(text: str, match: re.Match[str], next_start: int, same_site) -> str:
    """The address that starts at `match`, as a key; "" when it stays on the site."""
    start = match.start()
    stop = min(start + _URL_MAX, next_start)
    end = _URL_END.search(text, match.end(), stop)
    token = text[start : end.start() if end else stop].rstrip(_URL_TRAILING)
    head = match.group()
    rest = token[len(head) :]
    if match.group("scheme"):
        scheme, colon, slashes = head.partition(":")
        if scheme.lower() != "data" and same_site(rest):
            return ""
        return f"{scheme.lower()}{colon}{slashes}{rest}"
    if match.group("relative") and same_site(rest):
        return ""
    return token


def images(text: str) -> Counter[str]:
    """The images `text` shows (or might), each by what it says, with repeats."""
    text = _decoded(text)
    found: Counter[str] = Counter()
    for start in _IMAGE_START.finditer(text):
        whole = _IMAGE.match(text, start.start())
        found[
            whole.group() if whole else text[start.start() : start.start() + _IMAGE_FALLBACK_KEY]
        ] += 1
    return found


def added_links(new_text: str, old_text: str = "") -> set[str]:
    """External addresses in `new_text` that `old_text` did not have."""
    return (
        external_links(new_text) - external_links(old_text)
        if old_text
        else external_links(new_text)
    )


def added_images(new_text: str, old_text: str = "") -> list[str]:
    """Images in `new_text` beyond those `old_text` had (an unchanged one is not added)."""
    return list((images(new_text) - images(old_text)).elements())
