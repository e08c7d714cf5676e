"""Notices in the site: who gets one, once per event, by the channels they chose; the bell,
the notifications page, marking read, and the preferences page."""

import pytest
from django.core import mail

from moderation import services as moderation
from moderation.akismet import Verdict
from notifications import tasks
from notifications.models import Channel, Notice, NoticeKind, Preference
from notifications.notices import set_channels, unread_count
from notifications.watching import toggle_watch
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.moderation.queue_helpers import akismet_verdict, case_of
from tests.wiki.helpers import make_article
from wiki.services import save_edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


@pytest.fixture
def trusting(settings):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0  # every signed-in user publishes at once


def edit(article, text, who):
    article.refresh_from_db()
    return save_edit(
        slug=article.slug,
        title=article.title,
        source=text,
        base_number=article.current_revision.number,
        contributor=contributor(who),
    ).revision


def texts(user, kind=None):
    notices = Notice.objects.filter(recipient=user).order_by("pk")
    if kind:
        notices = notices.filter(kind=kind)
    return list(notices.values_list("text", flat=True))


def test_a_reply_tells_the_author_once_even_when_the_task_runs_again(
    article, user, moderator, committed, trusting
):
    parent = committed(post, article, "Where are the bees?", author=signed_in(user))
    reply = committed(post, article, "By the pond.", author=signed_in(moderator), parent=parent)
    tasks.send_comment_mails.delay(reply.pk)  # a retried task
    tasks.send_comment_mails.delay(reply.pk)

    assert texts(user) == ["mod replied to your comment on “Gardens”"]
    notice = Notice.objects.get(recipient=user)
    assert notice.kind == NoticeKind.REPLY and notice.actor_name == "mod"
    assert notice.url == f"/comments/{reply.pk}/"
    assert len(mail.outbox) == 1 and unread_count(user) == 1
    assert texts(moderator) == []


def test_watchers_hear_of_edits_and_new_comments_but_not_of_their_own(
    article, user, other_user, moderator, committed, trusting
):
    toggle_watch(user=user, article=article)
    toggle_watch(user=other_user, article=article)
    committed(edit, article, "Shared gardens, with bees.\n", moderator)
    parent = committed(post, article, "Bees!", author=signed_in(user))
    committed(post, article, "Indeed.", author=signed_in(other_user), parent=parent)

    assert texts(user, NoticeKind.WATCHED_EDIT) == ["mod edited “Gardens”"]
    # Whoever is answered hears of it as a reply, not as a new comment too.
    assert texts(user, NoticeKind.WATCHED_COMMENT) == []
    assert texts(user, NoticeKind.REPLY) == [
        f"{other_user.username} replied to your comment on “Gardens”"
    ]
    assert texts(other_user, NoticeKind.WATCHED_COMMENT) == [
        f"{user.username} commented on “Gardens”"
    ]
    assert texts(moderator) == []


def test_a_person_who_wants_it_in_the_site_only_gets_no_mail(
    article, user, moderator, committed, trusting
):
    set_channels(user=user, channels={kind: Channel.SITE for kind in NoticeKind.values})
    toggle_watch(user=user, article=article)
    parent = committed(post, article, "A question.", author=signed_in(user))
    committed(post, article, "An answer.", author=signed_in(moderator), parent=parent)
    committed(edit, article, "Changed.\n", moderator)
    assert len(texts(user)) == 2
    assert mail.outbox == []


def test_who_chose_nothing_gets_mail_for_what_answers_them_and_the_rest_in_the_site(
    article, user, moderator, committed, trusting
):
    toggle_watch(user=user, article=article)
    parent = committed(post, article, "A question.", author=signed_in(user))
    committed(moderation.remove, content=parent, by=moderator, reason="Off topic")
    committed(moderation.restore, content=parent, by=moderator, reason="On topic after all")
    committed(post, article, "An answer.", author=signed_in(moderator), parent=parent)
    committed(post, article, "Something else.", author=signed_in(moderator))
    committed(edit, article, "Changed.\n", moderator)
    kinds = sorted(Notice.objects.filter(recipient=user).values_list("kind", flat=True))
    assert kinds == sorted(
        [NoticeKind.MODERATION] * 2
        + [NoticeKind.REPLY, NoticeKind.WATCHED_COMMENT, NoticeKind.WATCHED_EDIT]
    )
    # Mailed: the reply and the edit; the decisions and the other comment stay in the site.
    assert len(mail.outbox) == 2
    assert {"replied" in m.subject or "edited" in m.subject for m in mail.outbox} == {True}


def test_a_person_who_wants_mail_only_gets_no_notice(article, user, moderator, committed, trusting):
    set_channels(user=user, channels={NoticeKind.WATCHED_EDIT: Channel.EMAIL})
    toggle_watch(user=user, article=article)
    committed(edit, article, "Changed.\n", moderator)
    assert texts(user) == []
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_nothing_at_all_means_neither(article, user, moderator, committed):
    set_channels(user=user, channels={NoticeKind.WATCHED_EDIT: Channel.NONE})
    toggle_watch(user=user, article=article)
    committed(edit, article, "Changed.\n", moderator)
    assert texts(user) == [] and mail.outbox == []


def test_mail_goes_only_to_verified_addresses(article, moderator, committed, trusting):
    unverified = UserFactory(verified=False)
    verified = UserFactory()
    for person in (unverified, verified):
        toggle_watch(user=person, article=article)
    parent = committed(post, article, "A question.", author=signed_in(unverified))
    committed(post, article, "An answer.", author=signed_in(moderator), parent=parent)
    committed(edit, article, "Changed.\n", moderator)

    assert {m.to[0] for m in mail.outbox} == {verified.email}
    # The unverified person still hears of it in the site.
    assert len(texts(unverified)) == 2


def test_new_comment_mails_stop_with_their_own_link(
    article, user, moderator, committed, client, trusting
):
    set_channels(user=user, channels={NoticeKind.WATCHED_COMMENT: Channel.BOTH})
    toggle_watch(user=user, article=article)
    committed(post, article, "First.", author=signed_in(moderator))
    [message] = mail.outbox
    assert "mod commented" in message.subject
    [link] = [word for word in message.body.split() if "/notifications/unsubscribe/" in word]
    assert client.post(link.removeprefix("http://127.0.0.1:8000")).status_code == 200
    channel = Preference.objects.get(user=user).channel(NoticeKind.WATCHED_COMMENT)
    assert channel == Channel.SITE
    committed(post, article, "Second.", author=signed_in(moderator))
    assert len(mail.outbox) == 1 and len(texts(user)) == 2


def test_the_spam_check_tells_a_signed_in_author_published_or_held(
    akismet_fake, article, user, committed
):
    set_channels(user=user, channels={NoticeKind.MODERATION: Channel.BOTH})
    committed(post, article, "A kind word.", author=signed_in(user))
    committed(post, article, "akismet-guaranteed-spam here", author=signed_in(user))
    assert texts(user) == [
        "Your comment on “Gardens” passed the spam check and is published.",
        "Your comment on “Gardens” is held for review by a moderator.",
    ]
    assert {m.subject for m in mail.outbox} == {
        "Your comment on “Gardens” passed the spam check and is published",
        "Your comment on “Gardens” is held for review by a moderator",
    }


def test_a_moderators_decision_tells_the_author_with_the_reason(
    article, user, moderator, committed
):
    comment = committed(post, article, "Buy now.", author=signed_in(user))
    committed(moderation.mark_spam, case=case_of(comment), moderator=moderator, reason="Adverts")
    committed(moderation.remove, content=comment, by=moderator, reason="Off topic")
    committed(moderation.restore, content=comment, by=moderator)
    assert texts(user, NoticeKind.MODERATION) == [
        "A moderator marked your comment on “Gardens” as spam. Reason: Adverts",
        "A moderator removed your comment on “Gardens”. Reason: Off topic",
        "A moderator restored your comment on “Gardens”.",
    ]
    assert all(n.url == f"/comments/{comment.pk}/" for n in Notice.objects.all())


def test_an_approval_tells_the_author_and_their_own_moves_tell_nobody(
    article, user, moderator, committed
):
    comment = committed(post, article, "Hello all.", author=signed_in(user))
    committed(moderation.approve, case=case_of(comment), moderator=moderator)
    committed(moderation.remove, content=comment, by=user)
    assert texts(user) == ["A moderator approved your comment on “Gardens”: it is published."]


def test_verdicts_on_anonymous_content_and_trusted_edits_tell_nobody(
    article, user, moderator, committed, trusting
):
    comment = committed(post, article, "Cheap watches.", author=anonymous())
    committed(akismet_verdict, comment, Verdict.SPAM)
    committed(edit, article, "A trusted change.\n", user)
    assert Notice.objects.count() == 0
    assert mail.outbox == []


def test_moderation_mails_stop_with_their_own_link(article, user, moderator, committed, client):
    set_channels(user=user, channels={NoticeKind.MODERATION: Channel.BOTH})
    comment = committed(post, article, "Hello all.", author=signed_in(user))
    committed(moderation.approve, case=case_of(comment), moderator=moderator)
    [message] = mail.outbox
    [link] = [word for word in message.body.split() if "/notifications/unsubscribe/" in word]
    path = link.removeprefix("http://127.0.0.1:8000")
    assert "decisions on what I wrote" in client.get(path).content.decode()
    client.post(path)
    assert Preference.objects.get(user=user).channel(NoticeKind.MODERATION) == Channel.SITE
