"""Content in each corner of the moderation queue, made through the real services."""

from moderation import services
from moderation.models import CheckState, ModerationCase
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.wiki.helpers import make_article
from wiki.services import save_edit


def case_of(content) -> ModerationCase:
    return ModerationCase.objects.get(
        object_id=content.pk, content_type__model=content._meta.model_name
    )


def held_comment(article, body="Cheap watches here", **author):
    """An anonymous comment: pending, waiting for a moderator (no Akismet key in tests)."""
    return post(article, body, author=anonymous(**author))


def held_edit(article, text, user=None):
    """An untrusted edit: live at once, and in the queue because no check can run."""
    article.refresh_from_db()
    result = save_edit(
        slug=article.slug,
        title=article.title,
        source=text,
        base_number=article.current_revision.number,
        contributor=contributor(user),
    )
    return result.revision


def akismet_verdict(content, verdict: str) -> ModerationCase:
    """Apply an Akismet verdict to held content, as the task would have."""
    case = case_of(content)
    ModerationCase.objects.filter(pk=case.pk).update(state=CheckState.QUEUED)
    services.apply_verdict(case_id=case.pk, verdict=verdict)
    return case_of(content)


def flagged_comment(article, moderator, *, reasons=("spam", "rude", "off topic")):
    """A published comment that enough readers flagged to hide it."""
    comment = post(article, "A published comment", author=signed_in(moderator))
    for i, reason in enumerate(reasons):
        services.flag(content=comment, reporter=None, reporter_key=f"test:{i}", reason=reason)
    return comment


def seed_queue(count: int, moderator, *, start: int = 0) -> None:
    """`count` items needing review, of every kind, each on its own article."""
    for i in range(start, start + count):
        article = make_article(title=f"Article {i}", user=moderator)
        kind = i % 4
        if kind == 0:
            held_comment(article, f"Comment {i}", ip=f"198.51.100.{i % 250}")
        elif kind == 1:
            held_edit(article, f"Signed-in edit {i}\n", user=UserFactory())
        elif kind == 2:
            flagged_comment(article, moderator)
        else:
            held_edit(article, f"Anonymous edit {i}\n")
