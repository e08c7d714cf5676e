"""Notices in the site: created once per event and person, counted for the header's bell,
marked read. Every write about notices and channel choices happens here; what each event
means and who hears of it is decided by the listeners (notifications.listeners)."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Channel, Notice, NoticeKind, Preference

TEXT_LENGTH = Notice._meta.get_field("text").max_length


def channels_for(*, user_ids: Iterable[int], kind: str) -> dict[int, Channel]:
    """Each person's channel for `kind` (the default, both, where they chose nothing):
    one query whatever the number of people."""
    ids = set(user_ids)
    chosen = dict(Preference.objects.filter(user_id__in=ids).values_list("user_id", kind))
    return {user_id: Channel(chosen.get(user_id, Channel.BOTH)) for user_id in ids}


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


def mark_read(*, user, notice_ids: Iterable[int] | None = None) -> int:
    """Mark a person's notices read: the ones named, or all; returns how many changed."""
    unread = Notice.objects.filter(recipient=user).unread()
    if notice_ids is not None:
        unread = unread.filter(Q(pk__in=list(notice_ids)))
    return unread.update(read_at=timezone.now())


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
