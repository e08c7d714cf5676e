"""Site-wide pages: home, log-in and sign-up, robots.txt and the health check."""

import time

import redis
from allauth.account import views as allauth_views
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from commons import ratelimit
from commons.http import HtmlSafeJSONEncoder, canonical_url, client_ip
from moderation import blocks
from moderation.block_views import blocked_response
from website.forms import LoginForm, SignupForm
from wiki.markup import html_excerpt
from wiki.models import Article, Revision


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The main article when there is one, recent changes and the article index."""
    main = (
        Article.objects.live()
        .with_current_revision()
        .with_review_state()
        .filter(slug=settings.WIKI_MAIN_PAGE_SLUG)
        .first()
    )
    recent = Revision.objects.for_recent_changes()[:10]
    index = Article.objects.live().for_listing().order_by("title")[:100]
    context = {
        "main": main,
        "recent": recent,
        "index": index,
        "canonical_url": canonical_url(request, reverse("home")),
        "description": html_excerpt(main.current_revision.html) if main else "",
    }
    return render(request, "commons/home.html", context)


class LoginView(allauth_views.LoginView):
    """allauth's log-in; a lock-out answers 429 with when to try again."""

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.lockout is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.lockout.seconds)
        return response


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, closed to a blocked address and limited per address."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            # Any block of the address stops sign-up: a new account would get round it.
            block = blocks.active_block(ip=client_ip(request), doing=None)
            if block is not None:
                return blocked_response(request, blocks.Blocked(block))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignupForm) -> HttpResponse:
        rate = settings.SIGNUP_RATE_LIMIT
        if not ratelimit.allow("signup", [f"ip:{client_ip(self.request)}"], rate):
            seconds = ratelimit.seconds_left(rate, time.time())
            wait = ratelimit.wait_phrase(seconds)
            form.add_error(
                None, f"Too many accounts were made from your address. Try again in {wait}."
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(seconds)
            return response
        return super().form_valid(form)

    def form_invalid(self, form: SignupForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# Pages that say nothing an index should keep: the article is the page to find.
ROBOTS_DISALLOWED = (
    "/wiki/*/edit/",
    "/wiki/*/history/",
    "/wiki/*/diff/",
    "/wiki/*/revisions/",
    "/wiki/*/links/",
    "/wiki/*/move/",
    "/wiki/*/watch/",
    "/wiki/*/feed/",
    "/wiki/*/comments/",
    "/wiki/*?*reply=",
    "/comments/",
    "/search/",
    "/accounts/",
    "/moderation/",
    "/admin/",
    "/feeds/",
    "/watchlist/",
    "/notifications/",
)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Which addresses crawlers may skip, and where the sitemap is."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Each backing service, "ok" or "down"; 503 when any is down."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "down"
    try:
        cache.set("healthz", "ok", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "down"
    except Exception:  # noqa: BLE001 - any cache backend failure means "not ok"
        checks["cache"] = "down"
    checks["broker"] = _broker_status()
    healthy = all(value.startswith("ok") for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503, encoder=HtmlSafeJSONEncoder)


def _broker_status() -> str:
    """A Redis PING on the Celery broker (1 s timeout); no broker means tasks run in-process."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return "ok (in-process)"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return "down"
    return "ok"
