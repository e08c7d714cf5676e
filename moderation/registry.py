"""The small protocol between moderation and the apps whose content it moderates.

An app registers one adapter per model in its AppConfig.ready(); moderation only ever
calls the adapter, so it knows no comment or revision fields.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from moderation.akismet import Submission


@dataclass(frozen=True)
class Summary:
    """What the queue shows of a piece of content."""

    kind: str  # "comment" or "edit"
    title: str  # e.g. the article's title
    url: str  # where the content lives
    html: str  # safe HTML: the comment, or the edit's diff summary
    author_name: str
    author_ip: str | None
    author_email: str
    created_at: object
    diff_url: str = ""
    author: object = None  # the author's account, None for anonymous writers


class ContentAdapter(Protocol):
    # The kinds of content this model holds, key -> label (the queue filters by them),
    # e.g. {"comment": "Comments"}; keys are unique across adapters.
    kinds: Mapping[str, str]

    def kind_filter(self, kind: str) -> Q:
        """The rows of this model that are of `kind` (one of `kinds`), as a filter on the
        model: Q() when every row is."""

    def submission(self, obj) -> Submission:
        """Akismet's fields for this content (only the text an edit added)."""

    def status(self, obj) -> str:
        """The state the content shows now (read when content that had no case, as a
        trusted author's has none, first moves)."""

    def status_before_removal(self, obj) -> str:
        """The state removed content had before its removal: where restore takes it back."""

    def apply_status(self, obj, *, old: str, new: str) -> str:
        """The one write of the content's moderated state, called by moderation.services
        only: make the content show `new` (publish, hide, revert, remove, keeping `old` on
        removal for restore); return a note for the log."""

    def is_author(self, obj, user) -> bool:
        """Whether `user` wrote the content (an author's own removal is logged as theirs)."""

    def summary(self, obj) -> Summary:
        """What moderators see in the queue."""

    def may_act_on_spam(self, obj) -> bool:
        """Whether a spam verdict may act alone (False: leave it for a person)."""

    def accepted(self, obj) -> None:
        """A person or the check accepted the content as it stands (pages may let search
        engines in now)."""

    def hold(self, obj, *, held: bool) -> None:
        """Hide published content pending review (readers' flags), or show it again."""

    def prefetch(self, objs: list) -> None:
        """Optional: load in bulk what summary() reads for these objects (related rows),
        so a page of the queue or the log costs the same queries for 3 items or 50."""

    def link_texts(self, objs: list) -> dict[int, tuple[str, str]]:
        """Optional: each object's text and the text it replaced, by pk, in a fixed number of
        queries: the queue offers to blocklist the sites of the links it added. Without it
        the queue reads the summary's HTML."""


_adapters: dict[type, ContentAdapter] = {}


def register(model: type, adapter: ContentAdapter) -> None:
    _adapters[model] = adapter


def adapter_for(obj) -> ContentAdapter:
    return _adapters[type(obj)]


def prefetch_for_summaries(objs: Iterable) -> None:
    """Let each adapter that has a prefetch() hook load what summary() reads, in bulk.

    Missing content (None) is skipped; adapters without the hook are left alone.
    """
    by_model: dict[type, list] = defaultdict(list)
    for obj in objs:
        if obj is not None:
            by_model[type(obj)].append(obj)
    for model, group in by_model.items():
        hook = getattr(_adapters.get(model), "prefetch", None)
        if hook is not None:
            hook(group)


def link_texts_for(objs: Iterable) -> dict[tuple[type, int], tuple[str, str]]:
    """(model, pk) -> (text, text it replaced) of each object whose adapter has link_texts()."""
    by_model: dict[type, list] = defaultdict(list)
    for obj in objs:
        if obj is not None:
            by_model[type(obj)].append(obj)
    found: dict[tuple[type, int], tuple[str, str]] = {}
    for model, group in by_model.items():
        hook = getattr(_adapters.get(model), "link_texts", None)
        if hook is not None:
            found.update(((model, pk), texts) for pk, texts in hook(group).items())
    return found


def kinds() -> dict[str, str]:
    """Every registered kind of content, key -> label, in the order apps registered them."""
    return {key: label for adapter in _adapters.values() for key, label in adapter.kinds.items()}


def filter_for_kind(kind: str) -> tuple[type, Q] | None:
    """The model holding content of `kind` and the filter on it that picks that kind
    (Q() for all its rows), or None when `kind` is not registered."""
    for model, adapter in _adapters.items():
        if kind in adapter.kinds:
            return model, adapter.kind_filter(kind)
    return None


def content_type_for(obj) -> ContentType:
    return ContentType.objects.get_for_model(type(obj))
