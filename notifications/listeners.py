"""What notifications hear from the apps below (commons.events), and the task each event
sends (it makes the notices in the site and sends the e-mails). Listeners run once the
announcing write has committed, so a rolled-back save tells nobody; a broker that is down
loses only the notices and e-mails, logged (commons.events).
"""

from __future__ import annotations

from comments.events import CommentEdited, CommentPublished, RepliesWanted
from comments.models import Comment
from commons import events
from moderation.events import ContentMoved
from moderation.models import Actor
from notifications import mentions, tasks
from notifications.watching import subscribe_anonymous
from wiki.events import RevisionAccepted, RevisionSaved


def connect() -> None:
    """Start listening (NotificationsConfig.ready)."""
    events.listen(RevisionSaved, revision_saved)
    events.listen(CommentPublished, comment_published)
    events.listen(RepliesWanted, replies_wanted)
    events.listen(CommentPublished, mentions.comment_published)
    events.listen(CommentEdited, mentions.comment_published)
    events.listen(RevisionSaved, mentions.revision_saved)
    events.listen(RevisionAccepted, mentions.revision_saved)
    events.listen(ContentMoved, content_moved)


def revision_saved(event: RevisionSaved) -> None:
    """A new revision is live: its article's watchers may hear about it (mail.watchers_hear_of
    decides, when the task runs)."""
    tasks.send_revision_mails.delay(event.revision_id)


def comment_published(event: CommentPublished) -> None:
    """The author of the comment it answers hears about it, and its own author's pending
    subscription asks for confirmation."""
    tasks.send_comment_mails.delay(event.comment_id)


def content_moved(event: ContentMoved) -> None:
    """A moderator or the spam check moved someone's content: its author hears of it (the
    author's own moves, such as editing or removing their comment, tell nobody)."""
    if event.actor_kind in (Actor.MODERATOR, Actor.AKISMET):
        tasks.send_moderation_mails.delay(event.moderation_event_id, event.reason)


def replies_wanted(event: RepliesWanted) -> None:
    """An anonymous commenter asked for replies: subscribe them (confirmation comes first)."""
    comment = Comment.objects.filter(pk=event.comment_id).first()
    if comment is not None:
        subscribe_anonymous(comment=comment, email=event.email)
