"""@mentions: the people a published comment or edit summary links to hear of it, once per
comment (or revision) and person, in the site and by e-mail as each chose for "mention".

Who was mentioned is read from the stored HTML (wiki.markup.mentioned_names): exactly the
names the render linked, so code, links, unknown names and names past the limit tell
nobody. An edit that keeps a mention adds nothing (the notice's key and the e-mail's
Delivery are per comment and person); one that adds a name tells only that person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import Truncator

from comments.events import CommentEdited, CommentPublished
from comments.models import Comment
from moderation.models import ModerationCase
from moderation.services import case_for
from moderation.states import Status
from moderation.trust import is_trusted
from notifications import tasks
from notifications.mail import Mail, absolute_url, stop_link, tell
from notifications.models import NoticeKind
from wiki.events import RevisionAccepted, RevisionSaved
from wiki.markup import html_to_text, mentioned_names
from wiki.models import Revision

EXCERPT_LENGTH = 500


@dataclass(frozen=True)
class Mention:
    """What the mentioned hear: where, by whom, and the words around it."""

    key: str
    author_id: int | None
    author_name: str
    where: str  # "a comment on “Gardens”"
    url: str
    article_id: int
    html: str


def comment_published(event: CommentPublished | CommentEdited) -> None:
    """A comment became visible, or a visible one changed: tell the people it mentions."""
    tasks.send_mentions.delay("comment", event.comment_id)


def revision_saved(event: RevisionSaved | RevisionAccepted) -> None:
    """A revision went live or was accepted: tell the people its summary mentions."""
    tasks.send_mentions.delay("revision", event.revision_id)


def _comment_mention(comment_id: int) -> Mention | None:
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or comment.status != Status.PUBLISHED or comment.is_held:
        return None
    return Mention(
        key=f"mention:comment:{comment.pk}",
        author_id=comment.author_id,
        author_name=comment.author_name,
        where=f"a comment on “{comment.article.title}”",
        url=comment.get_absolute_url(),
        article_id=comment.article_id,
        html=comment.html,
    )


def _revision_mention(revision_id: int) -> Mention | None:
    revision = Revision.objects.select_related("article", "author").filter(pk=revision_id).first()
    if revision is None or not revision.summary_html or not _accepted(revision):
        return None
    article = revision.article
    if revision.number > 1:
        url = reverse("wiki:diff", args=[article.slug, revision.number - 1, revision.number])
    else:
        url = article.get_absolute_url()
    return Mention(
        key=f"mention:revision:{revision.pk}",
        author_id=revision.author_id,
        author_name=revision.author_name,
        where=f"the summary of an edit of “{article.title}”",
        url=url,
        article_id=article.pk,
        html=revision.summary_html,
    )


def _accepted(revision: Revision) -> bool:
    """Live, and a trusted writer's (no case) or accepted by a person or the check: what
    may be spam tells nobody yet (RevisionAccepted comes once it is accepted)."""
    if revision.is_hidden or revision.article.is_archived:
        return False
    case = case_for(revision)
    if case is None:
        return is_trusted(revision.author)
    return not ModerationCase.objects.filter(pk=case.pk).not_accepted().exists()


def send_mentions(*, kind: str, object_id: int) -> int:
    """Tell each person a published comment (`kind` "comment") or an edit summary
    ("revision") mentions, not its author; returns how many e-mails were sent."""

    mention = _comment_mention(object_id) if kind == "comment" else _revision_mention(object_id)
    if mention is None:
        return 0
    names = mentioned_names(mention.html)
    if not names:
        return 0
    user_model = get_user_model()
    recipients = set(
        user_model.objects.filter(
            **{f"{user_model.USERNAME_FIELD}__in": names}, is_active=True
        ).values_list("pk", flat=True)
    )
    recipients.discard(mention.author_id)
    if not recipients:
        return 0
    text = f"{mention.author_name} mentioned you in {mention.where}"
    return tell(
        kind=NoticeKind.MENTION,
        key=mention.key,
        recipient_ids=recipients,
        text=text,
        url=mention.url,
        article_id=mention.article_id,
        actor_name=mention.author_name,
        mail=Mail(
            subject=f"{text} on {settings.SITE_NAME}",
            template="notifications/email/mention.txt",
            context={
                "text": text,
                "excerpt": Truncator(html_to_text(mention.html)).chars(EXCERPT_LENGTH),
                "url": absolute_url(mention.url),
            },
            unsubscribe=lambda user_id: stop_link("mention", user_id),
        ),
    )
