"""What the wiki's views share: who is contributing, and the pages that answer a gate's
refusal."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from commons.http import client_ip
from moderation.block_views import blocked_response
from moderation.blocks import Blocked
from wiki import services
from wiki.models import Article, ArticleRedirect
from wiki.permissions import ArticleMoved, ArticleReadOnly, SignInRequired, can_moderate


def contributor_for(request: HttpRequest) -> services.Contributor:
    user = request.user
    if user.is_authenticated:
        return services.Contributor(
            user=user,
            name=user.get_username(),
            ip=client_ip(request),
        )
    return services.Contributor(user=None, name="Anonymous", ip=client_ip(request))


def redirect_for_old_slug(slug: str, view_name: str = "wiki:article", **kwargs):
    """A 301 to the article's new address when `slug` is one it was moved from."""
    moved = ArticleRedirect.objects.select_related("article").filter(old_slug=slug).first()
    if moved is None:
        return None
    return redirect(view_name, slug=moved.article.slug, permanent=True, **kwargs)


def cannot_change(request: HttpRequest, article: Article) -> HttpResponse:
    """A 403 that says why the article cannot be changed, who can, and where to go instead."""
    context = {"article": article, "is_moderator": can_moderate(request.user)}
    return render(request, "wiki/article_readonly.html", context, status=403)


# What a refused editor wrote, handed back on the blocked page: (form field, label).
HANDED_BACK = (("title", "Title"), ("source", "Your text"), ("summary", "Summary"))


def answers_refusals(*, sign_in: bool = True) -> Callable:
    """The pages for the wiki gates' refusals (wiki.permissions): a moved article's new
    address (301), an archived or locked article's 403 that says why, a blocked writer's
    403 that says why and hands back what they wrote, and, when `sign_in`, the log-in page
    for a signed-out reader (else a plain 403, e.g. for a bare POST)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def answered(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except ArticleMoved as moved:
                address = {**kwargs, "slug": moved.article.slug}
                return redirect(request.resolver_match.view_name, permanent=True, **address)
            except ArticleReadOnly as refusal:
                return cannot_change(request, refusal.article)
            except Blocked as refusal:
                posted = [(label, request.POST.get(name, "")) for name, label in HANDED_BACK]
                return blocked_response(request, refusal, posted)
            except SignInRequired:
                if not sign_in:
                    raise
                return redirect_to_login(request.get_full_path())

        return answered

    return decorator
