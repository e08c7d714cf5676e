"""Spam reaches no reader by any path: a spam revision's text and summary are hidden like a
moderator-hidden revision's, and a new article that was spam is not public at all.

The check runs through the real pipeline against the fake Akismet; readers are an
anonymous visitor (who gets the shared page copies) and a signed-in non-moderator.
"""

import pytest
from django.test import Client

from moderation.models import ModerationCase
from moderation.states import Status
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.fakes.akismet import SPAM_MARKER
from tests.wiki.helpers import make_article
from wiki import services as wiki_services
from wiki.models import Article, Revision

pytestmark = pytest.mark.django_db

SPAM_TEXT = "Zqxspamtext cheap pills"
SPAM_SUMMARY = "Zqxspamsummary buy now"


@pytest.fixture
def gardens(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


@pytest.fixture
def spammer(db):
    return UserFactory(username="pillseller")


@pytest.fixture
def readers(user):
    signed_in = Client()
    signed_in.force_login(user)
    return {"anonymous": Client(), "signed in": signed_in}


def public_paths(*, slug: str, other: str, author: str) -> list[str]:
    """Every page a reader can reach that could show an article's revisions."""
    return [
        f"/wiki/{slug}/",
        f"/wiki/{slug}/revisions/1/",
        f"/wiki/{slug}/revisions/2/",
        f"/wiki/{slug}/diff/1/1/",
        f"/wiki/{slug}/diff/1/2/",
        f"/wiki/{slug}/history/",
        f"/wiki/{slug}/feed/",
        f"/wiki/{slug}/links/",
        f"/wiki/{other}/links/",
        "/feeds/recent/",
        "/recent/",
        "/recent/?new=1",
        "/search/?q=Zqxspamtext",
        "/search/?q=Zqxspamsummary",
        "/search/?q=pills",
        "/search/suggest/?q=Cheap",
        f"/users/{author}/",
        "/articles/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/",
    ]


def bodies(client: Client, paths: list[str]) -> dict[str, tuple[int, str]]:
    return {
        path: (response.status_code, response.content.decode())
        for path in paths
        for response in [client.get(path)]
    }


def check_case(content) -> None:
    from moderation import services

    case = ModerationCase.objects.get(
        object_id=content.pk, content_type__model=content._meta.model_name
    )
    services.run_check(case_id=case.pk)


def test_a_new_article_akismet_calls_spam_reaches_no_reader_by_any_path(
    akismet_fake, gardens, spammer, readers
):
    result = wiki_services.save_edit(
        slug="cheap-pills",
        title="Cheap pills",
        source=f"{SPAM_TEXT} {SPAM_MARKER}, see [[Gardens]]\n",
        summary=SPAM_SUMMARY,
        base_number=None,
        contributor=contributor(spammer),
    )
    paths = public_paths(slug="cheap-pills", other="gardens", author="pillseller")
    # Before the verdict the article is live: readers (and the shared copies) have it.
    before = bodies(readers["anonymous"], paths)
    assert SPAM_TEXT in before["/wiki/cheap-pills/revisions/1/"][1]
    assert SPAM_SUMMARY in before["/wiki/cheap-pills/history/"][1]

    check_case(result.revision)

    article = Article.objects.get(slug="cheap-pills")
    assert article.is_archived
    for who, client in readers.items():
        for path, (status, body) in bodies(client, paths).items():
            assert SPAM_TEXT not in body, (who, path)
            assert SPAM_SUMMARY not in body, (who, path)
            assert status != 500, (who, path)
        for path in ("revisions/1/", "diff/1/1/", "history/"):
            assert client.get(f"/wiki/cheap-pills/{path}").status_code == 410, (who, path)
        assert "Cheap pills" not in client.get("/wiki/gardens/links/").content.decode(), who


def test_moderators_still_read_a_spam_article_and_its_history(
    akismet_fake, gardens, spammer, moderator, client
):
    result = wiki_services.save_edit(
        slug="cheap-pills",
        title="Cheap pills",
        source=f"{SPAM_TEXT} {SPAM_MARKER}\n",
        summary=SPAM_SUMMARY,
        base_number=None,
        contributor=contributor(spammer),
    )
    check_case(result.revision)
    client.force_login(moderator)
    assert SPAM_TEXT in client.get("/wiki/cheap-pills/revisions/1/").content.decode()
    assert SPAM_SUMMARY in client.get("/wiki/cheap-pills/history/").content.decode()


def test_akismet_sees_the_summary_and_a_spam_summary_leaves_every_listing(
    akismet_fake, gardens, spammer, readers, moderator
):
    result = wiki_services.save_edit(
        slug="gardens",
        title="Gardens",
        source="Shared gardens, with a pond.\n",
        summary=f"{SPAM_SUMMARY} {SPAM_MARKER}",
        base_number=1,
        contributor=contributor(spammer),
    )
    paths = public_paths(slug="gardens", other="gardens", author="pillseller")
    before = bodies(readers["anonymous"], paths)  # the shared copies now hold the summary
    assert SPAM_SUMMARY in before["/recent/"][1]
    assert SPAM_SUMMARY in before["/wiki/gardens/history/"][1]

    check_case(result.revision)

    sent = akismet_fake.calls_to("comment-check")[0].params["comment_content"]
    assert "Shared gardens, with a pond." in sent and SPAM_SUMMARY in sent
    spam = Revision.objects.get(pk=result.revision.pk)
    assert spam.is_hidden
    case = ModerationCase.objects.get(object_id=spam.pk, content_type__model="revision")
    assert case.status == Status.SPAM
    for who, client in readers.items():
        for path, (_, body) in bodies(client, paths).items():
            assert SPAM_SUMMARY not in body, (who, path)
        history = client.get("/wiki/gardens/history/").content.decode()
        assert "text and summary hidden" in history, who
    client = Client()
    client.force_login(moderator)
    assert SPAM_SUMMARY in client.get("/wiki/gardens/history/").content.decode()


def test_a_moderator_hidden_revision_hides_its_summary_too(gardens, user, moderator, readers):
    wiki_services.save_edit(
        slug="gardens",
        title="Gardens",
        source="Shared gardens, and my phone number.\n",
        summary="Zqxprivate phone number",
        base_number=1,
        contributor=contributor(user),
    )
    wiki_services.revert_article(article=gardens, number=1, contributor=contributor(moderator))
    wiki_services.set_revision_hidden(
        revision=gardens.revisions.get(number=2),
        hidden=True,
        moderator=contributor(moderator),
    )
    paths = [*public_paths(slug="gardens", other="gardens", author=user.username)]
    paths += ["/wiki/gardens/diff/2/3/"]
    for who, client in readers.items():
        for path, (_, body) in bodies(client, paths).items():
            assert "Zqxprivate" not in body, (who, path)


def test_akismet_sees_a_new_article_s_title_and_summary(akismet_fake, spammer, committed):
    committed(
        wiki_services.save_edit,
        slug="pond-life",
        title="Pond life",
        source="Frogs and newts.\n",
        summary="First draft",
        base_number=None,
        contributor=contributor(spammer),
    )
    sent = akismet_fake.calls_to("comment-check")[0].params["comment_content"]
    assert sent == "Pond life\n\nFrogs and newts.\n\nFirst draft"
