"""Middleware of the kernel."""

import logging
import re
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from commons.http import safe_next
from commons.outage import outage_response
from commons.pagecache import remember_latest_copy

logger = logging.getLogger(__name__)


class DatabaseOutage:
    """While the database is unreachable, a page instead of a 500 (commons.outage): the
    last stored copy for a reader, a 503 for anyone else, the text handed back for a write.

    OperationalError and InterfaceError mean the database cannot answer; an IntegrityError
    or a ProgrammingError is a bug, and stays a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        remember_latest_copy(request, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning(
            "database unavailable for %s %s: %s", request.method, request.path, exception
        )
        return outage_response(request)


class MethodNotAllowedPage:
    """A page for every 405: Django's `require_POST` and class-based views answer a
    method they do not take with an empty body, which a reader sees as a blank page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response
        back = safe_next(request, request.headers.get("Referer"))
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
