"""Recent changes, Atom feeds, contributions, wanted articles and the A to Z index."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from comments.models import Comment
from moderation.states import Status
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.wiki.helpers import make_article
from wiki.models import Article, Revision
from wiki.services import archive_article, move_article, save_edit

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET_EMAIL = "very.private.commenter@hidden.example"
SECRET_USER_EMAIL = "private.editor@hidden.example"
SECRET_IP = "192.0.2.211"
SECRET_EDIT_IP = "198.51.100.237"


def published(comment):
    Comment.objects.filter(pk=comment.pk).update(status=Status.PUBLISHED)
    comment.refresh_from_db()
    return comment


def edit(article, text, *, user=None, summary="", is_minor=False, ip="203.0.113.7"):
    article.refresh_from_db()
    return save_edit(
        slug=article.slug,
        title=article.title,
        source=text,
        summary=summary,
        is_minor=is_minor,
        base_number=article.current_revision.number,
        contributor=contributor(user, ip=ip),
    ).revision


def feed_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text
    assert root.find(f"{ATOM}updated") is not None
    return root.findall(f"{ATOM}entry")


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


# Recent changes ------------------------------------------------------------------------


def test_recent_changes_lists_revisions_newest_first_with_links(client, user):
    article = make_article(title="Otters", texts=["one\n"], user=user)
    edit(article, "one\ntwo\n", user=user, summary="Added a line")
    body = client.get("/recent/").content.decode()
    assert body.index("Added a line") < body.index('<span class="badge">new</span>')
    assert "/wiki/otters/diff/1/2/" in body
    assert "/wiki/otters/history/" in body
    assert "+4" in body


def test_recent_changes_hides_minor_edits_and_shows_only_new_articles(client, user):
    article = make_article(title="Badgers", texts=["one\n"], user=user)
    edit(article, "one two\n", user=user, summary="Typo fixed", is_minor=True)
    edit(article, "one two three\n", user=user, summary="Real change")
    everything = client.get("/recent/").content.decode()
    assert "Typo fixed" in everything and "Real change" in everything

    no_minor = client.get("/recent/?hideminor=1").content.decode()
    assert "Typo fixed" not in no_minor and "Real change" in no_minor
    assert 'name="hideminor" value="1" checked' in no_minor

    only_new = client.get("/recent/?new=1").content.decode()
    assert "Typo fixed" not in only_new and "Real change" not in only_new
    assert '<span class="badge">new</span>' in only_new


def test_filter_form_has_labelled_checkboxes_and_keeps_the_tab(client):
    body = client.get("/recent/").content.decode()
    assert '<input type="hidden" name="tab" value="edits">' in body
    assert '<label><input type="checkbox" name="hideminor" value="1">' in body
    assert '<label><input type="checkbox" name="new" value="1">' in body


def test_pagination_keeps_the_filters(client, user, settings):
    settings.WIKI_LISTING_PAGE_SIZE = 2
    for n in range(3):
        make_article(title=f"Page {n}", user=user)
    body = client.get("/recent/?hideminor=1&new=1").content.decode()
    assert "?hideminor=1&amp;new=1&amp;page=2" in body


def test_seven_day_line_counts_edits_and_distinct_people(client, user, other_user):
    article = make_article(title="Herons", texts=["a\n", "b\n"], user=user)
    edit(article, "c\n", user=other_user)
    edit(article, "d\n")  # anonymous: one person per shown name
    edit(article, "e\n", ip="192.0.2.99")
    old = edit(article, "f\n", user=UserFactory())
    Revision.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    body = client.get("/recent/").content.decode()
    assert "5 edits by 3 people in the last 7 days." in body


def test_archived_articles_leave_recent_changes(client, user, moderator):
    article = make_article(title="Gone soon", user=user)
    post_and_publish = published(post(article, body="A remark on the gone one."))
    archive_article(article=article, moderator=contributor(moderator))
    assert "Gone soon" not in client.get("/recent/").content.decode()
    comments_tab = client.get("/recent/?tab=comments").content.decode()
    assert f"/comments/{post_and_publish.pk}/" not in comments_tab


def test_comments_tab_lists_published_comments_only_newest_first(client, user):
    article = make_article(title="Kingfishers", user=user)
    first = published(post(article, body="First **published** remark & more."))
    published(post(article, body="Second published remark."))
    post(article, body="Still waiting for moderation.")
    held = published(post(article, body="Flagged and held."))
    Comment.objects.filter(pk=held.pk).update(is_held=True)
    spam = post(article, body="Buy cheap things.")
    Comment.objects.filter(pk=spam.pk).update(status=Status.SPAM)

    body = client.get("/recent/?tab=comments").content.decode()
    assert 'aria-current="page">Comments' in body
    assert body.index("Second published remark.") < body.index("First published remark")
    assert "First published remark &amp; more." in body  # plain text, escaped
    assert "<strong>published</strong>" not in body
    assert f'href="/comments/{first.pk}/"' in body
    assert "/wiki/kingfishers/" in body
    assert "Robin" in body
    for hidden in ("Still waiting", "Flagged and held", "Buy cheap things"):
        assert hidden not in body


def test_comment_excerpts_are_truncated_and_markup_stays_text(client, user):
    article = make_article(title="Long talk", user=user)
    published(post(article, body="word " * 200 + "THE-END"))
    published(post(article, body="`<script>alert(1)</script>`"))
    body = client.get("/recent/?tab=comments").content.decode()
    assert "THE-END" not in body
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# Feeds ---------------------------------------------------------------------------------


def test_recent_feed_is_atom_with_titles_links_and_dates(client, user):
    article = make_article(title="Owls", texts=["one\n"], user=user)
    second = edit(article, "one\ntwo\n", user=user, summary="More owls")
    entries = feed_entries(client, "/feeds/recent/")
    assert len(entries) == 2
    newest, oldest = entries
    assert newest.find(f"{ATOM}title").text == "Owls — revision 2"
    assert newest.find(f"{ATOM}link").get("href").endswith("/wiki/owls/diff/1/2/")
    assert newest.find(f"{ATOM}summary").text == "More owls"
    assert newest.find(f"{ATOM}author/{ATOM}name").text == user.username
    assert parse_datetime(newest.find(f"{ATOM}updated").text) == second.created_at
    assert parse_datetime(newest.find(f"{ATOM}published").text) == second.created_at
    assert oldest.find(f"{ATOM}title").text == "Owls — revision 1"
    assert oldest.find(f"{ATOM}link").get("href").endswith("/wiki/owls/")
    ids = {entry.find(f"{ATOM}id").text for entry in entries}
    assert len(ids) == 2


def test_recent_feed_holds_at_most_fifty_entries(client, user):
    make_article(title="Busy", texts=[f"text {n}\n" for n in range(55)], user=user)
    assert len(feed_entries(client, "/feeds/recent/")) == 50


def test_article_feeds_hold_its_revisions_and_published_comments(client, user):
    article = make_article(title="Swifts", texts=["a\n", "b\n", "c\n"], user=user)
    make_article(title="Elsewhere", user=user)
    comment = published(post(article, body="Nice *swifts*."))
    post(article, body="Pending, not in the feed.")

    revisions = feed_entries(client, "/wiki/swifts/feed/")
    assert [e.find(f"{ATOM}title").text for e in revisions] == [
        "Swifts — revision 3",
        "Swifts — revision 2",
        "Swifts — revision 1",
    ]

    comments = feed_entries(client, "/wiki/swifts/comments/feed/")
    assert len(comments) == 1
    entry = comments[0]
    assert entry.find(f"{ATOM}title").text == "Comment by Robin on Swifts"
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/comments/{comment.pk}/")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == comment.html
    assert "<em>swifts</em>" in content.text


def test_feeds_of_missing_or_archived_articles_are_404(client, user, moderator):
    article = make_article(title="Dodo", user=user)
    archive_article(article=article, moderator=contributor(moderator))
    for url in ("/wiki/dodo/feed/", "/wiki/dodo/comments/feed/", "/wiki/nothing/feed/"):
        assert client.get(url).status_code == 404


def test_pages_link_to_their_feeds(client, user):
    make_article(title="Linked", user=user)
    home = client.get("/recent/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in home
    assert 'href="/feeds/recent/"' in home
    page = client.get("/wiki/linked/").content.decode()
    assert 'href="/wiki/linked/feed/"' in page
    assert 'href="/wiki/linked/comments/feed/"' in page


def test_no_email_or_ip_on_any_page_or_feed(client, moderator):
    editor = UserFactory(username="editor", email=SECRET_USER_EMAIL)
    article = make_article(title="Private things", user=editor)
    edit(article, "anonymous edit\n", ip=SECRET_EDIT_IP, summary="anon")
    edit(article, "signed edit\n", user=editor, ip=SECRET_EDIT_IP)
    published(post(article, author=anonymous(email=SECRET_EMAIL, ip=SECRET_IP)))
    published(post(article, author=signed_in(editor, ip=SECRET_IP)))
    edit(article, "see [[Missing page]]\n", user=editor, ip=SECRET_EDIT_IP)
    urls = [
        "/recent/",
        "/recent/?tab=comments",
        "/recent/?hideminor=1&new=1",
        "/feeds/recent/",
        "/wiki/private-things/feed/",
        "/wiki/private-things/comments/feed/",
        "/users/editor/",
        "/users/editor/?tab=comments",
        "/wanted/",
        "/articles/",
    ]
    for signed in (False, True):
        if signed:
            client.force_login(moderator)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            for secret in (SECRET_EMAIL, SECRET_USER_EMAIL, SECRET_IP, SECRET_EDIT_IP):
                assert secret not in body, (url, secret)
            assert "<email>" not in body, url


# Contributions -------------------------------------------------------------------------


def test_contributions_show_counts_and_both_tabs(client, user, other_user):
    article = make_article(title="Moths", texts=["a\n", "b\n"], user=user)
    edit(article, "c\n", user=other_user, summary="not theirs")
    published(post(article, body="My moth remark.", author=signed_in(user)))
    published(post(article, body="Another moth remark.", author=signed_in(user)))
    post(article, body="Not yet published moth remark.", author=signed_in(user))
    published(post(article, body="Someone else's remark.", author=signed_in(other_user)))

    edits = client.get(f"/users/{user.username}/").content.decode()
    assert "2 edits, 2 comments" in edits
    assert 'aria-current="page">Edits (2)' in edits
    assert "not theirs" not in edits
    assert "My moth remark" not in edits

    comments = client.get(f"/users/{user.username}/?tab=comments").content.decode()
    assert "2 edits, 2 comments" in comments
    assert 'aria-current="page">Comments (2)' in comments
    assert "My moth remark." in comments and "Another moth remark." in comments
    assert "Not yet published" not in comments and "Someone else" not in comments


def test_contribution_tabs_paginate_separately(client, user, settings):
    settings.WIKI_LISTING_PAGE_SIZE = 2
    article = make_article(title="Many", texts=[f"{n}\n" for n in range(5)], user=user)
    for n in range(3):
        published(post(article, body=f"Remark {n}.", author=signed_in(user)))
    edits = client.get(f"/users/{user.username}/").content.decode()
    assert "Page 1 of 3" in edits
    comments = client.get(f"/users/{user.username}/?tab=comments&page=2").content.decode()
    assert "Page 2 of 2" in comments
    assert "?tab=comments&amp;page=1" in comments
    assert "Remark 0." in comments


def test_contributions_of_an_unknown_user_are_404(client):
    assert client.get("/users/nobody-here/").status_code == 404


# Wanted articles -----------------------------------------------------------------------


def wanted(client):
    return client.get("/wanted/").content.decode()


def test_wanted_articles_are_counted_and_ordered(client, user):
    make_article(title="One", texts=["[[Zebra]] [[Apple]]\n"], user=user)
    make_article(title="Two", texts=["[[Zebra]] [[Existing]]\n"], user=user)
    make_article(title="Existing", user=user)
    rows = list(Article.objects.wanted())
    assert rows == [{"target_slug": "zebra", "links": 2}, {"target_slug": "apple", "links": 1}]
    body = wanted(client)
    assert body.index("/wiki/zebra/edit/") < body.index("/wiki/apple/edit/")
    assert 'href="/wiki/zebra/links/">2 articles link here' in body
    assert 'href="/wiki/apple/links/">1 article links here' in body
    assert "/wiki/existing/edit/" not in body


def test_wanted_follows_edits_and_creation(client, user):
    source = make_article(title="Source", texts=["[[Heron]] and [[Egret]]\n"], user=user)
    assert {row["target_slug"] for row in Article.objects.wanted()} == {"heron", "egret"}
    edit(source, "only [[Heron]] now\n", user=user)
    assert {row["target_slug"] for row in Article.objects.wanted()} == {"heron"}
    make_article(title="Heron", user=user)
    assert list(Article.objects.wanted()) == []
    assert "/wiki/heron/edit/" not in wanted(client)


def test_links_to_a_moved_articles_old_slug_are_not_wanted(client, user):
    make_article(title="Linker", texts=["[[Old name]]\n"], user=user)
    target = make_article(title="Old name", user=user)
    move_article(article=target, new_title="New name", contributor=contributor(user))
    slugs = {row["target_slug"] for row in Article.objects.wanted()}
    assert "old-name" not in slugs
    assert "/wiki/old-name/edit/" not in wanted(client)


def test_links_to_an_archived_article_are_wanted_again(client, user, moderator):
    make_article(title="Pointer", texts=["[[Archived one]]\n"], user=user)
    target = make_article(title="Archived one", user=user)
    assert list(Article.objects.wanted()) == []
    archive_article(article=target, moderator=contributor(moderator))
    assert list(Article.objects.wanted()) == [{"target_slug": "archived-one", "links": 1}]
    assert "/wiki/archived-one/edit/" in wanted(client)


def test_links_from_archived_articles_do_not_count(client, user, moderator):
    source = make_article(title="Archived source", texts=["[[Nowhere]]\n"], user=user)
    archive_article(article=source, moderator=contributor(moderator))
    assert list(Article.objects.wanted()) == []
    assert "No wanted articles" in wanted(client)


# The A to Z index ----------------------------------------------------------------------


def test_index_lists_live_articles_a_to_z_under_letters(client, user, moderator):
    for title in ("banana", "Apple", "Avocado", "Cherry", "42 things"):
        make_article(title=title, user=user)
    gone = make_article(title="Blueberry", user=user)
    archive_article(article=gone, moderator=contributor(moderator))
    body = client.get("/articles/").content.decode()
    positions = [body.index(f">{title}<") for title in ("42 things", "Apple", "Avocado")]
    positions += [body.index(f">{title}<") for title in ("banana", "Cherry")]
    assert positions == sorted(positions)
    assert "Blueberry" not in body
    headings = [body.index(f">{letter}</h2>") for letter in ("#", "A", "B", "C")]
    assert headings == sorted(headings)
    assert body.count("</h2>") == 4
    assert "5 articles, A to Z." in body


def test_index_paginates_by_one_hundred(client, user):
    for n in range(101):
        Article.objects.create(slug=f"a-{n:03}", title=f"A {n:03}")
    body = client.get("/articles/").content.decode()
    assert "Page 1 of 2" in body
    assert ">A 099<" in body and ">A 100<" not in body


def test_nav_links_to_index_and_wanted(client):
    body = client.get("/recent/").content.decode()
    assert 'href="/articles/">All articles</a>' in body
    assert 'href="/wanted/">Wanted</a>' in body


# Query budgets -------------------------------------------------------------------------


def seed(first, last, user):
    """Articles `first` to `last - 1`, each with two revisions, a red link and two published
    comments, plus one more comment on article 0 for its feed."""
    for n in range(first, last):
        article = make_article(
            title=f"Seeded {n}", texts=[f"[[Missing {n}]]\n", f"[[Missing {n}]] more\n"], user=user
        )
        published(post(article, body=f"Remark {n}.", author=signed_in(user)))
        published(post(article, body=f"Anonymous remark {n}."))
        published(post(Article.objects.get(slug="seeded-0"), body=f"More on zero {n}."))


BUDGET_PAGES = [
    "/recent/",
    "/recent/?tab=comments",
    "/recent/?hideminor=1&new=1",
    "/users/budget/",
    "/users/budget/?tab=comments",
    "/wanted/",
    "/articles/",
    "/feeds/recent/",
    "/wiki/seeded-0/feed/",
    "/wiki/seeded-0/comments/feed/",
]


@pytest.mark.parametrize("signed_in_as_moderator", [False, True])
@pytest.mark.parametrize("url", BUDGET_PAGES)
def test_queries_do_not_grow_with_rows(client, url, moderator, signed_in_as_moderator):
    user = UserFactory(username="budget")
    if signed_in_as_moderator:
        client.force_login(moderator)
    seed(0, 3, user)
    few = queries_for(client, url)
    seed(3, 30, user)
    many = queries_for(client, url)
    assert few == many, url
    # Signed in, the session, the user, their groups, the moderation count and the bell
    # (unread notices) come on top.
    # A user's page shows their trust level (moderation.trust.standings: roles with a level
    # set by hand, then accepted edits and comments); a moderator also sees who set it, and
    # whether the account is blocked.
    trust = 3 + signed_in_as_moderator if url.startswith("/users/") else 0
    block_status = signed_in_as_moderator and url.startswith("/users/")
    assert many <= (9 if signed_in_as_moderator else 4) + trust + block_status, url
