"""Fixed-window rate limits kept in the cache, per IP and per user.

When the cache is unreachable the limit is not enforced: an outage must not stop people
from writing (Akismet and the moderators are still there).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

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


def identities_for(request) -> list[str]:
    """Who is acting: the client's address, and the user when signed in."""
    found = [f"ip:{request.META.get('REMOTE_ADDR', '')}"]
    if request.user.is_authenticated:
        found.append(f"user:{request.user.pk}")
    return found
