"""Who may do what in the wiki: can_* predicates and get_*_or_404 gates."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from commons.roles import can_moderate
from moderation.trust import is_trusted
from wiki.models import Article, ArticleRedirect, Revision


class SignInRequired(PermissionDenied):
    """A signed-out reader was refused something that signing in may allow."""


class ArticleReadOnly(PermissionDenied):
    """The article is archived or locked: the refusal says why, and who can change it."""

    def __init__(self, article: Article) -> None:
        super().__init__("This article cannot be changed.")
        self.article = article


class ArticleMoved(Exception):
    """The address is one the article was moved from: the page is at its new slug."""

    def __init__(self, article: Article) -> None:
        super().__init__(article.slug)
        self.article = article


def can_edit(user, article: Article | None) -> bool:
    """Signed-in users edit (anonymous ones too when allowed); locked means moderators only."""
    if not user.is_authenticated and not settings.WIKI_ANONYMOUS_EDITS:
        return False
    if article is None:
        return True
    if article.is_archived:
        return False
    return not article.is_locked or can_moderate(user)


def can_edit_once_signed_in(user, article: Article) -> bool:
    """A signed-out reader who may not edit now but could by signing in: pages offer log-in
    where the Edit tab would be (the same for every signed-out reader, so shared copies
    of a page may carry it)."""
    return (
        not user.is_authenticated
        and not settings.WIKI_ANONYMOUS_EDITS
        and not article.is_archived
        and not article.is_locked
    )


def can_move(user, article: Article) -> bool:
    return user.is_authenticated and can_edit(user, article)


def can_roll_back(user, article: Article) -> bool:
    """Moderators and trusted users revert a run of someone's edits in one click, on an
    article they may edit."""
    return user.is_authenticated and can_edit(user, article) and _rolls_back(user)


def _rolls_back(user) -> bool:
    # Cached on the user, as can_moderate is: a listing asks for every row.
    cached = getattr(user, "_wiki_rolls_back", None)
    if cached is None:
        cached = user._wiki_rolls_back = can_moderate(user) or is_trusted(user)
    return cached


def can_read_revision(user, revision: Revision) -> bool:
    """A hidden revision's text and summary, and every revision of an archived article
    (spam that was a new article is archived), are for moderators only."""
    public = not revision.is_hidden and not revision.article.is_archived
    return public or can_moderate(user)


def can_read_history(user, article: Article) -> bool:
    """An archived article's history (its revisions, their summaries) is for moderators."""
    return not article.is_archived or can_moderate(user)


def get_article_or_404(slug: str) -> Article:
    """The article at `slug` in any state, with its current revision (texts loaded only
    when a page reads them: most pages behind this gate never do)."""
    article = (
        Article.objects.with_current_revision()
        .defer("current_revision__source", "current_revision__html")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise Http404("No article at this address.")
    return article


def get_article_for_edit_or_404(user, slug: str, *, may_create: bool = False) -> Article | None:
    """The article at `slug`, with its current revision, which `user` may edit; None when
    there is none and `may_create` (a new article, which `user` may create).

    Raises ArticleMoved for an address the article was moved from, Http404, and for a
    refusal SignInRequired (signed out), ArticleReadOnly (archived or locked) or
    PermissionDenied.
    """
    article = Article.objects.with_current_revision().filter(slug=slug).first()
    if article is None:
        moved = ArticleRedirect.objects.select_related("article").filter(old_slug=slug).first()
        if moved is not None:
            raise ArticleMoved(moved.article)
        if not may_create:
            raise Http404("No article at this address.")
    _check(user, article, can_edit(user, article))
    return article


def get_article_for_revert_or_404(user, slug: str) -> Article:
    """The article at `slug`, which `user` may revert (edit); refusals as for editing."""
    article = get_article_or_404(slug)
    _check(user, article, can_edit(user, article))
    return article


def get_article_for_rollback_or_404(user, slug: str) -> Article:
    """The article at `slug`, whose latest edits `user` may roll back; refusals as for
    editing, and PermissionDenied for an editor who is neither moderator nor trusted."""
    article = get_article_or_404(slug)
    if not can_roll_back(user, article):
        _check(user, article, can_edit(user, article))
        raise PermissionDenied(
            "Only moderators and trusted users can roll back edits. You can still undo an "
            "edit, or revert to an earlier revision, from the article's history."
        )
    return article


def get_article_for_move_or_404(user, slug: str) -> Article:
    """The article at `slug`, which `user` may move (rename); refusals as for editing."""
    article = get_article_or_404(slug)
    _check(user, article, can_move(user, article))
    return article


def _check(user, article: Article | None, allowed: bool) -> None:
    if allowed:
        return
    if not user.is_authenticated:
        raise SignInRequired("Sign in to change this article.")
    if article is not None and (article.is_locked or article.is_archived):
        raise ArticleReadOnly(article)
    raise PermissionDenied("You cannot change this article.")


def get_revision_or_404(article: Article, number: int) -> Revision:
    """Revision `number` of `article`; whether its text may be shown is can_read_revision."""
    revision = article.revisions.filter(number=number).first()
    if revision is None:
        raise Http404("No such revision.")
    revision.article = article
    return revision


# The largest number a revision can have: PostgreSQL's integer.
MAX_REVISION_NUMBER = 2**31 - 1


def get_sources_or_404(article: Article, *numbers: int) -> list[Revision]:
    """Revisions `numbers` of `article` in one query, their sources without their HTML."""
    # A number past any column's range is no revision (SQLite raises on it in `IN`).
    if any(number > MAX_REVISION_NUMBER for number in numbers):
        raise Http404("No such revision.")
    found = {
        revision.number: revision
        for revision in article.revisions.defer("html").filter(number__in=numbers)
    }
    if any(number not in found for number in numbers):
        raise Http404("No such revision.")
    for revision in found.values():
        revision.article = article
    return [found[number] for number in numbers]
