"""Site-wide pages: home, sign-up and the health check."""

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wiki.models import Article, Revision


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The main article when there is one, recent changes and the article index."""
    main = (
        Article.objects.live()
        .with_current_revision()
        .filter(slug=settings.WIKI_MAIN_PAGE_SLUG)
        .first()
    )
    recent = Revision.objects.for_recent_changes()[:10]
    index = Article.objects.live().for_listing().order_by("title")[:100]
    return render(request, "commons/home.html", {"main": main, "recent": recent, "index": index})


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        messages.success(request, f"Welcome, {user.get_username()}! You are signed in.")
        wanted = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(wanted if safe else "home")
    status = 400 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@never_cache
@require_GET
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
    return JsonResponse(checks, status=200 if healthy else 503)


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
