"""The only module that talks to Akismet, through the `akismet` client over httpx.

The client's base URL is fixed; an httpx transport sends each request to AKISMET_API_URL
instead, so a local fake that speaks the protocol can stand in (tests, staging).
"""

from __future__ import annotations

import functools
import ssl
from dataclasses import dataclass

import akismet
import httpx
from django.conf import settings
from django.db import models


class Verdict(models.TextChoices):
    """Akismet's answer, as the client returns it and as a case stores it ("": not asked)."""

    NONE = "", "—"
    HAM = "ham", "ham"
    SPAM = "spam", "spam"
    DISCARD = "discard", "blatant spam"


class AkismetUnavailable(Exception):
    """A transient failure (timeout, 5xx, refused connection): worth retrying later."""


class AkismetMisconfigured(Exception):
    """A bad key or site URL, or replies we cannot read: retrying will not help."""


@dataclass(frozen=True)
class Submission:
    """What Akismet reads about one piece of content (its documented parameter names)."""

    user_ip: str
    fields: dict[str, str]


class RedirectingTransport(httpx.BaseTransport):
    """Send every request to `base_url`, keeping the path under base_url's own path."""

    def __init__(self, base_url: str, *, forward_to: httpx.BaseTransport | None = None) -> None:
        self._base = httpx.URL(base_url)
        if forward_to is None:
            # Plain http never negotiates TLS: skip loading the CA bundle (~0.1 s).
            https = self._base.scheme == "https"
            verify = True if https else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            forward_to = httpx.HTTPTransport(verify=verify)
        self._forward = forward_to

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._base.scheme,
            host=self._base.host,
            port=self._base.port,
            path=self._base.path.rstrip("/") + request.url.path,
        )
        request.headers["Host"] = request.url.netloc.decode("ascii")
        return self._forward.handle_request(request)

    def close(self) -> None:
        self._forward.close()


def is_configured() -> bool:
    return bool(settings.AKISMET_API_KEY and settings.AKISMET_BLOG_URL)


def http_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    return httpx.Client(
        transport=transport or RedirectingTransport(settings.AKISMET_API_URL),
        timeout=settings.AKISMET_TIMEOUT,
        headers={"User-Agent": akismet.USER_AGENT},
    )


@functools.cache
def _pooled_client(api_url: str, timeout: float) -> httpx.Client:
    """One client per worker process and target, so connections are kept alive."""
    return httpx.Client(
        transport=RedirectingTransport(api_url),
        timeout=timeout,
        headers={"User-Agent": akismet.USER_AGENT},
    )


# Tests put an httpx.MockTransport here to reach a fake Akismet in-process.
transport_override: httpx.BaseTransport | None = None


def _common(submission: Submission) -> dict[str, str]:
    fields = dict(submission.fields)
    if settings.AKISMET_IS_TEST:
        fields["is_test"] = "1"
    return fields


def _call(method: str, submission: Submission):
    config = akismet.Config(key=settings.AKISMET_API_KEY, url=settings.AKISMET_BLOG_URL)
    if transport_override is not None:
        http = http_client(transport_override)
    else:
        http = _pooled_client(settings.AKISMET_API_URL, settings.AKISMET_TIMEOUT)
    client = akismet.SyncClient(config=config, http_client=http)
    try:
        return getattr(client, method)(submission.user_ip, **_common(submission))
    except (akismet.APIKeyError, akismet.ConfigurationError) as error:
        raise AkismetMisconfigured(f"Akismet refused the key or site URL: {error}") from error
    except akismet.ProtocolError as error:
        raise AkismetMisconfigured(f"Akismet sent a reply we cannot read: {error}") from error
    except akismet.RequestError as error:
        cause = error.__cause__
        raise AkismetUnavailable(f"{error} ({type(cause).__name__}: {cause})") from error


def check(submission: Submission) -> Verdict:
    """Ask Akismet's comment-check whether the content is spam."""
    answer = _call("comment_check", submission)
    if answer == akismet.CheckResponse.DISCARD:
        return Verdict.DISCARD
    return Verdict.SPAM if answer else Verdict.HAM


def submit_spam(submission: Submission) -> None:
    _call("submit_spam", submission)


def submit_ham(submission: Submission) -> None:
    _call("submit_ham", submission)
