"""Whole pages for readers who are nobody in particular: signed out, without a session,
no message waiting. Their page is the same for all of them but for two form fields, the
CSRF token and the comment form's submission key; those are cut out when the page is
stored and filled in fresh for each reader.

Keys hold the version of what the page shows (see commons.fragments), so pages are never
invalidated, only left to expire. Finding the version takes the database; for when it is
away, each address also points at the key of its newest stored copy (commons.outage). A
copy of something that has changed since (a revision hidden as spam, an article archived)
must not be served then: copies name what they show (`scope`, e.g. an article, and its
version), writers note each new version with `note_version`, and only a copy of the
version last noted is served while the database is away.

Every cached page goes through `PageCopy`: one object per request that knows the page's
shared copy (where it is kept, what it shows) and, for a page that answers conditional
requests, its validators (`page_etag`); views ask it for a 304 or a stored copy first and
hand it the page they rendered last.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from commons.fragments import add_fragment, fragment_key, get_fragment, store_fragments

_PER_READER = re.compile(rb'(name="(?:csrfmiddlewaretoken|submission_key)" value=")[^"]*(")')
_CSRF = b"\x00csrf\x00"
_SUBMISSION_KEY = b"\x00submission-key\x00"


def is_anonymous_reader(request: HttpRequest) -> bool:
    """Signed out, no session (so no comments of their own), nothing to tell them."""
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not len(messages.get_messages(request))
    )


def may_share_copy(request: HttpRequest, params: Collection[str]) -> bool:
    """An anonymous reader whose query string holds only `params`: one shared copy fits."""
    return set(request.GET) <= set(params) and is_anonymous_reader(request)


# What every page's layout shows a signed-in viewer beyond the page itself (the header's
# count of unread notices): apps above the kernel register a function of the request in
# their AppConfig.ready(), and it becomes part of every page's ETag.
_viewer_parts: list[Callable[[HttpRequest], object]] = []


def register_viewer_part(part: Callable[[HttpRequest], object]) -> None:
    """Make `part(request)` part of every page's validator for signed-in viewers."""
    if part not in _viewer_parts:
        _viewer_parts.append(part)


def page_etag(request: HttpRequest, *parts: object) -> str | None:
    """An ETag for a page that depends on `parts` (what it shows, the viewer's state) and on
    what every page carries: the release, the viewer, what the layout shows them (the
    registered viewer parts), the query string and the CSRF secret of its forms.

    None when a one-off message is waiting to be shown: that page is never reused.
    """
    if len(messages.get_messages(request)):
        return None
    every_page = (
        settings.COMMONS_RELEASE,
        request.user.pk,
        [part(request) for part in _viewer_parts] if request.user.is_authenticated else [],
        sorted(request.GET.lists()),
        _csrf_secret(request),
    )
    return f'"{hashlib.blake2b(repr((*every_page, *parts)).encode(), digest_size=16).hexdigest()}"'


def _csrf_secret(request: HttpRequest) -> str:
    """The CSRF secret this response's forms carry: the browser's cookie, or the new one
    this response sets (so the next visit, sending it back, can get a 304)."""
    get_token(request)
    return request.META["CSRF_COOKIE"]


def revalidate_always(response: HttpResponse) -> HttpResponse:
    """Browsers keep the page but ask each time; shared caches never keep it."""
    patch_cache_control(response, private=True, no_cache=True)
    return response


@dataclass(frozen=True)
class PageCopy:
    """One request's view of a cached page: the key of the copy anonymous readers share
    (None when this reader gets none) and what it shows (`scope`, see `note_version`), and,
    when the page answers conditional requests, its ETag and when it last changed."""

    key: str | None = None
    scope: tuple[str, int] | None = None
    timeout: int | None = None
    etag: str | None = None
    last_modified: datetime | None = None

    def unchanged(self, request: HttpRequest) -> HttpResponse | None:
        """A 304 when the browser already holds this version of the page, else None."""
        if self.etag is None:
            return None
        last_modified = int(self.last_modified.timestamp()) if self.last_modified else None
        unchanged = get_conditional_response(request, etag=self.etag, last_modified=last_modified)
        return revalidate_always(unchanged) if unchanged is not None else None

    def served(self, request: HttpRequest) -> HttpResponse | None:
        """A 304, or the stored copy with its validators, or None: render the page."""
        unchanged = self.unchanged(request)
        if unchanged is not None:
            return unchanged
        copy = cached_page(request, self.key) if self.key else None
        return copy and self.validated(copy)

    def keep(self, response: HttpResponse, *, store: bool = True) -> HttpResponse:
        """The freshly rendered page with its validators, stored as the shared copy when
        this reader shares one and `store` (e.g. not under every ?page=junk)."""
        if self.key and store:
            store_page(self.key, response, self.timeout, scope=self.scope)
        return self.validated(response)

    def validated(self, response: HttpResponse) -> HttpResponse:
        if self.etag is None:
            return response
        response.headers["ETag"] = self.etag
        if self.last_modified is not None:
            response.headers["Last-Modified"] = http_date(self.last_modified.timestamp())
        return revalidate_always(response)


def cached_page(request: HttpRequest, key: str) -> HttpResponse | None:
    """The stored page with this reader's CSRF token and a new submission key, or None."""
    stored = get_fragment(key)
    if stored is None:
        return None
    status, content_type, body = stored
    body = body.replace(_CSRF, get_token(request).encode())
    body = body.replace(_SUBMISSION_KEY, str(uuid.uuid4()).encode())
    return HttpResponse(body, status=status, content_type=content_type)


def store_page(
    key: str,
    response: HttpResponse,
    timeout: int | None = None,
    *,
    scope: tuple[str, int] | None = None,
) -> None:
    """Keep a freshly rendered page, its per-reader fields cut out (only a 200 is kept)."""
    if response.status_code != 200:
        return

    def cut(match: re.Match) -> bytes:
        field = _CSRF if b"csrfmiddlewaretoken" in match.group(1) else _SUBMISSION_KEY
        return match.group(1) + field + match.group(2)

    body = _PER_READER.sub(cut, response.content)
    store_fragments({key: (response.status_code, response["Content-Type"], body)}, timeout)
    response.stored_copy = (key, scope)
    if scope is not None:
        # Only where no writer has noted a version yet: a copy rendered just before a
        # change must not take the note back to its own, older version.
        add_fragment(_version_key(scope[0]), scope[1])


def _version_key(scope: str) -> str:
    return fragment_key("current-version", scope)


def note_version(scope: str, version: int) -> None:
    """`scope` (e.g. "article:7") is now at `version`: stored copies of older versions are
    not served while the database is away. Writers call it after their commit."""
    store_fragments({_version_key(scope): version})


def _latest_key(request: HttpRequest) -> str:
    return fragment_key("latest-copy", request.get_host(), request.get_full_path())


def remember_latest_copy(request: HttpRequest, response: HttpResponse) -> None:
    """When the view stored a copy of this page, point its address at that copy."""
    stored = getattr(response, "stored_copy", None)
    if stored is not None:
        store_fragments({_latest_key(request): stored})


def latest_copy(request: HttpRequest) -> HttpResponse | None:
    """The newest stored copy of the page at this address, found without the database;
    None when what it shows has changed since it was stored."""
    stored = get_fragment(_latest_key(request))
    if stored is None:
        return None
    key, scope = stored
    if scope is not None and get_fragment(_version_key(scope[0])) != scope[1]:
        return None
    return cached_page(request, key)
