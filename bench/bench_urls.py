"""The site's URLs plus the floor: a bare view returning a fixed 12 KB page, served
through the same middleware, as the ceiling every other page is measured against."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from website.urls import urlpatterns as site_urlpatterns

_PARAGRAPH = "<p>" + "The floor of the benchmark. " * 15 + "</p>\n"
_HEAD = "<!doctype html><html lang=en><title>Floor</title><main>\n"
_TAIL = "</main></html>\n"
FLOOR_PAGE = (_HEAD + (_PARAGRAPH * 30)[: 12 * 1024 - len(_HEAD) - len(_TAIL)] + _TAIL).encode()


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FLOOR_PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/floor/", floor), *site_urlpatterns]
