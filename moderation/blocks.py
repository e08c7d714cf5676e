"""Blocks: a moderator stops an account, an address or a range from editing, commenting
or both, with a reason and an optional end. Lifting a block keeps it on record.

Every write path asks `refuse_if_blocked(user, ip, doing)` before it writes; a blocked
writer gets `Blocked`, which carries the block so the page can say why, who decided and
until when.
"""

from __future__ import annotations

import datetime
import ipaddress

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from commons.roles import require_moderator
from moderation import log
from moderation.models import Block, BlockScope, LogAction, TargetKind

IPv4_IN_IPv6 = ipaddress.IPv6Network("::ffff:0:0/96")


class Blocked(PermissionDenied):
    """A blocked writer's refusal: `block` says why, by whom and until when; `doing` is
    what they tried (BlockScope.EDIT or COMMENT, or None for making an account)."""

    def __init__(self, block: Block, doing: str | None = None) -> None:
        super().__init__(block.reason)
        self.block = block
        self.doing = doing


def _as_hex(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """32 hex digits that sort as the addresses do; IPv4 is mapped into ::ffff:0:0/96."""
    if address.version == 4:
        return format(int(IPv4_IN_IPv6.network_address) + int(address), "032x")
    return format(int(address), "032x")


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An address or CIDR range a moderator typed, checked against the widest ranges
    allowed (MODERATION_BLOCK_WIDEST_IPV4/IPV6), so a typo cannot block the world."""
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as error:
        raise ValidationError(
            f"“{text[:100]}” is not an IP address or a range like 203.0.113.0/24."
        ) from error
    if network.version == 6 and network.subnet_of(IPv4_IN_IPv6):
        # ::ffff:10.0.0.0/104 is 10.0.0.0/8 written as IPv6: it matches IPv4 writers, so it
        # is held to the IPv4 limit (and ::ffff:0:0/96, all of IPv4, is refused).
        start = int(network.network_address) - int(IPv4_IN_IPv6.network_address)
        network = ipaddress.IPv4Network((start, network.prefixlen - 96))
    widest = (
        settings.MODERATION_BLOCK_WIDEST_IPV4
        if network.version == 4
        else settings.MODERATION_BLOCK_WIDEST_IPV6
    )
    if network.prefixlen < widest:
        raise ValidationError(
            f"A range may be at most /{widest} for IPv{network.version}; "
            f"/{network.prefixlen} would block too many people."
        )
    return network


def _doing_filter(doing: str | None) -> Q:
    if doing is None:
        return Q()
    return Q(scope=BlockScope.ALL) | Q(scope=doing)


def active_block(*, user=None, ip: str | None = None, doing: str | None) -> Block | None:
    """The block that stops this writer (an account, an address or both) from `doing`
    (BlockScope.EDIT or COMMENT; None for any block at all, as sign-up asks), the one that
    ends last; None when free. One query, none without a user or an address."""
    who = Q()
    if user is not None and user.is_authenticated:
        who |= Q(user=user)
    if ip:
        try:
            point = _as_hex(ipaddress.ip_address(ip))
        except ValueError:
            point = None
        if point is not None:
            who |= Q(range_start__lte=point, range_end__gte=point, user=None)
    if not who:
        return None
    return (
        Block.objects.active()
        .filter(who)
        .filter(_doing_filter(doing))
        .select_related("created_by", "user")
        .order_by(F("expires_at").desc(nulls_first=True), "-created_at")
        .first()
    )


def refuse_if_blocked(user, ip: str | None, doing: str | None) -> None:
    """Raise Blocked when an active block stops `user` or `ip` from `doing`; every write
    path calls it before it writes anything."""
    block = active_block(user=user, ip=ip, doing=doing)
    if block is not None:
        raise Blocked(block, doing)


def _target(block: Block) -> log.Target:
    if block.user_id:
        name = block.user.get_username()
        return log.Target(
            TargetKind.USER, block.user_id, name, reverse("contributions", args=[name])
        )
    return log.Target(TargetKind.ADDRESS, block.network, block.network)


@transaction.atomic
def block(
    *,
    by,
    reason: str,
    scope: str = BlockScope.ALL,
    user=None,
    network: str = "",
    expires_at: datetime.datetime | None = None,
) -> Block:
    """Block an account or an address/range (one of them) and log it."""
    require_moderator(by)
    if not reason.strip():
        raise ValidationError("Say why: the blocked person is shown the reason.")
    if scope not in BlockScope.values:
        raise ValidationError("Block editing, commenting or both.")
    if (user is None) == (not network):
        raise ValidationError("Block either an account or an address, not both.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError("The end of a block must be in the future.")
    row = Block(user=user, scope=scope, reason=reason.strip()[:500], created_by=by)
    row.expires_at = expires_at
    if network:
        parsed = parse_network(network)
        row.network = str(parsed) if parsed.num_addresses > 1 else str(parsed.network_address)
        row.range_start = _as_hex(parsed.network_address)
        row.range_end = _as_hex(parsed.broadcast_address)
    row.save()
    until = f" until {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ""
    log.record(
        LogAction.BLOCK,
        actor=by,
        target=_target(row),
        reason=f"{row.get_scope_display().capitalize()}{until}: {row.reason}",
    )
    return row


@transaction.atomic
def unblock(*, block: Block, by, reason: str = "") -> Block:
    """Lift a block at once; the row stays, with who lifted it and when."""
    require_moderator(by)
    block = Block.objects.select_for_update(of=("self",)).select_related("user").get(pk=block.pk)
    if block.lifted_at is not None:
        return block
    block.lifted_at = timezone.now()
    block.lifted_by = by
    block.save(update_fields=["lifted_at", "lifted_by"])
    log.record(LogAction.UNBLOCK, actor=by, target=_target(block), reason=reason)
    return block
