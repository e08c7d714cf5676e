"""Small HTTP helpers shared by the apps' views."""

from urllib.parse import unquote_to_bytes

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from (the proxy's REMOTE_ADDR is trusted as set)."""
    return request.META.get("REMOTE_ADDR") or None


def form_body_is_utf8(request: HttpRequest) -> bool:
    """False when a urlencoded POST body holds bytes that are not UTF-8.

    Django decodes such bytes to U+FFFD silently; we want to tell the editor instead.
    """
    if request.content_type != "application/x-www-form-urlencoded":
        return True
    for pair in request.body.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return False
    return True


def canonical_url(request: HttpRequest, path: str, page: int = 1) -> str:
    """The one absolute address of a page that is also reachable with other query strings
    (?reply=N, ?page=junk); a later page of a listing keeps its number."""
    return request.build_absolute_uri(f"{path}?page={page}" if page > 1 else path)


def safe_next(request: HttpRequest, candidate: str | None, fallback: str = "") -> str:
    """`candidate` when it is an address on this site (a `?next=`, a POSTed `next`, a
    Referer), else `fallback`: every view that sends a person on to an address it was given
    asks here, so none can be turned into an open redirect."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


# Escapes inside JSON strings that parse back to the same characters.
HTML_SIGNIFICANT = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class HtmlSafeJSONEncoder(DjangoJSONEncoder):
    """JSON whose text holds no `<`, `>` or `&`: a title stays text even where a browser or
    a careless consumer takes the body for HTML."""

    def encode(self, o: object) -> str:
        return super().encode(o).translate(HTML_SIGNIFICANT)
