"""How moderation sees a comment (the adapter of moderation.registry)."""

from collections.abc import Collection

from django.conf import settings
from django.db.models import CharField, Count, Q, prefetch_related_objects
from django.db.models.functions import Cast

from comments.events import CommentPublished
from comments.models import Comment
from comments.permissions import is_author
from commons import events
from moderation.akismet import Submission
from moderation.registry import Summary
from moderation.states import Status
from wiki.services import article_changed


def accepted_comments(user_ids: Collection[int]) -> dict[int, int]:
    """Each user's published comments, in one query: the discussion's contribution
    counter (moderation.trust)."""
    rows = (
        Comment.objects.published()
        .filter(author_id__in=user_ids)
        .order_by()
        .values("author_id")
        .annotate(comments=Count("id"))
    )
    return {row["author_id"]: row["comments"] for row in rows}


def comments_in_log(article_id: str) -> Q:
    """The moderators' log of an article includes its discussion's entries."""
    if not (article_id.isascii() and article_id.isdigit() and len(article_id) <= 18):
        return Q(pk__in=[])  # no such article: an id the database could not even hold
    ids = (
        Comment.objects.filter(article_id=int(article_id))
        .order_by()
        .values_list(Cast("pk", CharField()), flat=True)
    )
    return Q(target_kind="comment", target_id__in=ids)


class CommentAdapter:
    kinds = {"comment": "Comments"}

    def kind_filter(self, kind: str) -> Q:
        """Replies are comments too."""
        return Q()

    def submission(self, comment: Comment) -> Submission:
        article = comment.article
        fields = {
            "comment_type": "reply" if comment.level > 1 else "comment",
            "comment_author": comment.author_name,
            "comment_author_email": comment.author_email,
            "comment_author_url": comment.author_url,
            "comment_content": comment.body,
            "user_agent": comment.user_agent,
            "referrer": comment.referrer,
            "permalink": settings.AKISMET_BLOG_URL.rstrip("/") + article.get_absolute_url(),
            "comment_date_gmt": comment.created_at.isoformat(),
            "comment_post_modified_gmt": article.updated_at.isoformat(),
            "blog_lang": "en",
            "blog_charset": "UTF-8",
        }
        if comment.author is not None and comment.author.is_staff:
            fields["user_role"] = "administrator"
        return Submission(user_ip=comment.author_ip or "", fields=fields)

    def status(self, comment: Comment) -> str:
        return comment.status

    def status_before_removal(self, comment: Comment) -> str:
        return comment.status_before_removal

    def apply_status(self, comment: Comment, *, old: str, new: str) -> str:
        comment.status = new
        comment.status_before_removal = old if new == Status.REMOVED else ""
        comment.save(update_fields=["status", "status_before_removal"])
        article_changed(comment.article_id)
        if old == Status.REMOVED:
            return ""  # restored as it was: its mails left when it was first published
        if new == Status.PUBLISHED:
            events.announce(CommentPublished(comment_id=comment.pk))  # heard after commit
        return ""

    def is_author(self, comment: Comment, user) -> bool:
        return is_author(user, comment)

    def may_act_on_spam(self, comment: Comment) -> bool:
        return True

    def accepted(self, comment: Comment) -> None:
        """Publishing a comment already changed its article's version; nothing more."""

    def hold(self, comment: Comment, *, held: bool) -> None:
        comment.is_held = held
        comment.save(update_fields=["is_held"])
        article_changed(comment.article_id)

    def prefetch(self, comments: list[Comment]) -> None:
        prefetch_related_objects(comments, "article", "author")

    def link_texts(self, comments: list[Comment]) -> dict[int, tuple[str, str]]:
        """A comment's links are all new: its text and its author's website."""
        return {comment.pk: (f"{comment.body}\n{comment.author_url}", "") for comment in comments}

    def summary(self, comment: Comment) -> Summary:
        return Summary(
            kind="reply" if comment.level > 1 else "comment",
            title=comment.article.title,
            url=comment.get_absolute_url(),
            html=comment.html,
            author_name=comment.author_name,
            author_ip=comment.author_ip,
            author_email=comment.author_email,
            created_at=comment.created_at,
            author=comment.author,
        )
