"""Notices in the site: created once per event and person, counted for the header's bell,
marked read. Every write about notices and channel choices happens here; what each event
means and who hears of it is decided by the listeners (notifications.listeners)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from notifications.models import DEFAULT_CHANNELS, Channel, Notice, NoticeKind, Preference

TEXT_LENGTH = Notice._meta.get_field("text").max_length


def channels_for(*, user_ids: Iterable[int], kind: str) -> dict[int, Channel]:
    """Each person's channel for `kind` (the kind's default where they chose nothing):
    one query whatever the number of people."""
    ids = set(user_ids)
    chosen = dict(Preference.objects.filter(user_id__in=ids).values_list("user_id", kind))
    return {user_id: Channel(chosen.get(user_id, DEFAULT_CHANNELS[kind])) for user_id in ids}


@transaction.atomic
def set_channels(*, user, channels: Mapping[str, str]) -> None:
    """Save a person's channel for each kind named (the preferences page)."""
    chosen = {kind: Channel(channel) for kind, channel in channels.items()}
    if not set(chosen) <= set(NoticeKind.values):
        raise ValueError(f"Not kinds of notice: {sorted(set(chosen) - set(NoticeKind.values))}")
    Preference.objects.update_or_create(user=user, defaults=chosen)


@transaction.atomic
def stop_mail(*, user_id: int, kind: str) -> None:
    """No more e-mail about `kind` (an unsubscribe link): what was both becomes site only."""
    preference, _ = Preference.objects.select_for_update().get_or_create(user_id=user_id)
    channel = preference.channel(kind)
    if channel.by_email:
        setattr(preference, kind, Channel.SITE if channel.in_site else Channel.NONE)
        preference.save(update_fields=[kind])


def notify(
    *,
    kind: NoticeKind,
    key: str,
    recipient_ids: Iterable[int],
    text: str,
    url: str,
    article_id: int | None = None,
    actor_name: str = "",
) -> int:
    """Tell each recipient who wants `kind` in the site, once per `key` whatever the number
    of calls (a retried task adds nothing); returns how many notices were new. One query to
    read the channels, one to insert."""
    channels = channels_for(user_ids=recipient_ids, kind=kind)
    wanting = sorted(user_id for user_id, channel in channels.items() if channel.in_site)
    if not wanting:
        return 0
    text = " ".join(text.split())
    if len(text) > TEXT_LENGTH:
        text = text[: TEXT_LENGTH - 1].rstrip() + "…"
    now = timezone.now()
    notices = [
        Notice(
            recipient_id=user_id,
            kind=kind,
            key=key,
            article_id=article_id,
            actor_name=actor_name[:150],
            text=text,
            url=url[:500],
            created_at=now,
        )
        for user_id in wanting
    ]
    before = Notice.objects.filter(key=key, recipient_id__in=wanting).count()
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(wanting) - before


def unread_count(user) -> int:
    """How many of a person's notices are unread (one query, on a partial index)."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user).unread().count()


def bell_count(request: HttpRequest) -> int:
    """The header bell's count for this request's viewer: counted once per request, whether
    the page's ETag (commons.pagecache) or its layout asks first."""
    if not hasattr(request, "_unread_notices"):
        request._unread_notices = unread_count(request.user)
    return request._unread_notices


def mark_read(*, user, notice_ids: Iterable[int] | None = None) -> int:
    """Mark a person's notices read: the ones named, or all; returns how many changed."""
    unread = Notice.objects.filter(recipient=user).unread()
    if notice_ids is not None:
        unread = unread.filter(Q(pk__in=list(notice_ids)))
    return unread.update(read_at=timezone.now())


def open_notice(*, user, notice_id: int) -> Notice | None:
    """A person opens one of their notices: it is read, and so is the rest of its group
    (for the kinds the page groups); None when they have no such notice."""
    notice = Notice.objects.select_related("article").filter(recipient=user, pk=notice_id).first()
    if notice is None:
        return None
    if notice.kind in GROUPED and notice.article_id is not None:
        same = Notice.objects.filter(recipient=user, kind=notice.kind, article_id=notice.article_id)
        same.unread().update(read_at=timezone.now())
    elif notice.read_at is None:
        mark_read(user=user, notice_ids=[notice.pk])
    return notice


# Kinds the notifications page shows grouped by article ("3 edits to Gardens"); the others,
# replies, mentions and decisions, are each listed with who.
GROUPED = {NoticeKind.WATCHED_EDIT: "edit", NoticeKind.WATCHED_COMMENT: "new comment"}


@dataclass
class NoticeGroup:
    """Notices the page shows as one line: of one grouped kind, about one article, all
    unread or all read; or a single notice."""

    notices: list[Notice] = field(default_factory=list)

    @property
    def newest(self) -> Notice:
        return self.notices[0]

    @property
    def unread(self) -> bool:
        return self.newest.read_at is None

    @property
    def ids(self) -> list[int]:
        return [notice.pk for notice in self.notices]

    @property
    def text(self) -> str:
        if len(self.notices) == 1:
            return self.newest.text
        count, noun = len(self.notices), GROUPED[self.newest.kind]
        preposition = "to" if self.newest.kind == NoticeKind.WATCHED_EDIT else "on"
        return f"{count} {noun}s {preposition} “{self.newest.article.title}”"

    @property
    def actors(self) -> str:
        """Who did it: up to three names, then how many others."""
        names = list(dict.fromkeys(n.actor_name for n in self.notices if n.actor_name))
        if len(names) <= 3:
            return ", ".join(names)
        return f"{', '.join(names[:3])} and {len(names) - 3} others"

    @property
    def target(self) -> str:
        """Where the group leads: its one notice's address, or the article's history or
        discussion for several."""
        return self.newest.url if len(self.notices) == 1 else group_target(self.newest)


def group_target(notice: Notice) -> str:
    """Where a group of notices like this one leads: its article's history (edits) or
    discussion (comments)."""
    article = notice.article
    if notice.kind == NoticeKind.WATCHED_EDIT:
        return reverse("wiki:history", args=[article.slug])
    return article.get_absolute_url() + "#discussion"


def group_notices(notices: Iterable[Notice]) -> list[NoticeGroup]:
    """One page of notices, newest first, as the lines the page shows: the grouped kinds
    gathered by article and read state (at the place of their newest), the others alone."""
    groups: list[NoticeGroup] = []
    by_key: dict[tuple, NoticeGroup] = {}
    for notice in notices:
        if notice.kind in GROUPED and notice.article_id is not None:
            key = (notice.kind, notice.article_id, notice.read_at is None)
            if key not in by_key:
                by_key[key] = NoticeGroup()
                groups.append(by_key[key])
            by_key[key].notices.append(notice)
        else:
            groups.append(NoticeGroup([notice]))
    return groups


def verified_addresses(*, user_ids: Iterable[int]) -> dict[int, str]:
    """The address each active person verified (their primary one, or any verified one),
    for those who have one: the only addresses mail goes to. One query."""
    rows = (
        EmailAddress.objects.filter(user_id__in=set(user_ids), verified=True, user__is_active=True)
        .order_by("user_id", "-primary", "pk")
        .values_list("user_id", "email")
    )
    addresses: dict[int, str] = {}
    for user_id, email in rows:
        addresses.setdefault(user_id, email)
    return addresses
