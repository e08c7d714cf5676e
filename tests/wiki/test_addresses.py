"""One address per article: every other spelling of it leads there, and none is ever stored."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki import services
from wiki.models import Article, ArticleRedirect, WikiLink
from wiki.slugs import is_canonical, slug_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    ["/wiki/Main_Page/", "/wiki/Main%20Page/", "/wiki/MAIN-PAGE/", "/wiki/main_page/"],
)
def test_other_spellings_of_an_address_lead_to_its_slug(client, user, address):
    make_article(title="Main page", user=user)
    response = client.get(address)
    assert response.status_code == 301
    assert response["Location"] == "/wiki/main-page/"
    assert client.get(response["Location"]).status_code == 200


def test_the_rest_of_the_path_and_the_query_are_kept(client, user):
    make_article(title="Main page", texts=("One.\n", "Two.\n"), user=user)
    response = client.get("/wiki/Main_Page/history/?page=1")
    assert response.status_code == 301
    assert response["Location"] == "/wiki/main-page/history/?page=1"
    assert client.get("/wiki/Main_Page/diff/1/2/")["Location"] == "/wiki/main-page/diff/1/2/"


def test_an_address_for_a_missing_article_leads_to_its_canonical_slug_too(client):
    response = client.get("/wiki/Not_Yet_Written/", follow=True)
    assert response.redirect_chain == [("/wiki/not-yet-written/", 301)]
    assert response.status_code == 404
    assert "Not yet written" in response.content.decode()


@pytest.mark.parametrize("address", ["/wiki/%E2%9C%93/", "/wiki/main-page/nonsense/"])
def test_addresses_that_name_no_page_are_not_found(client, user, address):
    make_article(title="Main page", user=user)
    assert client.get(address).status_code == 404


def test_editing_at_another_spelling_edits_the_one_article(client, user):
    make_article(title="Main page", user=user)
    client.force_login(user)
    form = client.get("/wiki/Main_page/edit/")
    assert form.status_code == 301
    assert form["Location"] == "/wiki/main-page/edit/"

    response = client.post(
        "/wiki/Main_page/edit/",
        {"title": "Main_page", "source": "Changed.\n", "summary": "", "base_number": 1},
    )
    # A 301 would turn the POST into a GET and drop the text; a 308 keeps both.
    assert response.status_code == 308
    assert response["Location"] == "/wiki/main-page/edit/"
    response = client.post(
        response["Location"],
        {"title": "Main_page", "source": "Changed.\n", "summary": "", "base_number": 1},
    )
    assert response["Location"] == "/wiki/main-page/"
    assert Article.objects.count() == 1
    assert Article.objects.get().current_revision.source == "Changed.\n"


def test_a_title_spelled_like_another_address_cannot_make_a_second_article(user):
    make_article(title="Main page", user=user)
    for title in ("Main_page", "MAIN PAGE", "main__page"):
        with pytest.raises(ValidationError, match="already belongs to another article"):
            services.save_edit(
                slug="new-page",
                title=title,
                source="A duplicate.\n",
                base_number=None,
                contributor=contributor(user),
            )
    assert list(Article.objects.values_list("slug", flat=True)) == ["main-page"]


def test_a_new_title_with_underscores_gets_a_hyphenated_address(user):
    article = make_article(title="Snake_case names", user=user)
    assert article.slug == "snake-case-names"
    assert article.title == "Snake_case names"


def test_moving_to_another_spelling_of_a_taken_address_is_refused(user):
    make_article(title="Main page", user=user)
    other = make_article(title="Gardens", user=user)
    with pytest.raises(ValidationError, match="belongs to another article"):
        services.move_article(article=other, new_title="Main_Page", contributor=contributor(user))


def test_wiki_links_spelled_like_addresses_reach_the_article(client, user):
    make_article(title="Main page", user=user)
    make_article(title="Gardens", texts=("See [[Main_Page]] and [[MAIN PAGE|home]].\n",), user=user)
    body = client.get("/wiki/gardens/").content.decode()
    assert body.count('href="/wiki/main-page/"') == 2
    assert "wikilink new" not in body
    assert list(WikiLink.objects.values_list("target_slug", flat=True)) == ["main-page"]


def test_a_moved_articles_old_address_in_any_spelling_arrives_at_the_article(client, user):
    article = make_article(title="Gardens", user=user)
    services.move_article(
        article=article, new_title="Community gardens", contributor=contributor(user)
    )
    response = client.get("/wiki/GARDENS/history/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1] == ("/wiki/community-gardens/history/", 301)


def test_a_comment_posted_to_another_spelling_is_not_lost(client, user):
    make_article(title="Gardens", user=user)
    client.force_login(user)
    response = client.post("/wiki/Gardens/comments/", {"body": "Lovely."})
    assert response.status_code == 308
    assert response["Location"] == "/wiki/gardens/comments/"


def test_search_for_an_address_spelling_jumps_to_the_article(client, user):
    make_article(title="Main page", user=user)
    assert client.get("/search/?q=Main_Page")["Location"] == "/wiki/main-page/"


def test_search_never_offers_to_create_a_taken_address(client, user):
    make_article(title="Main page", texts=("Welcome.\n",), user=user)
    client.force_login(user)
    body = client.get("/search/?q=main-page").content.decode()
    assert "Create the article" not in body
    assert "Create the article" in client.get("/search/?q=Compost_heaps").content.decode()
    assert "/wiki/compost-heaps/edit/" in client.get("/search/?q=Compost_heaps").content.decode()


@pytest.mark.parametrize("slug", ["Main_Page", "main_page", "main--page", "-main", "Main-page"])
def test_the_database_refuses_a_non_canonical_slug(user, slug):
    article = make_article(title="Main page", user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(slug=slug, title="Duplicate")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleRedirect.objects.create(old_slug=slug, article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        WikiLink.objects.create(source=article, target_slug=slug)


def test_every_slug_made_from_text_is_canonical(naughty_strings):
    for text in [*naughty_strings, "a\uff3fb", "__init__ method", "Main_Page"]:
        slug = slug_for(text)
        assert slug == "" or is_canonical(slug), text


@pytest.fixture
def naughty_strings():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "corpora" / "naughty-strings" / "blns.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.postgres
def test_the_migration_gives_existing_duplicates_their_own_canonical_slug(user):
    constraints = {
        Article: "wiki_article_slug_canonical",
        ArticleRedirect: "wiki_articleredirect_old_slug_canonical",
        WikiLink: "wiki_wikilink_target_slug_canonical",
    }
    with connection.schema_editor() as editor:  # rolled back with the test's transaction
        for model, name in constraints.items():
            constraint = next(c for c in model._meta.constraints if c.name == name)
            editor.remove_constraint(model, constraint)
        # Nor were redirects kept yet (wiki 0009): this migration drops the redundant ones.
        editor.execute("DROP TRIGGER wiki_articleredirect_never_delete ON wiki_articleredirect")
    main = make_article(title="Main page", user=user)
    gardens = make_article(title="Gardens", user=user)
    Article.objects.filter(pk=gardens.pk).update(slug="Snake_Case")
    duplicate = make_article(title="Other", user=user)
    Article.objects.filter(pk=duplicate.pk).update(slug="main_page")
    ArticleRedirect.objects.create(old_slug="Old_Gardens", article=gardens)
    ArticleRedirect.objects.create(old_slug="MAIN_PAGE", article=duplicate)
    WikiLink.objects.create(source=gardens, target_slug="Main_Page")

    migration = importlib.import_module("wiki.migrations.0006_canonicalize_slugs")
    # The models as this migration saw them, without today's never-delete managers.
    loader = MigrationLoader(connection)
    before = loader.project_state(("wiki", "0006_canonicalize_slugs"), at_end=False).apps
    migration.canonicalize(before, None)

    slugs = dict(Article.objects.values_list("pk", "slug"))
    assert slugs == {main.pk: "main-page", gardens.pk: "snake-case", duplicate.pk: "main-page-2"}
    assert list(ArticleRedirect.objects.values_list("old_slug", flat=True)) == ["old-gardens"]
    assert set(WikiLink.objects.filter(source=gardens).values_list("target_slug", flat=True)) == {
        "main-page"
    }
