"""Who may act on a comment, and the gate that loads a comment for a change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from comments.models import Comment
from commons.roles import can_moderate


def is_author(user, comment: Comment) -> bool:
    """Whether `user` wrote the comment (anonymous comments have no author to match)."""
    return user.is_authenticated and comment.author_id == user.pk


def can_change_comment(user, comment: Comment) -> bool:
    """Authors edit and remove their own comments; moderators any."""
    return is_author(user, comment) or can_moderate(user)


def get_comment_for_change_or_404(user, pk: int, *, lock: bool = False) -> Comment:
    """The comment `pk` (with its article) if `user` may change it: Http404 when there is
    no such comment, PermissionDenied when it is not theirs to change. `lock` takes the
    comment's row lock, inside the caller's transaction (after the case's, if any)."""
    comments = Comment.objects.comments().select_related("article")
    if lock:
        comments = comments.select_for_update(of=("self",))
    comment = get_object_or_404(comments, pk=pk)
    if not can_change_comment(user, comment):
        raise PermissionDenied("Only the author or a moderator can change this comment.")
    return comment
