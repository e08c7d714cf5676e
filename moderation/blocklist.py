"""Blocklists: link addresses and words that new content may not carry.

Moderators keep two lists (moderation.models.BlocklistEntry): link patterns, a host with an
optional path ("spam.example" matches that host and every subdomain; "spam.example/promo"
that path and everything under it), and words or phrases, matched as whole words whatever
their case. Each entry either refuses the content (the writer gets their text back with a
message naming the match) or holds it for a moderator. Patterns are plain text, never
regular expressions, and matching costs a few passes over the text whatever the entries:
links are looked up host suffix by host suffix in a dict, phrases as word tuples in a set.

Only what a change adds counts: a link or phrase that was already in the old text, as often,
does not stop an editor fixing a typo beside it.

The compiled lists are kept in each process under a version held in the cache; adding or
removing an entry writes a new version, so every process reloads on its next check.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import re
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from encodings import idna
from functools import wraps
from itertools import islice
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from commons import ratelimit
from commons.roles import require_moderator
from moderation import log, services
from moderation.models import (
    Actor,
    BlocklistAction,
    BlocklistEntry,
    BlocklistKind,
    LogAction,
    ReviewReason,
    TargetKind,
)

logger = logging.getLogger(__name__)

MAX_ENTRIES_PER_KIND = 1000
MAX_PHRASE_WORDS = 10
MAX_PATH_SEGMENTS = 10
MAX_HOST_LABELS = 127  # a DNS name has at most 127 labels: a longer "host" is cut to its tail
# Refusals logged per writer (account or address) per hour; more are refused but not logged,
# so a writer retrying one text cannot fill the moderators' log.
REFUSALS_LOGGED = "20/3600"
VERSION_KEY = "moderation:blocklist:version"
MEMO_SECONDS = 300  # a process rereads the lists at least this often, whatever the cache says

# --- Text -------------------------------------------------------------------------------

# Invisible format characters (zero-width spaces and joiners, soft hyphens, direction marks)
# that would split a word or a host for the matcher but not for the reader.
_INVISIBLE = re.compile(
    r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_WORD = re.compile(r"\w+")
_DOTS = re.compile(r"[.\u3002\uff0e\uff61]")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# A link: a scheme (any number of slashes, as browsers forgive), "//" or "www.", then the
# authority (host, maybe with user and port), then maybe a path.
_LINK = re.compile(
    r"(?:\b(?:https?|ftp):[/\\]*|(?<![\w.:/-])//|\bwww\.)"
    r"(?P<host>[^\s/\\?#<>\"'`()\[\]{}|^]+)"
    r"(?P<path>[/\\][^\s<>\"'`()\[\]{}|^]*)?",
    re.IGNORECASE,
)
_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


def _plain(text: str) -> str:
    return _INVISIBLE.sub("", text)


def words_of(text: str) -> list[str]:
    """The text's words as the matcher sees them: compatibility forms folded (full-width
    letters), invisible characters dropped, case folded."""
    return _WORD.findall(unicodedata.normalize("NFKC", _plain(text)).casefold())


def normalise_host(raw: str) -> str:
    """A host as links and patterns are compared: percent-decoded, without user and port,
    lower case, each label in its ASCII (IDNA) form, no empty labels."""
    raw = unquote(_plain(raw)).rpartition("@")[2]
    raw = re.sub(r":\d*\Z", "", raw)
    labels = [label for label in _DOTS.split(raw) if label][-MAX_HOST_LABELS:]
    return ".".join(_ascii_label(label) for label in labels)


def _ascii_label(label: str) -> str:
    if label.isascii():
        return label.lower()
    try:
        return idna.ToASCII(label).decode("ascii").lower()
    except UnicodeError:
        return unicodedata.normalize("NFKC", label).casefold()


def normalise_path(raw: str) -> str:
    """A path as links and patterns are compared: no query or fragment, percent-decoded,
    case folded, "/" separators, no trailing "/" ("" for the root)."""
    raw = re.split(r"[?#]", raw.replace("\\", "/"), maxsplit=1)[0][:512]
    return unquote(_plain(raw)).casefold().rstrip("/")


def _links(text: str) -> Counter[tuple[str, str]]:
    """(host, path) of every link in Markdown or HTML source, as often as each occurs.
    HTML character references and Markdown's backslash escapes are undone first, as the
    renderer would."""
    text = _MARKDOWN_ESCAPE.sub(r"\1", html.unescape(text))
    found: Counter[tuple[str, str]] = Counter()
    for link in _LINK.finditer(text):
        found[(link["host"], link["path"] or "")] += 1
    links: Counter[tuple[str, str]] = Counter()
    for (host, path), count in found.items():
        host = normalise_host(host)
        if host:
            links[(host, normalise_path(path))] += count
    return links


# --- The compiled lists -------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """An entry that new content matched, and what in the content matched it."""

    entry_id: int
    kind: str  # BlocklistKind
    pattern: str
    action: str  # BlocklistAction
    reason: str
    found: str  # the link (host and path) or the words

    @property
    def refuses(self) -> bool:
        return self.action == BlocklistAction.REFUSE

    def describe(self) -> str:
        """For the moderators' log."""
        if self.kind == BlocklistKind.URL:
            what = f"the link {self.found} matched “{self.pattern}”"
        else:
            what = f"the words “{self.found}” matched"
        return f"{what} ({self.reason})" if self.reason else what


@dataclass
class _Lists:
    # host -> {path prefix ("" for the whole host) -> entry}
    hosts: dict[str, dict[str, Match]] = field(default_factory=dict)
    host_depth: int = 0  # the most labels of any listed host
    path_depth: int = 0  # the most segments of any listed path
    # number of words -> {word tuple -> entry}
    phrases: dict[int, dict[tuple[str, ...], Match]] = field(default_factory=dict)

    def add(self, entry: Match) -> None:
        if entry.kind == BlocklistKind.URL:
            host, _, path = entry.pattern.partition("/")
            path = f"/{path}" if path else ""
            self.hosts.setdefault(host, {})[path] = entry
            self.host_depth = max(self.host_depth, host.count(".") + 1)
            self.path_depth = max(self.path_depth, path.count("/"))
        else:
            words = tuple(entry.pattern.split())
            self.phrases.setdefault(len(words), {})[words] = entry

    def link_entry(self, host: str, path: str) -> Match | None:
        """The entry for this link: a listed host it is or is under, with no path or a path
        it is or is under. At most host_depth x path_depth lookups."""
        labels = host.split(".")
        segments = path.split("/")[1 : self.path_depth + 1] if path else []
        prefixes = [""] + ["/" + "/".join(segments[:n]) for n in range(1, len(segments) + 1)]
        for depth in range(1, min(self.host_depth, len(labels)) + 1):
            paths = self.hosts.get(".".join(labels[-depth:]))
            if paths:
                for prefix in prefixes:
                    if prefix in paths:
                        return paths[prefix]
        return None

    def matches(self, text: str) -> Counter[tuple[Match, str]]:
        """Every (entry, what matched) in the text, as often as each occurs."""
        found: Counter[tuple[Match, str]] = Counter()
        if self.hosts:
            for (host, path), count in _links(text).items():
                entry = self.link_entry(host, path)
                if entry is not None:
                    found[(entry, f"{host}{path}"[:200])] += count
        if self.phrases:
            words = words_of(text)
            for length, phrases in self.phrases.items():
                grams = zip(*(words[k:] for k in range(length)), strict=False)
                for gram, count in Counter(filter(phrases.__contains__, grams)).items():
                    found[(phrases[gram], " ".join(gram))] += count
        return found


_memo: tuple[str, float, _Lists] | None = None


def _load() -> _Lists:
    lists = _Lists()
    rows = BlocklistEntry.objects.active().order_by("pk")
    for row in rows.values_list("pk", "kind", "pattern", "action", "reason")[
        : 2 * MAX_ENTRIES_PER_KIND
    ]:
        pk, kind, pattern, action, reason = row
        lists.add(Match(pk, kind, pattern, action, reason, found=""))
    return lists


def _current() -> _Lists:
    """The active lists, compiled once per process and version (one cache read)."""
    global _memo
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, None):
                version = cache.get(VERSION_KEY) or version
    except ratelimit.CACHE_ERRORS as error:
        logger.warning("blocklist read from the database, the cache is unreachable: %s", error)
        return _load()
    memo = _memo
    if memo is not None and memo[0] == version and time.monotonic() - memo[1] < MEMO_SECONDS:
        return memo[2]
    lists = _load()
    _memo = (version, time.monotonic(), lists)
    return lists


def _lists_changed() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except ratelimit.CACHE_ERRORS as error:
        logger.warning("blocklist version not written: %s", error)


def screen(text: str, old_text: str = "") -> Match | None:
    """The blocklist entry that `text` matches and `old_text` did not (as often), a refusing
    entry before a holding one, the first in the text; None when the text may go."""
    lists = _current()
    if not (lists.hosts or lists.phrases):
        return None
    found = lists.matches(text)
    if found and old_text:
        found -= lists.matches(old_text)
    if not found:
        return None
    for key in found:
        if key[0].refuses:
            return _found(*key)
    return _found(*next(iter(found)))


def _found(entry: Match, what: str) -> Match:
    return Match(entry.entry_id, entry.kind, entry.pattern, entry.action, entry.reason, what)


# --- Enforcement --------------------------------------------------------------------------


def refusal_message(match: Match) -> str:
    if match.kind == BlocklistKind.URL:
        return (
            f"The link to {match.found} cannot be posted: moderators keep a list of sites "
            f"that are not allowed here, and it includes {match.pattern}. Remove the link and "
            "save again; your text is below."
        )
    return (
        f"“{match.found}” cannot be posted: it is on the list of words that moderators keep "
        "out of this site. Change those words and save again; your text is below."
    )


class Refused(ValidationError):
    """New content matched a refusing entry; it carries what to log once the write's
    transaction has rolled back (see logs_refusals)."""

    def __init__(self, match: Match, *, field_name: str | None, writer, ip, target: log.Target):
        message = refusal_message(match)
        super().__init__({field_name: message} if field_name else message, code="blocklist")
        self.match = match
        self.writer = writer
        self.ip = ip
        self.target = target


def check(
    *,
    texts: Mapping[str | None, tuple[str, str]],
    writer,
    ip: str | None,
    target: log.Target | Callable[[], log.Target],
) -> Match | None:
    """Screen each field's new text against its old one (field name -> (new, old); None
    names the form's only field). A refusing match raises Refused, naming `target` (or what
    it returns when called) for the log; a holding one is returned, for the caller to save
    the content and hold it (hold())."""
    held = None
    for name, (new, old) in texts.items():
        if not new:
            continue
        match = screen(new, old)
        if match is None:
            continue
        if match.refuses:
            if callable(target):
                target = target()
            raise Refused(match, field_name=name, writer=writer, ip=ip, target=target)
        held = held or match
    return held


def logs_refusals(write: Callable) -> Callable:
    """Put above a write's @transaction.atomic: a Refused write rolls back, then the refusal
    is logged in its own transaction (at most REFUSALS_LOGGED per writer)."""

    @wraps(write)
    def wrapped(*args, **kwargs):
        try:
            return write(*args, **kwargs)
        except Refused as refused:
            _log_refusal(refused)
            raise

    return wrapped


def _log_refusal(refused: Refused) -> None:
    writer = refused.writer
    who = []
    if writer is not None and writer.is_authenticated:
        who.append(f"user:{writer.pk}")
    if refused.ip:
        who.append(f"ip:{refused.ip}")
    if who and not ratelimit.allow("blocklist-refusals", who, REFUSALS_LOGGED):
        return
    with transaction.atomic():
        log.record(
            LogAction.BLOCKLIST_MATCH,
            actor=writer,
            actor_kind=Actor.SYSTEM,
            target=refused.target,
            reason=f"Refused: {refused.match.describe()}",
        )


def hold(*, content, status: str, match: Match, writer, target: log.Target, what: str) -> None:
    """New content that matched a holding entry waits for a moderator, whoever wrote it:
    its case opens in review (no spam check decides it) and the hold is logged."""
    services.open_case(
        content=content,
        status=status,
        hold_reason=ReviewReason.BLOCKLIST,
        hold_note=f"held by the blocklist: {match.describe()}",
    )
    _log_hold(match, writer=writer, target=target, what=what)


def hold_again(*, content, match: Match, writer, target: log.Target, what: str) -> None:
    """Changed content that matched a holding entry waits for a moderator again."""
    services.recheck(
        content=content,
        actor=writer,
        reason="Edited by its author",
        hold_reason=ReviewReason.BLOCKLIST,
        hold_note=f"held by the blocklist: {match.describe()}",
    )
    _log_hold(match, writer=writer, target=target, what=what)


def _log_hold(match: Match, *, writer, target: log.Target, what: str) -> None:
    log.record(
        LogAction.BLOCKLIST_MATCH,
        actor=writer,
        actor_kind=Actor.SYSTEM,
        target=target,
        reason=f"Held {what} for review: {match.describe()}",
    )


# --- Keeping the lists --------------------------------------------------------------------


def own_hosts(extra: Iterable[str] = ()) -> set[str]:
    """The site's own hosts (SITE_URL, ALLOWED_HOSTS), which no entry may list."""
    hosts = {urlsplit(settings.SITE_URL).hostname or "", *extra}
    hosts.update(host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*")
    return {normalise_host(host) for host in hosts if host}


def _strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") and host.count(".") > 1 else host


def normalise_url_pattern(text: str) -> str:
    """A host with an optional path, as stored: "https://WWW.Spam.Example/Promo/?x=1"
    becomes "spam.example/promo". ValidationError says what is wrong."""
    raw = text.strip()
    if not raw or any(char.isspace() for char in raw):
        raise ValidationError("Give a site as a host, like spam.example, or spam.example/path.")
    raw = re.sub(r"\A(?:[a-z][a-z0-9+.-]*:)?[/\\]*", "", raw, flags=re.IGNORECASE)
    host_part, separator, rest = (re.split(r"([/\\?#])", raw, maxsplit=1) + ["", ""])[:3]
    host = _strip_www(normalise_host(host_part))
    _validate_host(host, text)
    path = normalise_path(separator + rest) if separator in ("/", "\\") else ""
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) > MAX_PATH_SEGMENTS:
        raise ValidationError(f"A path may have at most {MAX_PATH_SEGMENTS} parts.")
    pattern = host + "".join(f"/{segment}" for segment in segments)
    if len(pattern) > BlocklistEntry._meta.get_field("pattern").max_length:
        raise ValidationError("That address is too long for the list; shorten its path.")
    return pattern


def _validate_host(host: str, typed: str) -> None:
    if host in own_hosts():
        raise ValidationError(f"{host} is this site's own address; it cannot be blocklisted.")
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(_HOST_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            f"“{typed.strip()[:100]}” is not a site address: give a host with at least one dot, "
            "like spam.example, maybe with a path (spam.example/promo)."
        )


def normalise_word_pattern(text: str) -> str:
    """A word or phrase, as stored and matched: its words, case folded, one space apart."""
    words = words_of(text)
    if not words:
        raise ValidationError("Give a word or phrase with at least one letter or digit.")
    if len(words) > MAX_PHRASE_WORDS:
        raise ValidationError(f"A phrase may have at most {MAX_PHRASE_WORDS} words.")
    pattern = " ".join(words)
    if len(pattern) > BlocklistEntry._meta.get_field("pattern").max_length:
        raise ValidationError("That phrase is too long for the list.")
    return pattern


def _entry_target(entry: BlocklistEntry) -> log.Target:
    label = f"{entry.get_kind_display()}: {entry.pattern}"
    return log.Target(TargetKind.BLOCKLIST, entry.pk, label)


@transaction.atomic
def add_entry(*, by, kind: str, pattern: str, action: str, reason: str = "") -> BlocklistEntry:
    """Add a link pattern or a word to the blocklist (normalised, once) and log it; every
    process matches it from its next check."""
    require_moderator(by)
    if kind not in BlocklistKind.values:
        raise ValidationError("Choose a link address or a word.")
    if action not in BlocklistAction.values:
        raise ValidationError("Choose whether a match is refused or held for review.")
    if kind == BlocklistKind.URL:
        pattern = normalise_url_pattern(pattern)
    else:
        pattern = normalise_word_pattern(pattern)
    entries = BlocklistEntry.objects.active().filter(kind=kind)
    existing = entries.filter(pattern=pattern).first()
    if existing is not None:
        raise ValidationError(
            f"“{pattern}” is already on the list (added {existing.created_at:%Y-%m-%d}, "
            f"{existing.get_action_display()})."
        )
    if entries.count() >= MAX_ENTRIES_PER_KIND:
        raise ValidationError(
            f"The list holds at most {MAX_ENTRIES_PER_KIND} entries of this kind; "
            "remove some first."
        )
    try:
        with transaction.atomic():
            entry = BlocklistEntry.objects.create(
                kind=kind, pattern=pattern, action=action, reason=reason.strip()[:500], added_by=by
            )
    except IntegrityError:
        raise ValidationError(f"“{pattern}” is already on the list.") from None
    log.record(
        LogAction.BLOCKLIST_ADD,
        actor=by,
        target=_entry_target(entry),
        reason="; ".join(filter(None, [entry.get_action_display(), entry.reason])),
    )
    _changed()
    return entry


@transaction.atomic
def remove_entry(*, entry: BlocklistEntry, by, reason: str = "") -> BlocklistEntry:
    """Take an entry off the list; the row stays, with who removed it and when."""
    require_moderator(by)
    entry = BlocklistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.removed_at is not None:
        return entry
    entry.removed_at = timezone.now()
    entry.removed_by = by
    entry.save(update_fields=["removed_at", "removed_by"])
    log.record(LogAction.BLOCKLIST_REMOVE, actor=by, target=_entry_target(entry), reason=reason)
    _changed()
    return entry


def _changed() -> None:
    """A new version now, and again after commit: a process that read the lists between
    the two reloads them."""
    _lists_changed()
    transaction.on_commit(_lists_changed, robust=True)


# --- The queue's suggestions --------------------------------------------------------------


def suggested_hosts(
    texts: Mapping[int, tuple[str, str]], *, own: Iterable[str] = ()
) -> dict[int, list[str]]:
    """For each content (key -> its HTML or Markdown, and the text it replaced), the hosts of
    the links it added that a moderator may list (without "www.", nor under another one):
    not the site's own, not already listed; at most 8 each. No query once the lists are
    compiled."""
    site = own_hosts(own)
    hosts = {key: _added_hosts(new, old) for key, (new, old) in texts.items()}
    wanted = {host for found in hosts.values() for host in found}
    if not wanted:
        return {key: [] for key in texts}
    listed = _listed_hosts(wanted)
    return {
        key: list(
            islice(
                (
                    host
                    for host in found
                    if host not in site and host not in listed and not _valid_host_error(host)
                ),
                8,
            )
        )
        for key, found in hosts.items()
    }


# What the queue reads of each item for its sites: the part an edit changed (whatever its
# size, found by comparing the texts' common start and end), at most this much of it, and
# at most so many distinct hosts; a moderator types any other site on the blocklist page.
SUGGEST_SCAN_CHARS = 64_000
SUGGEST_SCAN_HOSTS = 200
_MARGIN = 300  # a link that straddles the edge of the change is read whole


def _added_hosts(new: str, old: str) -> list[str]:
    new, old = _changed_parts(new, old)
    before = set(_hosts_in(old)) if old else set()
    return _without_subdomains(host for host in _hosts_in(new) if host not in before)


def _changed_parts(new: str, old: str) -> tuple[str, str]:
    """The part of `new` that differs from `old` and the part of `old` it replaced, each
    with a margin, at most SUGGEST_SCAN_CHARS."""
    if not old:
        return new[:SUGGEST_SCAN_CHARS], ""
    start = _common_length(new, old)
    end = _common_length(new[start:][::-1], old[start:][::-1])
    start = max(0, start - _MARGIN)
    return (
        new[start : len(new) - end + _MARGIN][:SUGGEST_SCAN_CHARS],
        old[start : len(old) - end + _MARGIN][:SUGGEST_SCAN_CHARS],
    )


def _common_length(a: str, b: str) -> int:
    """How many characters a and b share from the start (log n comparisons, each in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _hosts_in(text: str) -> list[str]:
    """The normalised hosts of the text's links, the first SUGGEST_SCAN_HOSTS distinct ones."""
    text = _MARKDOWN_ESCAPE.sub(r"\1", html.unescape(text))
    raw: dict[str, None] = {}
    for link in _LINK.finditer(text):
        raw[link["host"]] = None
        if len(raw) >= SUGGEST_SCAN_HOSTS:
            break
    return [host for host in dict.fromkeys(map(normalise_host, raw)) if host]


def _without_subdomains(hosts: Iterable[str]) -> list[str]:
    """The hosts without "www." and without those under another one of them, in order:
    listing pills.example covers cdn.pills.example."""
    found = dict.fromkeys(_strip_www(host) for host in hosts)
    return [
        host
        for host in found
        if not any(
            ".".join(labels) in found for labels in _parents(host.split(".")[-MAX_HOST_LABELS:])
        )
    ]


def _parents(labels: list[str]) -> Iterable[list[str]]:
    return (labels[n:] for n in range(1, len(labels) - 1))


def _valid_host_error(host: str) -> bool:
    try:
        _validate_host(host, host)
    except ValidationError:
        return True
    return False


def _listed_hosts(hosts: set[str]) -> set[str]:
    """The hosts covered by an active whole-host entry (itself or a parent domain)."""
    lists = _current()
    return {host for host in hosts if lists.link_entry(host, "") is not None}
