"""@mentions tell the people named, once, when what names them is published."""

import pytest
from django.core import mail

from comments.services import edit_comment
from moderation import services as moderation
from notifications.mentions import send_mentions
from notifications.models import Channel, Delivery, Notice, NoticeKind, Preference
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.moderation.queue_helpers import case_of
from tests.wiki.helpers import make_article
from wiki.services import save_edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


def mentions_of(person):
    return list(Notice.objects.filter(recipient=person, kind=NoticeKind.MENTION))


def test_a_published_comment_tells_the_person_it_mentions_in_the_site_and_by_mail(
    article, moderator, carol, committed
):
    comment = committed(post, article, "Ask @carol about the bees.", author=signed_in(moderator))

    [notice] = mentions_of(carol)
    assert notice.text == "mod mentioned you in a comment on “Gardens”"
    assert notice.url == f"/comments/{comment.pk}/"
    assert notice.key == f"mention:comment:{comment.pk}"
    [message] = mail.outbox
    assert message.to == [carol.email]
    assert "Ask @carol about the bees." in message.body
    assert f"/comments/{comment.pk}/" in message.body
    assert "/notifications/unsubscribe/" in message.body
    assert Delivery.objects.get(key=f"mention:comment:{comment.pk}:user:{carol.pk}").sent_at


def test_editing_keeps_one_notice_and_a_newly_added_name_tells_only_that_person(
    article, moderator, carol, committed
):
    comment = committed(post, article, "Ask @carol.", author=signed_in(moderator))
    dave = UserFactory(username="dave")
    committed(edit_comment, comment=comment, body="Ask @carol, or @dave.", editor=moderator)
    committed(edit_comment, comment=comment, body="Ask @carol and @dave!", editor=moderator)

    assert len(mentions_of(carol)) == 1
    assert len(mentions_of(dave)) == 1
    assert sorted(message.to[0] for message in mail.outbox) == [carol.email, dave.email]


def test_nobody_hears_of_their_own_mention_or_of_unknown_names_or_code(
    article, moderator, carol, committed
):
    committed(post, article, "Me, @mod, and @nobody, and `@carol`.", author=signed_in(moderator))
    assert Notice.objects.filter(kind=NoticeKind.MENTION).count() == 0
    assert mail.outbox == []


def test_held_comments_tell_nobody_until_accepted(article, moderator, carol, committed):
    comment = committed(post, article, "Hello @carol", author=anonymous())
    assert mentions_of(carol) == [] and mail.outbox == []

    committed(moderation.approve, case=case_of(comment), moderator=moderator)
    assert len(mentions_of(carol)) == 1
    assert len(mail.outbox) == 1


def test_each_person_hears_by_the_channel_they_chose_and_mail_needs_a_verified_address(
    article, moderator, committed
):
    site_only = UserFactory(username="siteonly")
    Preference.objects.create(user=site_only, mention=Channel.SITE)
    mail_only = UserFactory(username="mailonly")
    Preference.objects.create(user=mail_only, mention=Channel.EMAIL)
    unverified = UserFactory(username="unverified", verified=False)
    committed(
        post,
        article,
        "@siteonly @mailonly @unverified",
        author=signed_in(moderator),
    )
    assert [notice.recipient for notice in Notice.objects.order_by("recipient__username")] == [
        site_only,
        unverified,
    ]
    assert [message.to for message in mail.outbox] == [[mail_only.email]]


def test_running_the_task_again_tells_nobody_twice(article, moderator, carol, committed):
    comment = committed(post, article, "@carol look", author=signed_in(moderator))
    assert send_mentions(kind="comment", object_id=comment.pk) == 0
    assert len(mentions_of(carol)) == 1 and len(mail.outbox) == 1


def edit(article, text, who, summary):
    article.refresh_from_db()
    return save_edit(
        slug=article.slug,
        title=article.title,
        source=text,
        summary=summary,
        base_number=article.current_revision.number,
        contributor=contributor(who),
    ).revision


def test_an_edit_summary_links_and_tells_the_people_it_mentions(
    article, moderator, carol, client, committed
):
    revision = committed(edit, article, "Bees.\n", moderator, "As @carol asked, <b>bees</b>")

    assert revision.summary_html == (
        'As <a class="mention" href="/users/carol/">@carol</a> asked, &lt;b&gt;bees&lt;/b&gt;'
    )
    [notice] = mentions_of(carol)
    assert notice.url == f"/wiki/gardens/diff/1/{revision.number}/"
    assert "summary of an edit of “Gardens”" in notice.text
    for page in ("/wiki/gardens/history/", "/recent/", f"/users/{moderator.username}/"):
        html = client.get(page).content.decode()
        assert '<a class="mention" href="/users/carol/">@carol</a>' in html, page
        assert "&lt;b&gt;bees&lt;/b&gt;" in html, page


def test_an_untrusted_edit_summary_tells_only_once_accepted(
    article, moderator, user, carol, committed
):
    revision = committed(edit, article, "Bees.\n", user, "for @carol")
    assert mentions_of(carol) == []
    committed(moderation.approve, case=case_of(revision), moderator=moderator)
    assert len(mentions_of(carol)) == 1
