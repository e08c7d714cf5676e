"""E-mail addresses and IPs never reach a page anyone but a moderator can see."""

import pytest
from django.test import Client

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
        f"/avatars/{comment.avatar_key}.svg",
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
