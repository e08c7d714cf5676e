from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from mptt.fields import TreeForeignKey
from mptt.models import MPTTModel

from comments.querysets import CommentQuerySet
from commons.undeletable import UndeletableModel, UndeletableQuerySet
from moderation.states import Status


class Comment(UndeletableModel, MPTTModel):
    """A comment in an article's discussion. Each article's comments form one mptt tree
    under an invisible thread root (the only node without a parent).
    """

    article = models.ForeignKey("wiki.Article", on_delete=models.PROTECT, related_name="comments")
    parent = TreeForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    revision = models.ForeignKey(
        "wiki.Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The article's current revision when the comment was written.",
    )
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    status_before_removal = models.CharField(max_length=16, choices=Status.choices, blank=True)
    is_held = models.BooleanField(
        default=False, help_text="Hidden pending review after readers flagged it."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    author_name = models.CharField(max_length=100, blank=True)
    author_email = models.EmailField(blank=True, help_text="Never shown to the public.")
    author_url = models.URLField(blank=True)
    avatar_key = models.CharField(max_length=64, blank=True)
    author_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    referrer = models.CharField(max_length=500, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, default=None)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class MPTTMeta:
        order_insertion_by: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(parent__isnull=True),
                name="comments_comment_one_root_per_article",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="comments_comment_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["article", "level", "lft"], name="comments_thread_order"),
            models.Index(fields=["status", "-created_at"], name="comments_by_status"),
            models.Index(fields=["author", "-created_at"], name="comments_by_author"),
            # What one address wrote signed out: moderators' address page, Remove spammer.
            models.Index(
                fields=["author_ip", "-created_at"],
                name="comments_by_address",
                condition=Q(author=None),
            ),
        ]

    def __str__(self) -> str:
        if self.parent_id is None:
            return f"Discussion of article {self.article_id}"
        return f"Comment {self.pk} by {self.author_name}"

    def get_absolute_url(self) -> str:
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def is_thread_root(self) -> bool:
        return self.parent_id is None

    @property
    def is_removed(self) -> bool:
        return self.status == Status.REMOVED


class CommentEdit(UndeletableModel):
    """An earlier text of an edited comment, kept for moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="edits")
    body = models.TextField()
    written_at = models.DateTimeField(help_text="When this text was written.")
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self) -> str:
        return f"Earlier text of comment {self.comment_id}"
