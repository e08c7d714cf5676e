"""Middleware of the kernel."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from commons.http import safe_next


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
