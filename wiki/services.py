"""Every write to the wiki: saving, reverting, moving, archiving, locking, hiding.

Views, the admin and management commands call these functions; nothing else
writes articles or revisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from commons import events
from commons.celery import send_after_commit
from commons.pagecache import note_version
from commons.people import existing_user_names
from commons.roles import can_moderate, require_moderator
from moderation import blocklist
from moderation import log as moderation_log
from moderation import services as moderation
from moderation.blocks import refuse_if_blocked
from moderation.models import Actor, BlockScope, LogAction, TargetKind
from moderation.states import Status
from moderation.trust import check_new_writer_limits, is_trusted
from wiki import tasks
from wiki.events import RevisionSaved
from wiki.markup import TooComplexToRender, render_article, render_summary
from wiki.merging import merge_texts, merge_texts_marked
from wiki.models import TITLE_MAX_LENGTH, Article, ArticleRedirect, Revision, WikiLink
from wiki.permissions import MAX_REVISION_NUMBER
from wiki.querysets import article_scope
from wiki.search import search_fields
from wiki.slugs import slug_for


@dataclass(frozen=True)
class Contributor:
    """Who makes a change: a user, or an anonymous person known by a name and an IP.

    What they may do is read from the user's roles (commons.roles), never told by a caller.
    """

    user: object | None
    name: str
    ip: str | None = None


# The system itself, acting on a spam verdict: it reverts, archives and hides as a moderator.
SPAM_FILTER = Contributor(user=None, name="Commons spam filter")


def _moderates(contributor: Contributor) -> bool:
    return contributor is SPAM_FILTER or can_moderate(contributor.user or AnonymousUser())


def _require_moderator(contributor: Contributor) -> None:
    if contributor is not SPAM_FILTER:
        require_moderator(contributor.user or AnonymousUser())


def _log(action: str, *, by: Contributor, target: moderation_log.Target, reason: str) -> None:
    """One entry in the moderators' log for a person's action; the spam filter's work is in
    the moderation events already. People who are not moderators (a revert, a move, an
    undo) are logged as themselves."""
    if by is SPAM_FILTER:
        return
    actor_kind = Actor.MODERATOR if _moderates(by) else Actor.AUTHOR
    moderation_log.record(
        action, actor=by.user, target=target, reason=reason, actor_kind=actor_kind
    )


def article_target(article: Article, label: str = "") -> moderation_log.Target:
    """How the moderators' log names an article (comments' actions name theirs the same)."""
    return moderation_log.Target(
        TargetKind.ARTICLE, article.pk, label or article.title, article.get_absolute_url()
    )


def _revision_target(revision: Revision, article: Article) -> moderation_log.Target:
    url = reverse("wiki:revision", kwargs={"slug": article.slug, "number": revision.number})
    label = f"{article.title}, revision {revision.number}"
    return moderation_log.Target(TargetKind.REVISION, revision.pk, label, url)


class EditConflict(Exception):
    """The article moved on since the editor's base revision and the changes overlap."""

    def __init__(self, *, current: Revision, base_number: int | None, source: str) -> None:
        super().__init__(f"Edit of {current.article.slug} conflicts with revision {current.number}")
        self.current = current
        self.base_number = base_number
        self.source = source


class ArticleArchived(Exception):
    """The article is archived: restore it before changing it."""


class ArticleLocked(PermissionDenied):
    """The article is locked: only moderators may change it."""


class NothingChanged(Exception):
    """The submitted text and title are those of the current revision."""


@dataclass(frozen=True)
class SaveResult:
    revision: Revision
    created_article: bool = False
    merged: bool = False
    awaiting_review: bool = False  # live, but no person or check has accepted it yet


def normalize_source(source: str) -> str:
    """The editor's text exactly, but for Windows line ends."""
    return source.replace("\r\n", "\n")


def clean_title(title: str) -> tuple[str, str]:
    """Return (title, slug) or raise ValidationError saying what is wrong with the title."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError("A title is required.", code="required")
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            f"Titles are at most {TITLE_MAX_LENGTH} characters; this one has {len(title)}.",
            code="max_length",
        )
    slug = slug_for(title)
    if not slug:
        raise ValidationError(
            "A title needs at least one letter or digit to make the article's address.",
            code="no_slug",
        )
    return title, slug


def clean_source(source: str) -> str:
    """Return the normalized source or raise ValidationError for text we cannot store."""
    source = normalize_source(source)
    if "\x00" in source:
        raise ValidationError("The text contains NUL characters, which cannot be saved.", "nul")
    limit = settings.WIKI_MAX_SOURCE_BYTES
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise ValidationError(
            f"The text is {size:,} bytes; the limit is {limit:,} bytes.", code="too_large"
        )
    return source


def existing_slugs(slugs: set[str]) -> set[str]:
    """The slugs among `slugs` that lead to a live article, directly or by a redirect."""
    if not slugs:
        return set()
    found = set(Article.objects.live().filter(slug__in=slugs).values_list("slug", flat=True))
    found |= set(
        ArticleRedirect.objects.filter(
            old_slug__in=slugs - found, article__archived_at__isnull=True
        ).values_list("old_slug", flat=True)
    )
    return found


def slug_owner(slug: str) -> Article | None:
    """The article that holds `slug`, as its own address or as a redirect."""
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        redirect = ArticleRedirect.objects.select_related("article").filter(old_slug=slug).first()
        article = redirect.article if redirect else None
    return article


def _add_revision(
    *,
    article: Article,
    previous: Revision | None,
    title: str,
    source: str,
    summary: str,
    is_minor: bool,
    contributor: Contributor,
    base_number: int | None,
    slug: str | None = None,
) -> Revision:
    """Append the revision after `previous` and make it current, in one UPDATE of the
    article row (its title, its address when `slug` moves it, its search text, its
    version); rewrite its links; announce RevisionSaved."""

    def known(slugs: set[str]) -> set[str]:
        # On a move, the article's new address is live before its row says so.
        return existing_slugs(slugs) | ({slug} & set(slugs) if slug else set())

    rendered = render_article(source, existing_slugs=known)
    summary = summary.strip()[:300]
    size = len(source.encode("utf-8", "surrogatepass"))
    revision = Revision.objects.create(
        article=article,
        number=previous.number + 1 if previous else 1,
        title=title,
        source=source,
        html=rendered.html,
        summary=summary,
        summary_html=render_summary(summary, existing_names=existing_user_names),
        is_minor=is_minor,
        size=size,
        size_change=size - (previous.size if previous else 0),
        base_number=base_number if previous else None,
        author=contributor.user,
        author_name=contributor.name[:150],
        author_ip=contributor.ip or None,
    )
    row = {"current_revision": revision, "title": title, "updated_at": revision.created_at}
    if slug is not None:
        row["slug"] = slug
    article_changed(article.pk, **row, **search_fields(title=title, html=rendered.html))
    for field, value in row.items():
        setattr(article, field, value)
    _rewrite_links(article, rendered.link_slugs)
    events.announce(RevisionSaved(revision_id=revision.pk))
    return revision


def article_changed(article_id: int, **fields: object) -> None:
    """Something the article's readers see has changed: new ETag, fresh cached fragments.

    The one home of the article's version. Every write to an article, its revisions or its
    discussion calls it in the write's transaction, so no reader can cache the new state
    under the old version; `fields` are the other columns of the article row that the write
    changes, set in the same UPDATE.
    """
    Article.objects.filter(pk=article_id).update(
        version=F("version") + 1, changed_at=Now(), **fields
    )
    transaction.on_commit(lambda: _note_version(article_id))


def _note_version(article_id: int) -> None:
    """Copies of the article's pages stored before this change are not served while the
    database is away (commons.pagecache)."""
    version = Article.objects.filter(pk=article_id).values_list("version", flat=True).first()
    if version is not None:
        note_version(article_scope(article_id), version)


def _rewrite_links(article: Article, slugs: frozenset[str]) -> None:
    """Make the link table hold exactly the links of the article's current text."""
    # Link rows are derived from the current text, not contributions: rewriting them is safe.
    WikiLink.objects.filter(source=article).exclude(target_slug__in=slugs).delete()
    known = set(WikiLink.objects.filter(source=article).values_list("target_slug", flat=True))
    WikiLink.objects.bulk_create(
        [WikiLink(source=article, target_slug=slug) for slug in sorted(slugs - known)]
    )


def _refresh_links_to_after_commit(slugs: set[str]) -> None:
    """Addresses in `slugs` started or stopped leading to a live article: once this write
    commits, a task re-renders the articles that link to them (a broker that is down loses
    only the re-rendering: the next edit of each renders afresh)."""
    send_after_commit(tasks.refresh_links_to, sorted(slugs))


def refresh_links_to(*, slugs: set[str]) -> int:
    """Re-render the current text of live articles linking to `slugs` (red links turn blue);
    returns how many changed.

    Called by the task wiki.tasks.refresh_links_to. Only the stored HTML of current
    revisions changes; sources never do. Running it twice changes nothing the second time.
    """
    linking = (
        Article.objects.live()
        .filter(outgoing_links__target_slug__in=slugs)
        .distinct()
        .select_related("current_revision")
    )
    count = 0
    for article in linking:
        revision = article.current_revision
        try:
            html = render_article(revision.source, existing_slugs=existing_slugs).html
        except TooComplexToRender:
            continue  # its stored HTML stays; the next edit renders it afresh
        if html != revision.html:
            Revision.objects.filter(pk=revision.pk).update(html=html)
            article_changed(article.pk)
            count += 1
    return count


def _check_if_untrusted(
    revision: Revision, contributor: Contributor, held: blocklist.Match | None = None
) -> bool:
    """Edits go live at once; those of untrusted authors also await review (the spam check,
    or a moderator without an Akismet key), and anyone's that the blocklist holds await a
    moderator. True when this one does."""
    if held is not None:
        blocklist.hold(
            content=revision,
            status=Status.PUBLISHED,
            match=held,
            writer=contributor.user,
            target=article_target(revision.article),
            what=f"revision {revision.number}",
        )
        return True
    if _moderates(contributor) or is_trusted(contributor.user):
        return False
    moderation.open_case(content=revision, status=Status.PUBLISHED)
    return True


def _check_editable(article: Article, contributor: Contributor) -> None:
    if article.is_archived:
        raise ArticleArchived(f"{article.title} is archived; restore it before editing.")
    if article.is_locked and not _moderates(contributor):
        raise ArticleLocked(f"{article.title} is locked; only moderators can change it.")


@blocklist.logs_refusals
@transaction.atomic
def save_edit(
    *,
    slug: str,
    title: str,
    source: str,
    summary: str = "",
    is_minor: bool = False,
    base_number: int | None,
    contributor: Contributor,
    undo_of: int | None = None,
) -> SaveResult:
    """Save an edit of the article at `slug`, creating it when missing.

    An edit started from an older revision is merged three-way with what was saved
    since; overlapping changes raise EditConflict and nothing is saved. The article
    row is locked for the transaction, so concurrent saves get consecutive numbers.
    `undo_of` is the number of the revision the edit undoes (from the undo page): the
    undo is logged, with the edit's summary as its reason.
    """
    refuse_if_blocked(contributor.user, contributor.ip, BlockScope.EDIT)
    source = clean_source(source)
    article = Article.objects.select_for_update().filter(slug=slug_for(slug)).first()
    if article is None:
        return _create_article(title=title, source=source, summary=summary, contributor=contributor)
    _check_editable(article, contributor)
    current = Revision.objects.get(pk=article.current_revision_id)
    merged = False
    if base_number != current.number:
        base_source = ""
        if base_number is not None:
            base = article.revisions.filter(number=base_number).only("source").first()
            if base is None:
                raise ValidationError("The revision this edit started from does not exist.")
            base_source = base.source
        result = merge_texts(base=base_source, mine=source, theirs=current.source)
        if result.text is None:
            raise EditConflict(current=current, base_number=base_number, source=source)
        merged = result.text != source
        source = result.text
    if not _moderates(contributor):  # level 0: what this edit adds to the current text
        check_new_writer_limits(contributor.user, source, current.source, field="source")
    if source == current.source:
        raise NothingChanged("The text is the same as the current revision's.")
    held = blocklist.check(
        texts={"source": (source, current.source), "summary": (summary, "")},
        writer=contributor.user,
        ip=contributor.ip,
        target=article_target(article),
    )
    revision = _add_revision(
        article=article,
        previous=current,
        title=article.title,
        source=source,
        summary=summary,
        is_minor=is_minor,
        contributor=contributor,
        base_number=base_number,
    )
    awaiting_review = _check_if_untrusted(revision, contributor, held)
    undone = article.revisions.filter(number=undo_of).only("number").first() if undo_of else None
    if undone is not None and undone.number < revision.number:
        target = _revision_target(undone, article)
        _log(LogAction.UNDO, by=contributor, target=target, reason=revision.summary)
    return SaveResult(revision=revision, merged=merged, awaiting_review=awaiting_review)


def _create_article(
    *, title: str, source: str, summary: str, contributor: Contributor
) -> SaveResult:
    title, slug = clean_title(title)
    if slug_owner(slug) is not None:
        raise ValidationError(
            {"title": f"The address /wiki/{slug}/ already belongs to another article."}
        )
    if not source.strip():
        raise ValidationError({"source": "A new article needs some text."})
    held = blocklist.check(
        texts={"title": (title, ""), "source": (source, ""), "summary": (summary, "")},
        writer=contributor.user,
        ip=contributor.ip,
        target=moderation_log.Target(
            TargetKind.ARTICLE, slug, f"new article “{title}”", reverse("wiki:article", args=[slug])
        ),
    )
    if not _moderates(contributor):
        check_new_writer_limits(contributor.user, source, field="source")
    try:
        with transaction.atomic():
            article = Article.objects.create(slug=slug, title=title)
    except IntegrityError:
        # Someone created it between our check and our insert: the editor must see it.
        raise ValidationError(
            {"title": f"Someone just created /wiki/{slug}/. Open it and edit it instead."}
        ) from None
    revision = _add_revision(
        article=article,
        previous=None,
        title=title,
        source=source,
        summary=summary or "New article",
        is_minor=False,
        contributor=contributor,
        base_number=None,
    )
    _refresh_links_to_after_commit({slug})
    awaiting_review = _check_if_untrusted(revision, contributor, held)
    return SaveResult(revision=revision, created_article=True, awaiting_review=awaiting_review)


@transaction.atomic
def revert_article(
    *, article: Article, number: int, contributor: Contributor, summary: str = "", reason: str = ""
) -> Revision:
    """Add a new revision carrying revision `number`'s text; history is never rewritten.
    A person's revert is logged with their reason."""
    refuse_if_blocked(contributor.user, contributor.ip, BlockScope.EDIT)
    revision = _revert(article=article, number=number, contributor=contributor, summary=summary)
    _log(LogAction.REVERT, by=contributor, target=article_target(revision.article), reason=reason)
    return revision


def _revert(*, article: Article, number: int, contributor: Contributor, summary: str) -> Revision:
    article = Article.objects.select_for_update().get(pk=article.pk)
    _check_editable(article, contributor)
    target = article.revisions.get(number=number)
    if target.is_hidden and not _moderates(contributor):
        raise PermissionDenied("That revision is hidden; only moderators can restore its text.")
    current = Revision.objects.get(pk=article.current_revision_id)
    if target.source == current.source:
        raise NothingChanged(f"The current text is already that of revision {number}.")
    return _add_revision(
        article=article,
        previous=current,
        title=article.title,
        source=target.source,
        summary=summary or f"Reverted to revision {number}",
        is_minor=False,
        contributor=contributor,
        base_number=current.number,
    )


class NothingToUndo(Exception):
    """The revision made no change that could be taken out of the current text."""


@dataclass(frozen=True)
class Undo:
    """The current text with one revision's change taken out, for an editor to review.

    `conflicts` counts the places where later edits changed the same lines: each is
    marked in `source` (wiki.merging.merge_texts_marked) for the editor to resolve.
    """

    revision: Revision
    source: str
    conflicts: int
    summary: str
    base_number: int


def prepare_undo(*, article: Article, number: int, contributor: Contributor) -> Undo:
    """Take revision `number`'s change out of the current text, three-way; saves nothing.

    The result goes to the edit page, which saves it through save_edit from the current
    revision like any edit. Raises Revision.DoesNotExist, NothingToUndo, and
    PermissionDenied when the text of a revision it needs is hidden from `contributor`.
    """
    if number == 1:
        raise NothingToUndo(
            "Revision 1 created the article: there is no earlier text to go back to."
        )
    if not 1 < number <= MAX_REVISION_NUMBER:
        raise Revision.DoesNotExist
    pair = {
        revision.number: revision
        for revision in article.revisions.defer("html").filter(number__in=(number - 1, number))
    }
    if len(pair) != 2:
        raise Revision.DoesNotExist
    before, undone = pair[number - 1], pair[number]
    if (before.is_hidden or undone.is_hidden) and not _moderates(contributor):
        raise PermissionDenied(
            "A moderator has hidden the text of that revision or the one before it, so only "
            "moderators can undo it."
        )
    if before.source == undone.source:
        raise NothingToUndo(
            f"Revision {number} did not change the text (it changed only the title, or "
            "nothing), so there is no change to undo."
        )
    current = article.current_revision
    merged = merge_texts_marked(
        base=undone.source,
        mine=current.source,
        theirs=before.source,
        mine_label=f"the current text (revision {current.number})",
        theirs_label=f"the text before revision {number}",
    )
    if merged.text == current.source:
        raise NothingToUndo(
            f"Revision {number}'s change is no longer in the current text: it was already "
            "undone or replaced by later edits."
        )
    return Undo(
        revision=undone,
        source=merged.text,
        conflicts=merged.conflicts,
        summary=f"Undo revision {number} by {undone.author_name}",
        base_number=current.number,
    )


class NothingToRollBack(Exception):
    """There is no revision to roll back to, or the edits are no longer the latest."""


def _by_same_author(revision: Revision) -> Q:
    """Revisions by whoever made `revision`: the same account, or, signed out, the same
    address (or, without one, the same name)."""
    if revision.author_id is not None:
        return Q(author_id=revision.author_id)
    if revision.author_ip:
        return Q(author__isnull=True, author_ip=revision.author_ip)
    return Q(author__isnull=True, author_ip__isnull=True, author_name=revision.author_name)


@transaction.atomic
def rollback_article(
    *,
    article: Article,
    contributor: Contributor,
    seen_number: int | None = None,
    reason: str = "",
) -> Revision:
    """Revert the run of latest edits by the current revision's author to the last
    revision by someone else, as one new revision (revert_article); for moderators and
    trusted users.

    `seen_number` is the revision the caller saw as current: when someone other than its
    author has edited since, NothingToRollBack says so and nothing is saved. Logged once,
    as a rollback, with the reason.
    """
    refuse_if_blocked(contributor.user, contributor.ip, BlockScope.EDIT)
    if not (_moderates(contributor) or is_trusted(contributor.user)):
        raise PermissionDenied("Only moderators and trusted users can roll back edits.")
    article = Article.objects.select_for_update().get(pk=article.pk)
    _check_editable(article, contributor)
    current = Revision.objects.defer("source", "html").get(pk=article.current_revision_id)
    by_author = _by_same_author(current)
    if seen_number is not None and seen_number != current.number:
        run = article.revisions.filter(number__gte=seen_number)
        if seen_number > current.number or run.exclude(by_author).exists():
            raise NothingToRollBack(
                f"Someone else has edited since revision {seen_number}, which is no longer "
                "current: look at the history again before rolling back."
            )
    target = article.revisions.exclude(by_author).order_by("-number").only("number").first()
    if target is None:
        raise NothingToRollBack(
            f"Every revision of “{article.title}” is by {current.author_name}: there is no "
            "revision by someone else to roll back to."
        )
    revision = _revert(
        article=article,
        number=target.number,
        contributor=contributor,
        summary=f"Rolled back edits by {current.author_name} to revision {target.number}",
    )
    _log(LogAction.ROLLBACK, by=contributor, target=article_target(revision.article), reason=reason)
    return revision


@transaction.atomic
def move_article(
    *, article: Article, new_title: str, contributor: Contributor, reason: str = ""
) -> Revision:
    """Rename an article: a new revision with the new title; the old address redirects.
    Logged with the reason, under both titles."""
    refuse_if_blocked(contributor.user, contributor.ip, BlockScope.EDIT)
    article = Article.objects.select_for_update().get(pk=article.pk)
    _check_editable(article, contributor)
    title, slug = clean_title(new_title)
    if title == article.title:
        raise NothingChanged("That is already the article's title.")
    owner = slug_owner(slug)
    if owner is not None and owner.pk != article.pk:
        raise ValidationError({"title": f"The address /wiki/{slug}/ belongs to another article."})
    old_title, old_slug = article.title, article.slug
    current = Revision.objects.get(pk=article.current_revision_id)
    if slug != old_slug:
        ArticleRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})
        _refresh_links_to_after_commit({slug})
    revision = _add_revision(
        article=article,
        previous=current,
        title=title,
        source=current.source,
        summary=f"Moved from “{old_title}” to “{title}”",
        is_minor=False,
        contributor=contributor,
        base_number=current.number,
        slug=slug if slug != old_slug else None,
    )
    target = article_target(article, label=f"{old_title} → {title}")
    _log(LogAction.MOVE, by=contributor, target=target, reason=reason)
    return revision


@transaction.atomic
def archive_article(*, article: Article, moderator: Contributor, reason: str = "") -> Article:
    """Take an article out of listings and search; its history and text stay. Logged."""
    _require_moderator(moderator)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.is_archived:
        return article
    article.archived_at = timezone.now()
    article.archived_by = moderator.user
    article_changed(article.pk, archived_at=article.archived_at, archived_by=article.archived_by)
    _log(LogAction.ARCHIVE, by=moderator, target=article_target(article), reason=reason)
    _refresh_links_to_after_commit(
        {article.slug, *article.redirects.values_list("old_slug", flat=True)}
    )
    return article


@transaction.atomic
def restore_article(*, article: Article, moderator: Contributor, reason: str = "") -> Article:
    """Bring an archived article back to listings and search. Logged."""
    _require_moderator(moderator)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not article.is_archived:
        return article
    article.archived_at = None
    article.archived_by = None
    article_changed(article.pk, archived_at=None, archived_by=None)
    _log(LogAction.RESTORE, by=moderator, target=article_target(article), reason=reason)
    _refresh_links_to_after_commit(
        {article.slug, *article.redirects.values_list("old_slug", flat=True)}
    )
    return article


@transaction.atomic
def set_article_lock(
    *, article: Article, locked: bool, moderator: Contributor, reason: str = ""
) -> Article:
    """Lock an article so only moderators edit it, or unlock it; logged when it changes."""
    _require_moderator(moderator)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.is_locked == locked:
        return article
    article.is_locked = locked
    article.locked_by = moderator.user if locked else None
    article_changed(article.pk, is_locked=locked, locked_by=article.locked_by)
    action = LogAction.LOCK if locked else LogAction.UNLOCK
    _log(action, by=moderator, target=article_target(article), reason=reason)
    return article


@transaction.atomic
def set_revision_hidden(
    *, revision: Revision, hidden: bool, moderator: Contributor, reason: str = ""
) -> Revision:
    """Hide a revision's text from the public (or show it again); the revision stays.
    Logged when it changes."""
    _require_moderator(moderator)
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    if hidden and article.current_revision_id == revision.pk:
        raise ValidationError(
            "The current revision cannot be hidden: revert the article first, then hide it."
        )
    was_hidden = Revision.objects.filter(pk=revision.pk).values_list("is_hidden", flat=True).get()
    if was_hidden == hidden:
        revision.is_hidden = hidden
        return revision
    revision.is_hidden = hidden
    revision.hidden_by = moderator.user if hidden else None
    revision.save(update_fields=["is_hidden", "hidden_by"])
    article_changed(revision.article_id)
    action = LogAction.HIDE if hidden else LogAction.UNHIDE
    _log(action, by=moderator, target=_revision_target(revision, article), reason=reason)
    return revision
