"""What happened, told upward: an app announces an event, and apps above it listen.

A layer never calls the layers above it (DESIGN.md, Layout): the wiki does not know who
mails an article's watchers, and the discussion does not know about notifications. The
announcing app defines its event types (frozen dataclasses carrying ids); an app above
registers its listeners in its AppConfig.ready(). Listeners run after the announcing
transaction commits, each on its own: a rolled-back write tells nobody, and a listener
that fails is logged without stopping the others or the write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

E = TypeVar("E")

_listeners: defaultdict[type, list[Callable]] = defaultdict(list)


def listen(event_type: type[E], listener: Callable[[E], None]) -> None:
    """Call `listener` with every `event_type` announced from now on (once per listener)."""
    if listener not in _listeners[event_type]:
        _listeners[event_type].append(listener)


def announce(event: object) -> None:
    """Hand `event` to its listeners once the current transaction commits."""
    for listener in tuple(_listeners[type(event)]):
        transaction.on_commit(_told(listener, event), robust=True)


def _told(listener: Callable, event: object) -> Callable[[], None]:
    def tell() -> None:
        listener(event)

    # Django names a failing on_commit callback in its log: name the listener.
    tell.__qualname__ = getattr(listener, "__qualname__", repr(listener))
    return tell
