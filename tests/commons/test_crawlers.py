"""What crawlers see: robots.txt, the sitemap, canonical addresses, descriptions and
Open Graph tags, pages kept out of indexes, and the titles and bodies of odd answers."""

import re
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tests.comments.helpers import post, signed_in
from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki import services as wiki

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NOINDEX = '<meta name="robots" content="noindex, nofollow">'
ARTICLE_TEXT = (
    "## Start here\n\n"
    "**Commons** is a [[community wiki]] where anyone can write; every change is kept "
    "and can be undone, and every article has a discussion under it for its readers. "
    "Read the guides below before you edit your first page.\n\n"
    "```python\nprint('not a description')\n```\n"
)


@pytest.fixture
def article(user):
    return make_article(title="Start here", texts=[ARTICLE_TEXT], user=user)


def head_of(response) -> ElementTree.Element:
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    return document.find("head")


def meta(response, attribute: str, name: str) -> str | None:
    for element in head_of(response).iter("meta"):
        if element.get(attribute) == name:
            return element.get("content")
    return None


def canonical(response) -> str | None:
    links = [link for link in head_of(response).iter("link") if link.get("rel") == "canonical"]
    assert len(links) <= 1
    return links[0].get("href") if links else None


def test_robots_txt_keeps_crawlers_out_of_side_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")}
    for path in (
        "/wiki/*/edit/",
        "/wiki/*/history/",
        "/wiki/*/diff/",
        "/wiki/*/revisions/",
        "/search/",
        "/accounts/",
        "/moderation/",
        "/admin/",
        "/feeds/",
    ):
        assert path in disallowed
    assert "/wiki/" not in disallowed
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_the_sitemap_lists_live_articles_with_their_last_change(client, moderator):
    article = make_article(title="Start here", texts=[ARTICLE_TEXT], user=moderator)
    archived = make_article(title="Old news", user=moderator)
    wiki.archive_article(article=archived, moderator=contributor(moderator))

    index = ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - ours
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sections == ["http://testserver/sitemap-articles.xml"]

    response = client.get("/sitemap-articles.xml")
    assert response.status_code == 200
    urlset = ElementTree.fromstring(response.content)  # noqa: S314 - our own sitemap
    entries = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in urlset.iter(f"{SITEMAP}url")
    }
    assert list(entries) == ["http://testserver/wiki/start-here/"]
    assert entries["http://testserver/wiki/start-here/"] == article.updated_at.strftime("%Y-%m-%d")


def test_the_sitemap_costs_the_same_queries_for_many_articles(client, moderator):
    make_article(title="Alone", user=moderator)
    with CaptureQueriesContext(connection) as one:
        client.get("/sitemap.xml")
        client.get("/sitemap-articles.xml")
    for number in range(20):
        make_article(title=f"Article {number}", user=moderator)
    with CaptureQueriesContext(connection) as many:
        client.get("/sitemap.xml")
        response = client.get("/sitemap-articles.xml")
    assert response.content.decode().count("<url>") == 21
    assert len(many) == len(one) <= 4


def test_an_article_names_its_one_canonical_address_whatever_the_query(client, article, user):
    comment = post(article, "A remark.", author=signed_in(user))
    expected = "http://testserver/wiki/start-here/"
    assert canonical(client.get(article.get_absolute_url())) == expected
    assert canonical(client.get(f"{article.get_absolute_url()}?reply={comment.pk}")) == expected
    assert canonical(client.get(f"{article.get_absolute_url()}?page=junk")) == expected


def test_a_later_discussion_page_keeps_its_number_in_the_canonical_address(
    client, article, user, settings
):
    settings.COMMENTS_PER_PAGE = 2
    for number in range(5):
        post(article, f"Thread {number}.", author=signed_in(user))
    response = client.get(f"{article.get_absolute_url()}?page=2")
    assert canonical(response) == "http://testserver/wiki/start-here/?page=2"


def test_a_shared_anonymous_copy_names_the_host_it_was_asked_for(article):
    Client(HTTP_HOST="localhost").get(article.get_absolute_url())
    response = Client(HTTP_HOST="127.0.0.1").get(article.get_absolute_url())
    assert canonical(response) == "http://127.0.0.1/wiki/start-here/"


def test_an_article_describes_itself_from_its_rendered_text(client, article):
    response = client.get(article.get_absolute_url())
    description = meta(response, "name", "description")
    assert description.startswith("Commons is a community wiki where anyone can write;")
    assert len(description) <= 160
    assert description.endswith("…")
    for markup in ("**", "[[", "##", "```", "print(", "Start here"):
        assert markup not in description
    assert meta(response, "property", "og:type") == "article"
    assert meta(response, "property", "og:title") == "Start here"
    assert meta(response, "property", "og:site_name") == settings.SITE_NAME
    assert meta(response, "property", "og:url") == "http://testserver/wiki/start-here/"
    assert meta(response, "property", "og:description") == description


def test_an_archived_article_does_not_describe_its_hidden_text(client, article, moderator):
    wiki.archive_article(article=article, moderator=contributor(moderator))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert meta(response, "name", "description") is None
    assert "community wiki" not in response.content.decode()


def test_the_home_page_and_the_index_name_their_canonical_addresses(client, article):
    assert canonical(client.get("/")) == "http://testserver/"
    assert canonical(client.get("/articles/?page=junk")) == "http://testserver/articles/"


@pytest.mark.parametrize(
    "page",
    [
        "/wiki/start-here/history/",
        "/wiki/start-here/revisions/1/",
        "/wiki/start-here/diff/1/2/",
        "/wiki/start-here/edit/",
        "/search/?q=wiki",
        "/accounts/login/?next=/wiki/start-here/edit/",
        "/accounts/signup/?next=/wiki/start-here/",
    ],
)
def test_side_pages_stay_out_of_search_indexes(client, user, page):
    make_article(title="Start here", texts=["One.\n", "Two.\n"], user=user)
    if page.startswith("/wiki/") and page.endswith("/edit/"):
        client.force_login(user)
    response = client.get(page)
    assert response.status_code == 200
    assert NOINDEX in response.content.decode()


def test_the_log_in_page_is_titled_with_the_site_name_not_the_host(client):
    response = client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000")
    assert "<title>Log in · Commons</title>" in response.content.decode()


def test_the_password_help_that_sign_up_points_to_holds_the_rules(client):
    response = client.get("/accounts/signup/")
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    password = next(field for field in document.iter("input") if field.get("name") == "password1")
    described_by = password.get("aria-describedby")
    assert described_by
    help_element = next(element for element in document.iter() if element.get("id") == described_by)
    rules = [item.text for item in help_element.iter("li")]
    assert any("at least" in rule for rule in rules)


TIME = re.compile(r'<time datetime="([^"]*)"')
HTML_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def test_times_are_written_as_html_accepts_them(client, article, moderator):
    post(article, "A remark with a time.", author=signed_in(moderator))
    for page in (article.get_absolute_url(), f"{article.get_absolute_url()}history/", "/recent/"):
        values = TIME.findall(client.get(page).content.decode())
        assert values, page
        for value in values:
            assert HTML_DATETIME.fullmatch(value), (page, value)


def test_no_template_writes_times_with_microseconds():
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        assert "date:'c'" not in text and 'date:"c"' not in text, template


def _patterns(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _address(route: str, values: dict[str, str]) -> str | None:
    """The route with each <converter:name> filled in; None for regular expressions."""
    if route.startswith("admin/") or "^" in route:
        return None
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: values[match.group(1)], route)


def test_every_address_that_only_takes_a_form_answers_a_get_with_a_page(
    client, article, user, moderator
):
    comment = post(article, "A remark.", author=signed_in(user))
    wiki.save_edit(
        slug=article.slug,
        title=article.title,
        source="Second text.\n",
        base_number=1,
        contributor=contributor(user),
    )
    values = {
        "slug": article.slug,
        "number": "1",
        "a": "1",
        "b": "2",
        "pk": str(comment.pk),
        "token": "x",
        "username": user.username,
        "section": "articles",
        "uidb64": "x",
        "token_": "x",
        "ip": "203.0.113.7",
    }
    client.force_login(moderator)
    post_only = []
    for route in _patterns(get_resolver()):
        address = _address(route, values)
        if address is None:
            continue
        response = client.get(address)
        if response.status_code == 405:
            post_only.append(address)
            page = response.content.decode()
            assert "POST" in response["Allow"], address
            assert "<h1>Nothing to see at this address</h1>" in page, address
            assert 'href="/"' in page, address
    for expected in (
        "/wiki/start-here/revert/1/",
        "/wiki/start-here/archive/",
        "/wiki/start-here/comments/",
        "/accounts/logout/",
        "/moderation/bulk/",
    ):
        assert expected in post_only
