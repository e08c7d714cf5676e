"""The whole path with real parts: a comment posted over HTTP, checked by a real Celery
worker on Redis against the fake Akismet server; the verdict's notice and e-mail reach its
author once, and a reply's reach the person answered."""

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment
from moderation.states import Status
from notifications.models import Channel, Delivery, Notice, NoticeKind
from notifications.notices import set_channels
from tests.factories import UserFactory
from tests.moderation.test_worker import broker, fake_akismet, status_of, wait_for, worker
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
__all__ = ["broker", "fake_akismet", "worker"]  # the worker test's fixtures, used here


def post_signed_in(person, article, body, parent=None):
    client = Client()
    client.force_login(person)
    data = {"body": body} | ({"parent": parent.pk} if parent else {})
    response = client.post(f"/wiki/{article.slug}/comments/", data)
    assert response.status_code == 302
    return Comment.objects.get(body=body)


def test_a_worker_tells_the_author_of_the_verdict_and_of_a_reply_once(fake_akismet, worker):
    author, replier = UserFactory(), UserFactory()
    # Decisions come by e-mail only to who asked for them (the default is the site only).
    set_channels(user=author, channels={NoticeKind.MODERATION: Channel.BOTH})
    article = make_article(title="Gardens", user=UserFactory(is_staff=True))
    comment = post_signed_in(author, article, "Lovely gardens.")
    wait_for(lambda: status_of(comment) == Status.PUBLISHED, what="the verdict")
    wait_for(lambda: Notice.objects.filter(recipient=author).exists(), what="the notice")
    reply = post_signed_in(replier, article, "They are.", parent=comment)
    wait_for(lambda: status_of(reply) == Status.PUBLISHED, what="the reply's verdict")
    wait_for(lambda: Notice.objects.filter(recipient=author).count() == 2, what="the reply")
    wait_for(lambda: Delivery.objects.filter(sent_at__isnull=False).count() == 2, what="mails")

    kinds = list(
        Notice.objects.filter(recipient=author).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == [NoticeKind.MODERATION, NoticeKind.REPLY]
    assert Notice.objects.filter(recipient=replier, kind=NoticeKind.MODERATION).count() == 1
    to_author = sorted(m.subject for m in mail.outbox if m.to == [author.email])
    assert to_author == [
        "Your comment on “Gardens” passed the spam check and is published",
        f"{replier.username} replied to your comment on “Gardens”",
    ]
    # The replier chose nothing: their verdict is a notice in the site, not a mail.
    assert [m for m in mail.outbox if m.to == [replier.email]] == []
