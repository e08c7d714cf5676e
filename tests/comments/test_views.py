import re

import pytest
from django.test import Client

from comments.models import Comment
from moderation.states import Status
from tests.comments.helpers import post, signed_in
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(user):
    return make_article(title="Gardens", user=user)


def submission_key(response):
    return re.search(rb'name="submission_key" value="([^"]+)"', response.content).group(1).decode()


def test_the_article_page_shows_the_count_threads_and_replies(client, article, moderator):
    first = post(article, "First **thoughts**", author=signed_in(moderator))
    post(article, "A reply", author=signed_in(moderator), parent=first)
    body = client.get("/wiki/gardens/").content.decode()
    assert "2 comments" in body
    assert f'id="comment-{first.pk}"' in body
    assert "<strong>thoughts</strong>" in body
    assert body.count('class="comment-list"') == 2
    assert f"?reply={first.pk}#comment-form" in body


def test_anonymous_comment_is_held_visible_to_its_author_and_remembered(client, article):
    page = client.get("/wiki/gardens/")
    response = client.post(
        "/wiki/gardens/comments/",
        {
            "body": "Hello there",
            "name": "Robin",
            "email": "robin@example.test",
            "website": "robin.example.test",
            "submission_key": submission_key(page),
        },
    )
    comment = Comment.objects.comments().get()
    assert response["Location"] == f"/comments/{comment.pk}/"
    assert comment.status == Status.PENDING
    assert comment.author_url == "https://robin.example.test"
    mine = client.get("/wiki/gardens/").content.decode()
    assert "Hello there" in mine and "awaiting moderation" in mine
    assert 'value="Robin"' in mine and 'value="robin@example.test"' in mine
    from django.test import Client

    assert b"Hello there" not in Client().get("/wiki/gardens/").content


def heading(body: str) -> str:
    found = re.search(r'<h2 id="discussion-heading">(.*?)</h2>', body, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def post_anonymously(client, body: str) -> None:
    page = client.get("/wiki/gardens/")
    form = {"body": body, "name": "Robin", "email": "robin@example.test"}
    client.post("/wiki/gardens/comments/", {**form, "submission_key": submission_key(page)})


def test_the_heading_counts_the_readers_own_held_comment_as_awaiting_moderation(client, article):
    post_anonymously(client, "Hello there")
    assert heading(client.get("/wiki/gardens/").content.decode()) == (
        "1 comment awaiting moderation"
    )
    assert heading(Client().get("/wiki/gardens/").content.decode()) == "0 comments"


def test_the_heading_counts_published_and_own_held_comments_together(
    client, article, user, moderator
):
    for text in ("One", "Two"):
        post(article, text, author=signed_in(moderator))
    post(article, "Someone else's, held")
    post_anonymously(client, "Mine, held")
    assert heading(client.get("/wiki/gardens/").content.decode()) == (
        "3 comments, 1 awaiting moderation"
    )
    author = Client()  # a signed-in author with a held comment sees it counted too
    author.force_login(user)
    post(article, "Held too", author=signed_in(user))
    assert heading(author.get("/wiki/gardens/").content.decode()) == (
        "3 comments, 1 awaiting moderation"
    )


def test_signed_in_users_reply_as_themselves(client, article, user, moderator):
    first = post(article, "Question?", author=signed_in(moderator))
    client.force_login(user)
    form = client.get(f"/wiki/gardens/?reply={first.pk}")
    assert b"Reply to" in form.content
    assert b'name="email"' not in form.content
    client.post(
        "/wiki/gardens/comments/",
        {"body": "Answer.", "parent": first.pk, "submission_key": submission_key(form)},
    )
    reply = Comment.objects.get(body="Answer.")
    assert reply.parent_id == first.pk and reply.author == user


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "", "name": "R", "email": "r@example.test"}, "Please write something"),
        ({"body": "Keep me", "name": "", "email": "r@example.test"}, "Please give a name"),
        ({"body": "Keep me", "name": "R", "email": ""}, "Please give an e-mail"),
        ({"body": "Keep me", "name": "R", "email": "not-an-email"}, "valid email"),
        ({"body": "Keep me", "name": "R", "email": "r@example.test", "website": "ht!tp:"}, "URL"),
        ({"body": "x" * 10_001, "name": "R", "email": "r@example.test"}, "at most 10,000"),
    ],
)
def test_bad_comments_get_a_message_and_keep_the_text(client, article, data, message):
    response = client.post("/wiki/gardens/comments/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    if data["body"] == "Keep me":
        assert "Keep me</textarea>" in body
    assert not Comment.objects.comments().exists()


def test_a_reply_to_a_comment_of_another_article_gets_a_message(client, article, moderator):
    other = make_article(title="Elsewhere")
    foreign = post(other, "there", author=signed_in(moderator))
    response = client.post(
        "/wiki/gardens/comments/",
        {"body": "Keep me", "name": "R", "email": "r@example.test", "parent": foreign.pk},
    )
    assert response.status_code == 400
    assert b"not in this discussion" in response.content
    assert b"Keep me</textarea>" in response.content


def test_double_submit_makes_one_comment(client, article):
    key = submission_key(client.get("/wiki/gardens/"))
    data = {"body": "Once", "name": "R", "email": "r@example.test", "submission_key": key}
    client.post("/wiki/gardens/comments/", data)
    client.post("/wiki/gardens/comments/", data)
    assert Comment.objects.comments().count() == 1


def test_comments_on_a_locked_article_are_refused_with_a_message(client, article, moderator):
    client.force_login(moderator)
    client.post("/wiki/gardens/lock/", {"locked": "1"})
    response = client.post("/wiki/gardens/comments/", {"body": "Keep me"})
    assert response.status_code == 400
    assert b"locked" in response.content


def test_a_comment_on_an_older_revision_links_to_the_diff(client, article, moderator, user):
    post(article, "About version one", author=signed_in(moderator))
    from tests.conftest import contributor
    from wiki.services import save_edit

    save_edit(
        slug="gardens",
        title="Gardens",
        source="Newer text\n",
        base_number=1,
        contributor=contributor(user),
    )
    body = client.get("/wiki/gardens/").content.decode()
    assert "on revision 1" in body
    assert "/wiki/gardens/diff/1/2/" in body


def test_the_permalink_leads_to_the_comment_on_its_page(client, article, moderator, settings):
    settings.COMMENTS_PER_PAGE = 2
    author = signed_in(moderator)
    comments = [post(article, f"thread {i}", author=author) for i in range(3)]
    reply = post(article, "reply", author=author, parent=comments[2])
    assert client.get(f"/comments/{comments[0].pk}/")["Location"] == (
        f"/wiki/gardens/#comment-{comments[0].pk}"
    )
    assert client.get(f"/comments/{reply.pk}/")["Location"] == (
        f"/wiki/gardens/?page=2#comment-{reply.pk}"
    )
    page_two = client.get("/wiki/gardens/?page=2").content.decode()
    assert "thread 2" in page_two and "reply" in page_two and "thread 0" not in page_two


def test_authors_edit_and_remove_their_comments(client, article, user, other_user):
    comment = post(article, "Typo heer", author=signed_in(user))
    Comment.objects.filter(pk=comment.pk).update(status=Status.PUBLISHED)
    client.force_login(other_user)
    assert client.get(f"/comments/{comment.pk}/edit/").status_code == 403
    assert client.post(f"/comments/{comment.pk}/remove/").status_code == 403
    client.force_login(user)
    client.post(f"/comments/{comment.pk}/edit/", {"body": "Typo here"})
    page = client.get("/wiki/gardens/").content.decode()
    assert "Typo here" in page and "edited" in page
    client.post(f"/comments/{comment.pk}/remove/")
    page = client.get("/wiki/gardens/").content.decode()
    assert "[removed]" in page and "Typo here" not in page


def test_a_removed_comment_keeps_its_replies_in_place(client, article, moderator):
    author = signed_in(moderator)
    parent = post(article, "Parent text", author=author)
    post(article, "Child text", author=author, parent=parent)
    client.force_login(moderator)
    client.post(f"/comments/{parent.pk}/remove/")
    client.logout()
    page = client.get("/wiki/gardens/").content.decode()
    assert "[removed]" in page and "Parent text" not in page
    assert page.index("[removed]") < page.index("Child text")


def test_avatars_are_local_svg_and_stable(client, article, moderator):
    post(article, "hi", author=signed_in(moderator))
    post(article, "hi again", author=signed_in(moderator))
    page = client.get(article.get_absolute_url()).content.decode()
    avatars = re.findall(r'<img class="avatar" src="(/avatars/[0-9a-f]{32}\.svg)"', page)
    assert len(avatars) == 2
    assert avatars[0] == avatars[1]
    response = client.get(avatars[0])
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert b"example.test" not in response.content
