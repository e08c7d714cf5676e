"""Cached page fragments. Every key holds the version of what it was rendered from, so
entries are never invalidated, only left to expire; an unreachable cache means rendering
again, never an error page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def fragment_key(*parts: object) -> str:
    """A cache key for a fragment; the release is in it, so a deploy renders afresh."""
    return ":".join(["fragment", settings.COMMONS_RELEASE, *map(str, parts)])


def get_fragment(key: str):
    """The cached value, or None when it is missing or the cache is unreachable."""
    try:
        return cache.get(key)
    except (RedisError, OSError) as error:
        logger.warning("fragment cache unreachable: %s", error)
        return None


def store_fragments(values: dict[str, object], timeout: int | None = None) -> None:
    try:
        cache.set_many(values, timeout or settings.FRAGMENT_CACHE_SECONDS)
    except (RedisError, OSError) as error:
        logger.warning("fragment cache unreachable: %s", error)


def add_fragment(key: str, value: object, timeout: int | None = None) -> None:
    """Store `value` under `key` unless something is already there."""
    try:
        cache.add(key, value, timeout or settings.FRAGMENT_CACHE_SECONDS)
    except (RedisError, OSError) as error:
        logger.warning("fragment cache unreachable: %s", error)
