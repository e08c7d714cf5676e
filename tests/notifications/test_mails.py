"""Watching and reply e-mails: who gets one, when, and only once."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from moderation import services as moderation
from notifications import tasks
from notifications.mail import send_revision_mails
from notifications.models import Channel, Delivery, NoticeKind, Subscription, Watch
from notifications.notices import set_channels
from notifications.watching import is_watching, subscribe_anonymous, toggle_watch
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import contributor
from tests.moderation.queue_helpers import case_of
from tests.wiki.helpers import make_article
from wiki.services import save_edit

pytestmark = pytest.mark.django_db

URL = re.compile(r"https?://\S+")


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


def edit(article, text, who):
    article.refresh_from_db()
    return save_edit(
        slug=article.slug,
        title=article.title,
        source=text,
        base_number=article.current_revision.number,
        contributor=contributor(who),
    ).revision


def links(message, kind):
    return [url for url in URL.findall(message.body) if f"/notifications/{kind}/" in url]


def test_a_revision_by_someone_else_mails_the_watcher_once_with_an_unsubscribe_link(
    article, user, moderator, committed
):
    toggle_watch(user=user, article=article)
    revision = committed(edit, article, "Shared gardens, now with bees.\n", moderator)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "Gardens" in message.subject and moderator.username in message.subject
    assert f"/wiki/gardens/diff/1/{revision.number}/" in message.body
    [unsubscribe] = links(message, "unsubscribe")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert Delivery.objects.get(key=f"revision:{revision.pk}:user:{user.pk}").sent_at


def test_the_authors_own_edits_and_unwatched_articles_mail_nobody(
    article, moderator, user, committed
):
    toggle_watch(user=moderator, article=article)
    committed(edit, article, "My own change.\n", moderator)
    other = make_article(title="Elsewhere", user=moderator)
    toggle_watch(user=user, article=article)
    committed(edit, other, "Not watched by anyone.\n", moderator)
    assert mail.outbox == []


def test_revisions_by_untrusted_authors_mail_nobody(article, user, other_user, committed):
    # Their edits go live but may still turn out to be spam: no mail for them.
    toggle_watch(user=user, article=article)
    committed(edit, article, "Cheap watches, click here.\n", other_user)
    assert mail.outbox == []


def test_running_the_send_task_twice_for_one_event_sends_one_email(article, user, moderator):
    toggle_watch(user=user, article=article)
    revision = edit(article, "A new paragraph.\n", moderator)
    tasks.send_revision_mails.delay(revision.pk)
    tasks.send_revision_mails.delay(revision.pk)
    assert len(mail.outbox) == 1
    assert Delivery.objects.count() == 1


def test_a_failed_send_is_retried_without_resending_what_went_out(
    article, user, other_user, moderator, monkeypatch
):
    from django.core.mail import EmailMessage

    toggle_watch(user=user, article=article)
    toggle_watch(user=other_user, article=article)
    revision = edit(article, "A new paragraph.\n", moderator)
    real_send = EmailMessage.send

    def fail_for_other(message, *args, **kwargs):
        if message.to == [other_user.email]:
            raise ConnectionRefusedError("mail server down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", fail_for_other)
    with pytest.raises(ConnectionRefusedError):
        send_revision_mails(revision_id=revision.pk)
    assert [m.to for m in mail.outbox] == [[user.email]]
    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert send_revision_mails(revision_id=revision.pk) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([user.email, other_user.email])


def test_a_reply_to_a_signed_in_users_comment_mails_them(
    article, user, moderator, committed, settings
):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0  # every signed-in user publishes at once
    parent = committed(post, article, "Where are the bees?", author=signed_in(user))
    assert mail.outbox == []
    reply = committed(post, article, "By the pond.", author=signed_in(moderator), parent=parent)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "By the pond." in message.body
    assert f"/comments/{reply.pk}/" in message.body
    assert links(message, "unsubscribe")


def test_replies_to_ones_own_comments_mail_nobody(article, user, committed, settings):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0
    parent = committed(post, article, "A question.", author=signed_in(user))
    committed(post, article, "Answering myself.", author=signed_in(user), parent=parent)
    assert mail.outbox == []


def test_a_pending_reply_mails_nobody_until_it_is_published(
    article, user, moderator, committed, settings
):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0
    parent = committed(post, article, "A question.", author=signed_in(user))
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 5
    reply = committed(post, article, "An answer.", author=anonymous(), parent=parent)
    assert reply.status == "pending"
    assert mail.outbox == []

    committed(moderation.approve, case=case_of(reply), moderator=moderator)
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_a_reply_marked_spam_mails_nobody(article, user, moderator, committed, settings):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0
    parent = committed(post, article, "A question.", author=signed_in(user))
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 5
    reply = committed(post, article, "Cheap watches.", author=anonymous(), parent=parent)
    committed(moderation.mark_spam, case=case_of(reply), moderator=moderator)
    tasks.send_comment_mails.delay(reply.pk)
    assert mail.outbox == []


def test_anonymous_subscribers_confirm_first_and_hear_nothing_until_they_do(
    article, moderator, committed, client
):
    comment = committed(post, article, "Lovely gardens.", author=anonymous())
    committed(subscribe_anonymous, comment=comment, email="robin.secret@example.test")
    assert mail.outbox == []  # the comment is not published yet

    committed(moderation.approve, case=case_of(comment), moderator=moderator)
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["robin.secret@example.test"]
    assert "confirm" in confirmation.subject.lower()
    [confirm_url] = links(confirmation, "confirm")

    committed(post, article, "Thank you!", author=signed_in(moderator), parent=comment)
    assert len(mail.outbox) == 1  # not confirmed: nothing more

    path = confirm_url.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200
    assert Subscription.objects.get().confirmed_at is None  # a GET changes nothing
    assert client.post(path).status_code == 200
    assert Subscription.objects.get().confirmed_at is not None

    committed(post, article, "And welcome.", author=signed_in(moderator), parent=comment)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["robin.secret@example.test"]
    assert "And welcome." in mail.outbox[1].body
    assert links(mail.outbox[1], "unsubscribe")


def test_a_subscription_on_a_comment_already_published_asks_at_once(article, moderator, committed):
    comment = committed(post, article, "Lovely gardens.", author=anonymous())
    committed(moderation.approve, case=case_of(comment), moderator=moderator)
    committed(subscribe_anonymous, comment=comment, email="robin@example.test")
    committed(subscribe_anonymous, comment=comment, email="robin@example.test")
    assert [m.to for m in mail.outbox] == [["robin@example.test"]]


def test_mails_never_hold_other_peoples_addresses_or_ips(
    article, user, moderator, committed, settings
):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0
    set_channels(user=user, channels={NoticeKind.WATCHED_COMMENT: Channel.BOTH})
    toggle_watch(user=user, article=article)
    parent = committed(post, article, "A question.", author=signed_in(user, ip="192.0.2.55"))
    anon = committed(
        post, article, "Mine.", author=anonymous(email="anon.private@example.test", ip="192.0.2.77")
    )
    committed(moderation.approve, case=case_of(anon), moderator=moderator)
    committed(subscribe_anonymous, comment=anon, email="anon.private@example.test")
    Subscription.objects.update(confirmed_at=timezone.now())
    committed(
        post, article, "Answer one.", author=signed_in(moderator, ip="192.0.2.99"), parent=parent
    )
    committed(
        post, article, "Answer two.", author=signed_in(moderator, ip="192.0.2.99"), parent=anon
    )
    committed(edit, article, "Changed.\n", moderator)

    # A confirmation, two replies, one revision, and two new comments for the watcher.
    assert len(mail.outbox) == 6
    addresses = {user.email, moderator.email, "anon.private@example.test"}
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        text = message.subject + message.body + str(message.extra_headers)
        for address in addresses - set(message.to):
            assert address not in text
        assert "192.0.2." not in text


def test_watching_toggles(article, user):
    assert toggle_watch(user=user, article=article) is True
    assert is_watching(user=user, article=article)
    assert toggle_watch(user=user, article=article) is False
    assert not Watch.objects.exists()
