"""Fixed-window rate limits kept in the cache, per IP and per user, and the log-in lock-out.

When the cache is unreachable no limit is enforced: an outage must not stop people from
writing (Akismet and the moderators are still there) or from logging in.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """ "5/60" means five per sixty seconds."""
        count, seconds = text.split("/")
        return cls(int(count), int(seconds))


def allow(scope: str, identities: list[str], rate: str) -> bool:
    """Count one action for each identity; False when any of them is over the rate."""
    limit = Rate.parse(rate)
    window = int(time.time() // limit.seconds)
    allowed = True
    for identity in identities:
        key = f"ratelimit:{scope}:{identity}:{window}"
        try:
            cache.add(key, 0, limit.seconds + 1)
            count = cache.incr(key)
        except (RedisError, OSError, ValueError) as error:
            logger.warning("rate limit not checked (%s): %s", scope, error)
            return True
        if count > limit.count:
            allowed = False
    return allowed


def seconds_left(rate: str, now: float) -> int:
    """How long until the current window of `rate` ends and its counts start again."""
    limit = Rate.parse(rate)
    return max(1, math.ceil((now // limit.seconds + 1) * limit.seconds - now))


def identities_for(request) -> list[str]:
    """Who is acting: the client's address, and the user when signed in."""
    found = [f"ip:{request.META.get('REMOTE_ADDR', '')}"]
    if request.user.is_authenticated:
        found.append(f"user:{request.user.pk}")
    return found


# Log-in lock-out. Each attempt counts as a failure *before* the password is checked (and is
# taken back when it succeeds), so a burst of parallel guesses gets no more checks than the
# limit. Over the limit, the account or the address is locked; each new lock within a day
# lasts twice as long as the one before, up to LOGIN_LOCKOUT_MAX_SECONDS.
#
# The trade-off: a lock on the account stops guesses spread over many addresses, but it also
# lets anyone lock a real person out by guessing wrong. So the account lock does not apply
# at an address this account logged in from successfully in the last KNOWN_ADDRESS_SECONDS:
# the person at home keeps getting in (still limited as an address), while a guesser
# elsewhere waits. The worst a stranger can do to a real person away from home is the cap.
# Someone behind the same address as the person (a shared NAT) skips the account lock too,
# but still meets the address's own limit and back-off.
FORGET_AFTER_SECONDS = 24 * 3600
KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600
CACHE_ERRORS = (RedisError, OSError, ValueError)


@dataclass(frozen=True)
class Lockout:
    """A refused log-in: what is locked ("account" or "address") and for how long yet."""

    locked: str
    seconds: int

    @property
    def message(self) -> str:
        where = "for this account" if self.locked == "account" else "from your address"
        return f"Too many failed log-ins {where}. Try again in {wait_phrase(self.seconds)}."


def wait_phrase(seconds: int) -> str:
    """ "1 minute", "5 minutes": a wait rounded up to whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _login_keys(username: str, ip: str | None) -> list[tuple[str, str, int]]:
    """(what, cache key, failures allowed) for the address and, unless known, the account."""
    account = _digest(username.casefold())
    keys = [("address", f"login:ip:{ip}", settings.LOGIN_FAILURES_PER_ADDRESS)]
    if cache.get(f"login:known:{account}:{ip}") is None:
        keys.append(("account", f"login:account:{account}", settings.LOGIN_FAILURES_PER_ACCOUNT))
    return keys


def _lock(locked: str, key: str, now: float) -> Lockout:
    """Start the next lock on `key`: twice as long as the last, at most the cap."""
    cache.add(f"{key}:locks", 0, FORGET_AFTER_SECONDS)
    locks = cache.incr(f"{key}:locks")
    cache.touch(f"{key}:locks", FORGET_AFTER_SECONDS)
    first, cap = settings.LOGIN_LOCKOUT_SECONDS, settings.LOGIN_LOCKOUT_MAX_SECONDS
    seconds = min(first * 2 ** min(locks - 1, 32), cap)
    cache.set(f"{key}:until", now + seconds, seconds)
    cache.delete(f"{key}:failures")
    return Lockout(locked, seconds)


def start_login_attempt(*, username: str, ip: str | None, now: float) -> Lockout | None:
    """Count one log-in attempt against the address and the account before the password is
    checked; a Lockout (and no check) when either is locked or this attempt goes over."""
    try:
        keys = _login_keys(username, ip)
        for locked, key, _ in keys:
            until = cache.get(f"{key}:until")
            if until is not None and until > now:
                return Lockout(locked, math.ceil(until - now))
        for locked, key, allowed in keys:
            cache.add(f"{key}:failures", 0, FORGET_AFTER_SECONDS)
            failures = cache.incr(f"{key}:failures")
            if failures == allowed + 1:
                return _lock(locked, key, now)
            if failures > allowed:  # a parallel attempt is starting the lock right now
                return Lockout(locked, settings.LOGIN_LOCKOUT_SECONDS)
    except CACHE_ERRORS as error:
        logger.warning("log-in attempts not counted: %s", error)
    return None


def finish_login_attempt(*, username: str, ip: str | None, succeeded: bool) -> None:
    """A failure stays counted; a success clears the account's count, takes this attempt off
    the address's, and makes the address known to the account."""
    if not succeeded:
        return
    account = _digest(username.casefold())
    try:
        cache.set(f"login:known:{account}:{ip}", 1, KNOWN_ADDRESS_SECONDS)
        cache.delete(f"login:account:{account}:failures")
        cache.decr(f"login:ip:{ip}:failures")
    except CACHE_ERRORS as error:
        logger.warning("log-in success not recorded: %s", error)
