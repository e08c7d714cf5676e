"""One policy for content no check has accepted: an untrusted edit is live at once,
"live, awaiting review", and kept out of search indexes until a moderator or Akismet
accepts it; an untrusted comment is held. The editor's message, the article page and the
queue say the same thing, and no shared copy or ETag keeps a stale robots tag."""

import re

import pytest
from django.test import Client

from comments.models import Comment
from moderation import services as moderation
from moderation.states import Status
from tests.comments.helpers import post
from tests.factories import UserFactory
from tests.moderation.queue_helpers import case_of
from tests.wiki.helpers import make_article
from wiki.models import Article

pytestmark = pytest.mark.django_db

NOINDEX = '<meta name="robots" content="noindex">'
SPAM_LINK = "[cheap pills](https://pills.example/)"


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


@pytest.fixture
def newcomer_client(db):
    client = Client()
    client.force_login(UserFactory(username="newcomer"))
    return client


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def save(client, article, text: str):
    """Edit as a person would, through the edit form; the page the editor lands on."""
    article.refresh_from_db()
    response = client.post(
        f"/wiki/{article.slug}/edit/",
        {"source": text, "summary": "", "base_number": article.current_revision.number},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def read(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def queue_entry(mod_client, case) -> str:
    body = mod_client.get("/moderation/").content.decode()
    match = re.search(rf'<li class="queue-item" id="case-{case.pk}">(.*?)</article>', body, re.S)
    assert match, f"case {case.pk} is not in the queue"
    return match.group(1)


def test_untrusted_edit_message_page_and_queue_all_say_live_awaiting_review(
    newcomer_client, mod_client, article
):
    landed = save(newcomer_client, article, f"Shared gardens.\n\nBuy {SPAM_LINK}.\n")
    assert "Saved revision 2. It is live, awaiting review" in landed
    assert NOINDEX in landed and "live, awaiting review</span>" in landed
    assert "cheap pills" in landed  # live at once, as on any wiki
    assert 'href="https://pills.example/" rel="nofollow ugc noopener"' in landed
    revision = Article.objects.get(pk=article.pk).current_revision
    entry = queue_entry(mod_client, case_of(revision))
    assert '<span class="status status--published">live, awaiting review</span>' in entry
    assert "held for a moderator" not in entry
    assert "No Akismet key: live, awaiting a moderator&#x27;s review." in entry


def test_an_untrusted_comment_is_held_and_the_queue_says_so(mod_client, article):
    held = post(article, "Cheap watches")
    assert held.status == Status.PENDING
    entry = queue_entry(mod_client, case_of(held))
    assert '<span class="status status--pending">awaiting moderation</span>' in entry
    assert "No Akismet key: held for a moderator." in entry
    assert "Cheap watches" not in read(Client(), article)


def test_a_trusted_edit_is_indexable_and_the_message_says_only_saved(mod_client, article):
    landed = save(mod_client, article, "Shared gardens, and a pond.\n")
    assert "Saved revision 2." in landed
    assert "awaiting review" not in landed
    assert NOINDEX not in landed


def test_noindex_goes_when_a_moderator_approves_even_in_the_shared_copy(
    newcomer_client, mod_client, moderator, article
):
    save(newcomer_client, article, f"Shared gardens.\n\nBuy {SPAM_LINK}.\n")
    reader = Client()
    first = reader.get(article.get_absolute_url())
    assert NOINDEX in first.content.decode()
    assert NOINDEX in read(Client(), article)  # the shared anonymous copy
    revision = Article.objects.get(pk=article.pk).current_revision
    case = case_of(revision)
    approved = mod_client.post(f"/moderation/{case.pk}/approve/", follow=True)
    assert "Approved the edit by newcomer" in approved.content.decode()
    again = reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200  # a new version: the browser's copy is stale
    assert NOINDEX not in again.content.decode()
    assert NOINDEX not in read(Client(), article)
    assert "live, awaiting review" not in read(Client(), article)
    assert (
        "live, awaiting review" not in mod_client.get("/moderation/?tab=decided").content.decode()
    )
    assert case.events.filter(actor=moderator, reason__contains="accepted as it is").exists()


def test_the_sitemap_offers_an_article_to_crawlers_only_once_its_edit_is_accepted(
    newcomer_client, mod_client, article
):
    def in_sitemap() -> bool:
        return article.slug in Client().get("/sitemap-articles.xml").content.decode()

    assert in_sitemap()
    save(newcomer_client, article, f"Shared gardens.\n\nBuy {SPAM_LINK}.\n")
    assert not in_sitemap()
    case = case_of(Article.objects.get(pk=article.pk).current_revision)
    mod_client.post(f"/moderation/{case.pk}/approve/")
    assert in_sitemap()


def test_with_akismet_the_page_is_noindex_until_the_check_says_ham(
    akismet_fake, newcomer_client, article
):
    save(newcomer_client, article, f"Shared gardens.\n\nA {SPAM_LINK} to see.\n")
    case = case_of(Article.objects.get(pk=article.pk).current_revision)
    assert case.state == "queued"  # the check has not run: nothing was committed
    assert NOINDEX in read(Client(), article)
    moderation.run_check(case_id=case.pk)
    case.refresh_from_db()
    assert (case.status, case.verdict) == (Status.PUBLISHED, "ham")
    page = read(Client(), article)
    assert NOINDEX not in page
    assert 'rel="nofollow ugc noopener"' in page  # outside links never lose it
    assert case.events.filter(actor_kind="akismet", reason__contains="ham").exists()


def test_the_home_page_keeps_an_unaccepted_main_page_out_of_indexes(newcomer_client, moderator):
    main = make_article(title="Main Page", texts=("Welcome.\n",), user=moderator)
    assert NOINDEX not in Client().get("/").content.decode()
    save(newcomer_client, main, f"Welcome. {SPAM_LINK}\n")
    assert NOINDEX in Client().get("/").content.decode()


def test_a_held_comment_does_not_mark_the_article_unreviewed(article):
    post(article, "Cheap watches")
    assert Comment.objects.filter(status=Status.PENDING).exists()
    assert NOINDEX not in read(Client(), article)


def test_an_edit_whose_check_gave_up_is_live_awaiting_review_not_held(
    akismet_fake, newcomer_client, mod_client, article
):
    save(newcomer_client, article, f"Shared gardens.\n\nA {SPAM_LINK} to see.\n")
    case = case_of(Article.objects.get(pk=article.pk).current_revision)
    moderation.hold_for_review(case_id=case.pk, reason="error", error="timed out")
    entry = queue_entry(mod_client, case)
    assert "live, awaiting review</span>" in entry
    assert "Live, awaiting a moderator&#x27;s review: Akismet could not be reached." in entry
    assert "held for a moderator" not in entry.lower()
    assert NOINDEX in read(Client(), article)
