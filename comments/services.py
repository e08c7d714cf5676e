"""Every write to a discussion. Structural writes to an article's comment tree happen only
here, under the article's lock (and the global one when the tree is new).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comments.events import CommentEdited, CommentPublished
from comments.models import Comment, CommentEdit
from comments.permissions import can_change_comment, get_comment_for_change_or_404
from commons import events
from commons.locks import COMMENT_THREAD_LOCKS, GLOBAL_LOCKS, NEW_COMMENT_TREE, advisory_xact_lock
from commons.people import existing_user_names
from moderation import blocklist
from moderation import services as moderation
from moderation.blocks import refuse_if_blocked
from moderation.models import BlockScope
from moderation.states import Status
from moderation.trust import check_new_writer_limits, is_trusted
from wiki.markup import render_comment_markdown
from wiki.models import Article
from wiki.services import article_changed, article_target


@dataclass(frozen=True)
class CommentAuthor:
    """Who writes: a signed-in user, or a name and e-mail (and maybe a website)."""

    user: object | None = None
    name: str = ""
    email: str = ""
    url: str = ""
    ip: str | None = None
    user_agent: str = ""
    referrer: str = ""


def clean_body(body: str) -> str:
    """The comment text with Windows line ends normalized, or a ValidationError."""
    body = body.replace("\r\n", "\n")
    if not body.strip():
        raise ValidationError({"body": "Please write something before posting."})
    if "\x00" in body:
        raise ValidationError({"body": "The text contains NUL characters, which cannot be saved."})
    limit = settings.COMMENTS_MAX_LENGTH
    if len(body) > limit:
        raise ValidationError(
            {"body": f"Comments are at most {limit:,} characters; this one has {len(body):,}."}
        )
    return body


def render_comment(body: str) -> str:
    """A comment's HTML as it is stored and previewed: its @mentions of people linked (one
    query for all of them)."""
    return render_comment_markdown(body, existing_names=existing_user_names)


def preview_comment(*, body: str, writer, old_body: str = "") -> str:
    """The HTML a comment would have, under the limits posting applies (its length, a new
    writer's links and images, the blocklist's refusals); saves and logs nothing. `old_body`
    is the text an edit replaces."""
    body = clean_body(body)
    check_new_writer_limits(writer, body, old_body, field="body")
    match = blocklist.screen(body, old_body)
    if match is not None and match.refuses:
        raise ValidationError({"body": blocklist.refusal_message(match)})
    return render_comment(body)


def _lock_thread(article: Article) -> Comment:
    """Lock the article's discussion and return its thread root, creating the tree if new."""
    advisory_xact_lock(COMMENT_THREAD_LOCKS, article.pk)
    root = Comment.objects.filter(article=article, parent__isnull=True).first()
    if root is None:
        # A new tree takes a new tree_id: that number is shared by every article.
        advisory_xact_lock(GLOBAL_LOCKS, NEW_COMMENT_TREE)
        root = Comment(article=article, status=Status.PUBLISHED)
        root.save()
    return root


def _check_open(article: Article) -> None:
    if article.is_archived:
        raise ValidationError("This article is archived, so its discussion is closed.")
    if article.is_locked:
        raise ValidationError("This article is locked, so its discussion is closed.")


@blocklist.logs_refusals
@transaction.atomic
def post_comment(
    *,
    article: Article,
    body: str,
    author: CommentAuthor,
    parent_id: int | None = None,
    submission_key: uuid.UUID | None = None,
    caught_by_honeypot: bool = False,
) -> Comment:
    """Add a comment (or a reply to `parent_id`), published at once for trusted authors.

    Replies past COMMENTS_MAX_DEPTH attach at the deepest level. A form submitted twice
    (same submission_key) gives back the first comment instead of a second one. A form
    whose honeypot was filled in is kept, as blatant spam.
    """
    refuse_if_blocked(author.user, author.ip, BlockScope.COMMENT)
    body = clean_body(body)
    if author.user is None and not (author.name.strip() and author.email.strip()):
        raise ValidationError("A name and an e-mail address are needed to comment.")
    if not caught_by_honeypot:  # a bot's form is kept as spam whatever it carries
        check_new_writer_limits(author.user, body, field="body")
    article = Article.objects.select_related("current_revision").get(pk=article.pk)
    _check_open(article)
    held = None
    if not caught_by_honeypot:  # kept as blatant spam whatever it says
        held = blocklist.check(
            texts={"body": (body, ""), "name": (author.name, ""), "website": (author.url, "")},
            writer=author.user,
            ip=author.ip,
            target=article_target(article),
        )
    root = _lock_thread(article)
    if submission_key is not None:
        earlier = Comment.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    parent = root
    if parent_id is not None:
        parent = Comment.objects.comments().filter(pk=parent_id).first()
        if parent is None or parent.article_id != article.pk:
            raise ValidationError(
                {"parent": "The comment you replied to is not in this discussion."}
            )
        if parent.status in (Status.REMOVED, Status.SPAM):
            raise ValidationError({"parent": "The comment you replied to has been removed."})
        while parent.level > settings.COMMENTS_MAX_DEPTH - 1:
            parent = Comment.objects.get(pk=parent.parent_id)
    user = author.user
    comment = Comment(
        article=article,
        parent=parent,
        revision=article.current_revision,
        body=body,
        html=render_comment(body),
        status=Status.SPAM
        if caught_by_honeypot
        else Status.PUBLISHED
        if is_trusted(user) and held is None
        else Status.PENDING,
        author=user,
        author_name=(user.get_username() if user else author.name.strip())[:100],
        author_email=(user.email if user else author.email.strip())[:254],
        author_url=author.url.strip()[:200],
        author_ip=author.ip,
        user_agent=author.user_agent[:500],
        referrer=author.referrer[:500],
        submission_key=submission_key,
    )
    comment.save()
    article_changed(article.pk)
    if caught_by_honeypot:
        moderation.open_case(content=comment, status=Status.SPAM, caught_by_honeypot=True)
    elif held is not None:
        blocklist.hold(
            content=comment,
            status=comment.status,
            match=held,
            writer=user,
            target=article_target(article),
            what=f"comment #{comment.pk}",
        )
    elif comment.status == Status.PENDING:
        moderation.open_case(content=comment, status=comment.status)
    else:
        events.announce(CommentPublished(comment_id=comment.pk))
    return comment


@blocklist.logs_refusals
@transaction.atomic
def edit_comment(*, comment: Comment, body: str, editor, ip: str | None = None) -> Comment:
    """Replace a comment's text, by its author or a moderator; the earlier text is kept for
    moderators. An untrusted author's new text goes through the spam check as a new
    comment's does: a published comment waits again (its author sees it, marked as
    awaiting moderation; others don't). `ip` is the editor's address, for blocks."""
    refuse_if_blocked(editor, ip, BlockScope.COMMENT)
    # Screened against the text as the caller read it, before any lock, so a held edit
    # takes the case's lock first like an untrusted one.
    held = blocklist.check(
        texts={None: (body.replace("\r\n", "\n"), comment.body)},
        writer=editor,
        ip=ip,
        target=lambda: article_target(comment.article),
    )
    checked = held is not None or not is_trusted(editor)  # moderators are trusted
    if checked:
        moderation.case_for(comment, lock=True)  # the case's lock before the comment's
    comment = get_comment_for_change_or_404(editor, comment.pk, lock=True)
    if comment.status == Status.REMOVED:
        raise ValidationError("A removed comment cannot be edited.")
    body = clean_body(body)
    if body == comment.body:
        return comment
    check_new_writer_limits(editor, body, comment.body)  # the view puts it on the body
    CommentEdit.objects.create(
        comment=comment,
        body=comment.body,
        written_at=comment.edited_at or comment.created_at,
        replaced_by=editor if editor.is_authenticated else None,
    )
    comment.body = body
    comment.html = render_comment(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "html", "edited_at"])
    article_changed(comment.article_id)
    if held is not None:
        blocklist.hold_again(
            content=comment,
            match=held,
            writer=editor,
            target=article_target(comment.article),
            what=f"comment #{comment.pk}",
        )
    elif checked:
        moderation.recheck(
            content=comment, actor=editor, reason="Edited by its author: checked again."
        )
    elif comment.status == Status.PUBLISHED and not comment.is_held:
        events.announce(CommentEdited(comment_id=comment.pk))
    return comment


def remove_comment(*, comment: Comment, by) -> Comment:
    """Soft-remove, by its author or a moderator: the comment shows as "[removed]" and its
    replies keep their place (a logged move, through moderation)."""
    if not can_change_comment(by, comment):
        raise PermissionDenied("Only the author or a moderator can remove this comment.")
    moderation.remove(content=comment, by=by, reason="Removed")
    return comment


def restore_comment(*, comment: Comment, by) -> Comment:
    """Undo a removal: the comment goes back to the state it had (moderators; a logged
    move, through moderation)."""
    moderation.restore(content=comment, by=by, reason="Restored")
    return comment
