"""E-mail addresses and IPs never reach a page anyone but a moderator can see."""

import re

import pytest
from django.test import Client

from comments.avatars import avatar_key
from comments.models import Comment
from moderation.states import Status
from tests.comments.helpers import anonymous, post, signed_in
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "do-not-publish-7f3a@secret.example"
SECRET_IP = "192.0.2.77"


def public_urls(article, comment, user):
    return [
        "/",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}history/",
        f"{article.get_absolute_url()}revisions/1/",
        f"{article.get_absolute_url()}links/",
        f"/comments/{comment.pk}/",
        "/recent/",
        "/search/?q=Gardens",
        f"/users/{user.username}/",
        f"/avatars/{avatar_key(user_id=None, comment_id=comment.pk)}.svg",
    ]


def test_no_public_page_shows_an_email_or_ip(user, moderator):
    article = make_article(title="Gardens", user=user)
    comment = post(article, "Visible words", author=anonymous(email=SECRET_EMAIL, ip=SECRET_IP))
    Comment.objects.filter(pk=comment.pk).update(status=Status.PUBLISHED)
    post(article, "Signed in", author=signed_in(user, ip=SECRET_IP))
    user.email = SECRET_EMAIL
    user.save()
    for client in (Client(), _signed_in_client(user)):
        for url in public_urls(article, comment, user):
            response = client.get(url, follow=True)
            content = response.content.decode()
            assert SECRET_EMAIL not in content, url
            assert SECRET_IP not in content, url
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Visible words" in page


def _signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def avatars_on(page: str) -> dict[int, str]:
    """Each comment's id and the avatar address its header shows."""
    return {
        int(pk): src
        for pk, src in re.findall(
            r'id="comment-(\d+)".*?<img class="avatar" src="([^"]+)"', page, re.S
        )
    }


def test_a_guessed_email_does_not_reproduce_another_comments_avatar(user):
    article = make_article(title="Gardens", user=user)
    victim = post(article, "Mine", author=anonymous(name="Robin", email=SECRET_EMAIL))
    guess = post(article, "Guess", author=anonymous(name="Robin", email=SECRET_EMAIL))
    other = post(article, "Other", author=anonymous(name="Robin", email="other@else.example"))
    Comment.objects.filter(pk__in=[victim.pk, guess.pk, other.pk]).update(status=Status.PUBLISHED)
    avatars = avatars_on(Client().get(article.get_absolute_url()).content.decode())
    assert set(avatars) == {victim.pk, guess.pk, other.pk}
    assert len(set(avatars.values())) == 3


def test_nothing_in_a_comment_varies_with_its_email(user):
    """Two comments alike but for the e-mail render alike but for their own id."""
    article = make_article(title="Gardens", user=user)
    first = post(article, "Same", author=anonymous(name="Robin", email=SECRET_EMAIL))
    second = post(article, "Same", author=anonymous(name="Robin", email="other@else.example"))
    Comment.objects.filter(pk__in=[first.pk, second.pk]).update(status=Status.PUBLISHED)
    page = Client().get(article.get_absolute_url()).content.decode()

    def block(comment) -> str:
        html = re.search(rf'<article[^>]*id="comment-{comment.pk}".*?</article>', page, re.S)
        own_avatar = avatar_key(user_id=None, comment_id=comment.pk)
        html = html.group(0).replace(own_avatar, "KEY")
        html = re.sub(r"<time[^>]*>.*?</time>", "", html)
        return re.sub(rf"\b{comment.pk}\b", "PK", html)

    assert block(first) == block(second)
