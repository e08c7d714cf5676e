"""allauth's account pages under /accounts/, each behind a guard that drops a `next` that
leads off the site: allauth checks it before redirecting, but would still write it into
the page (the hidden field, the links), and no page of ours offers a way off-site."""

from collections.abc import Callable
from functools import wraps

from allauth.account import urls as allauth_urls
from allauth.account import views as allauth_views
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import URLPattern
from django.views.decorators.http import require_POST

from commons.http import safe_next
from website import views


def on_site_next_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        request.GET = _without_offsite_next(request, request.GET)
        if request.method == "POST":
            request.POST = _without_offsite_next(request, request.POST)
        return view(request, *args, **kwargs)

    return guarded


def _without_offsite_next(request: HttpRequest, params: QueryDict) -> QueryDict:
    wanted = params.get(REDIRECT_FIELD_NAME)
    if wanted is None or safe_next(request, wanted):
        return params
    params = params.copy()
    del params[REDIRECT_FIELD_NAME]
    return params


# Log-in and sign-up are ours (the lock-out, blocks, the limit per address); log-out is a
# POST from the header, with no page asking "are you sure?". Each also answers to the short
# name the templates use.
OURS = {
    "account_login": (views.LoginView.as_view(), "login"),
    "account_signup": (views.SignupView.as_view(), "signup"),
    "account_logout": (require_POST(allauth_views.logout), "logout"),
}

urlpatterns: list[URLPattern] = []
for pattern in allauth_urls.urlpatterns:
    view, short_name = OURS.get(pattern.name, (pattern.callback, None))
    guarded = on_site_next_only(view)
    if short_name:
        urlpatterns.append(URLPattern(pattern.pattern, guarded, pattern.default_args, short_name))
    urlpatterns.append(URLPattern(pattern.pattern, guarded, pattern.default_args, pattern.name))
