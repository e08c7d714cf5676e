"""Blocks: the rule (who is stopped from what, until when), and the moderators' blocks page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commons.undeletable import HardDeleteForbidden
from moderation import blocks
from moderation.models import Block, BlockScope, LogAction, LogEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EDIT, COMMENT, ALL = BlockScope.EDIT, BlockScope.COMMENT, BlockScope.ALL


def block(moderator, **kwargs):
    kwargs.setdefault("reason", "Vandalism")
    return blocks.block(by=moderator, **kwargs)


def stopped(*, user=None, ip=None, doing=EDIT):
    return blocks.active_block(user=user, ip=ip, doing=doing) is not None


# The rule


def test_an_address_block_stops_that_address_only(moderator):
    block(moderator, network="203.0.113.7")
    assert stopped(ip="203.0.113.7")
    assert not stopped(ip="203.0.113.8")
    assert Block.objects.get().network == "203.0.113.7"


def test_an_ipv4_range_stops_every_address_in_it_and_none_outside(moderator):
    block(moderator, network="203.0.113.0/24")
    assert stopped(ip="203.0.113.0") and stopped(ip="203.0.113.255")
    assert not stopped(ip="203.0.112.255") and not stopped(ip="203.0.114.0")


def test_a_range_typed_from_inside_is_stored_as_its_network(moderator):
    made = block(moderator, network=" 203.0.113.77/24 ")
    assert made.network == "203.0.113.0/24"


def test_an_ipv6_range_stops_every_address_in_it_and_none_outside(moderator):
    block(moderator, network="2001:db8:1::/48")
    assert stopped(ip="2001:db8:1::5") and stopped(ip="2001:db8:1:ffff:ffff:ffff:ffff:ffff")
    assert not stopped(ip="2001:db8:2::1")
    assert not stopped(ip="203.0.113.7")


def test_an_ipv4_range_stops_a_writer_whose_address_comes_ipv4_mapped(moderator):
    block(moderator, network="203.0.113.0/24")
    assert stopped(ip="::ffff:203.0.113.9")
    assert not stopped(ip="::ffff:203.0.114.9")


def test_an_ipv4_mapped_range_is_an_ipv4_range_held_to_the_ipv4_limit(moderator):
    made = block(moderator, network="::ffff:203.0.113.0/120")
    assert made.network == "203.0.113.0/24"
    assert stopped(ip="203.0.113.9")
    # ::ffff:10.0.0.0/104 is 10.0.0.0/8 (and ::ffff:0:0/96 all of IPv4): both too wide.
    for network in ("::ffff:10.0.0.0/104", "::ffff:0:0/96"):
        with pytest.raises(ValidationError, match="at most /16 for IPv4"):
            block(moderator, network=network)


@pytest.mark.parametrize(
    ("network", "message"),
    [
        ("10.0.0.0/8", "at most /16 for IPv4; /8 would block too many people"),
        ("0.0.0.0/0", "at most /16 for IPv4"),
        ("2001:db8::/16", "at most /32 for IPv6; /16 would block too many people"),
        ("203.0.113.300", "is not an IP address or a range"),
        ("203.0.113.0/33", "is not an IP address or a range"),
    ],
)
def test_too_wide_or_malformed_ranges_are_refused_with_a_reason(moderator, network, message):
    with pytest.raises(ValidationError, match=message):
        block(moderator, network=network)
    assert not Block.objects.exists()
    assert not LogEntry.objects.exists()


def test_the_widest_allowed_ranges_are_accepted(moderator):
    block(moderator, network="10.1.0.0/16")
    block(moderator, network="2001:db8::/32")
    assert stopped(ip="10.1.200.3") and stopped(ip="2001:db8:ffff::1")


def test_an_account_block_follows_the_account_not_the_address(moderator, user, other_user):
    block(moderator, user=user)
    assert stopped(user=user, ip="198.51.100.1") and stopped(user=user)
    assert not stopped(user=other_user, ip="198.51.100.1")
    assert not stopped(ip="198.51.100.1")  # an account block is not an address block


def test_an_address_block_stops_signed_in_writers_at_that_address_too(moderator, user):
    block(moderator, network="198.51.100.0/24")
    assert stopped(user=user, ip="198.51.100.20")
    assert not stopped(user=user, ip="192.0.2.1")


def test_the_scope_says_what_is_stopped(moderator):
    block(moderator, network="192.0.2.1", scope=EDIT)
    block(moderator, network="192.0.2.2", scope=COMMENT)
    block(moderator, network="192.0.2.3", scope=ALL)
    assert stopped(ip="192.0.2.1", doing=EDIT) and not stopped(ip="192.0.2.1", doing=COMMENT)
    assert stopped(ip="192.0.2.2", doing=COMMENT) and not stopped(ip="192.0.2.2", doing=EDIT)
    assert stopped(ip="192.0.2.3", doing=EDIT) and stopped(ip="192.0.2.3", doing=COMMENT)
    # Sign-up asks about any block at all.
    assert all(stopped(ip=f"192.0.2.{n}", doing=None) for n in (1, 2, 3))


def test_a_block_whose_end_has_passed_stops_no_one(moderator, user):
    made = block(moderator, user=user, expires_at=timezone.now() + datetime.timedelta(hours=1))
    assert stopped(user=user)
    Block.objects.filter(pk=made.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    assert not stopped(user=user)


def test_the_block_that_ends_last_is_the_one_shown(moderator, user):
    soon = timezone.now() + datetime.timedelta(hours=1)
    block(moderator, user=user, expires_at=soon, reason="First warning")
    block(moderator, network="192.0.2.0/24", reason="For good")
    found = blocks.active_block(user=user, ip="192.0.2.9", doing=EDIT)
    assert found.reason == "For good"


def test_a_lifted_block_stops_no_one_and_stays_on_record_and_in_the_log(moderator, user):
    made = block(moderator, user=user, reason="Spam links")
    blocks.unblock(block=made, by=moderator, reason="Talked it over")
    assert not stopped(user=user)
    made.refresh_from_db()
    assert made.lifted_by == moderator and made.lifted_at is not None
    actions = list(LogEntry.objects.order_by("id").values_list("action", "target_label", "reason"))
    assert actions == [
        (LogAction.BLOCK, user.username, "Editing and commenting: Spam links"),
        (LogAction.UNBLOCK, user.username, "Talked it over"),
    ]


def test_only_moderators_block_and_unblock(moderator, user, other_user):
    with pytest.raises(PermissionDenied):
        blocks.block(by=user, user=other_user, reason="Because")
    made = block(moderator, user=other_user)
    with pytest.raises(PermissionDenied):
        blocks.unblock(block=made, by=user)
    assert stopped(user=other_user)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"network": "192.0.2.1", "reason": "  "}, "Say why"),
        ({"network": "192.0.2.1", "scope": "reading"}, "editing, commenting or both"),
        ({"network": "192.0.2.1", "expires_at": timezone.now()}, "must be in the future"),
        ({}, "either an account or an address"),
    ],
)
def test_a_block_needs_a_reason_a_scope_a_future_end_and_one_target(moderator, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        blocks.block(by=moderator, **{"reason": "Spam", **kwargs})
    assert not Block.objects.exists()


def test_blocks_are_never_deleted(moderator, user):
    made = block(moderator, user=user)
    with pytest.raises(HardDeleteForbidden):
        made.delete()
    with pytest.raises(HardDeleteForbidden):
        Block.objects.all().delete()
    blocks.unblock(block=made, by=moderator)
    assert Block.objects.count() == 1


def test_nobody_and_no_address_means_no_query():
    with CaptureQueriesContext(connection) as captured:
        assert blocks.active_block(user=None, ip=None, doing=EDIT) is None
        assert blocks.active_block(user=None, ip="not an address", doing=EDIT) is None
    assert len(captured) == 0


def test_a_moderator_may_be_blocked_too(moderator):
    other = UserFactory(username="second-mod")
    other.groups.add(*moderator.groups.all())
    block(moderator, user=other)
    assert stopped(user=other)
