"""Middleware of the kernel."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


class MethodNotAllowedPage:
    """A page for every 405: Django's `require_POST` and class-based views answer a
    method they do not take with an empty body, which a reader sees as a blank page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = ""
        page = render(request, "405.html", {"back": back}, status=405)
        page["Allow"] = response["Allow"]
        return page


# C0 controls (NUL among them), DEL and the C1 controls: no address of ours holds one, and a
# NUL reaching PostgreSQL is an error rather than "no such row".
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class RefuseControlCharacters:
    """A 400 page for an address whose path holds a control character, before any view
    looks it up. Bytes that are not UTF-8 need nothing here: Django keeps them
    percent-encoded, so they match no slug or name and answer 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if CONTROL_CHARACTERS.search(request.path_info):
            return render(request, "400.html", status=400)
        return self.get_response(request)
