"""What the site answers while its database is away.

Readers get the last stored copy of their page (commons.pagecache) where there is one;
anyone else gets a 503 page that says the site is briefly unavailable. A write that
declared its fields with `hands_back_on_outage` answers 503 with the text handed back in a
form that sends it again, so nothing anyone wrote is lost.

Nothing here touches the database: not the session, not the user, not the messages. A
signed-in reader's session cannot be read while the database is away, so they are served
as any reader is (the public copy, or the 503 page) and their session is left as it is:
they are still signed in when the database returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from commons.pagecache import latest_copy

RETRY_AFTER_SECONDS = 60


@dataclass(frozen=True)
class HandBack:
    """The fields a write hands back: `text` in a text box, `keep` carried along unseen."""

    text: str
    keep: tuple[str, ...] = ()


def hands_back_on_outage(text: str, *, keep: tuple[str, ...] = ()) -> Callable:
    """Mark a write view: while the database is away, its 503 page hands back the posted
    `text` in a form that sends it again with the `keep` fields."""

    def mark(view: Callable) -> Callable:
        view.hands_back = HandBack(text=text, keep=keep)
        return view

    return mark


def outage_response(request: HttpRequest) -> HttpResponse:
    """The stored copy for a reader, or the 503 page (with the text handed back for a write)."""
    if request.method in ("GET", "HEAD"):
        copy = latest_copy(request)
        if copy is not None:
            copy["Cache-Control"] = "no-cache"
            return copy
    if hasattr(request, "session"):
        # The view may have changed the session before the database failed it; saving it
        # now would only fail again.
        request.session.modified = False
    match = getattr(request, "resolver_match", None)
    hand_back = getattr(match.func, "hands_back", None) if match else None
    context: dict[str, object] = {"site_name": settings.SITE_NAME, "write": False}
    if request.method == "POST":
        context["write"] = True
        if hand_back is not None:
            context.update(
                action=request.path,
                csrf_token=get_token(request),
                text_name=hand_back.text,
                text=request.POST.get(hand_back.text, ""),
                kept=[
                    (name, request.POST[name]) for name in hand_back.keep if name in request.POST
                ],
            )
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
