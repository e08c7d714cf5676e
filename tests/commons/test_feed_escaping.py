"""Text declared as HTML is escaped wherever the project writes XML or JSON: a reader of a
feed sees a hostile summary, title or name as typed, never as markup."""

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.contrib.syndication.views import Feed
from django.urls import URLResolver, get_resolver

from comments.models import Comment
from moderation.states import Status
from tests.comments.helpers import anonymous, post
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.wiki.helpers import make_article
from wiki.services import save_edit

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = 'Fix <b>typo</b> <img src=x onerror="alert(1)"> <script>alert(2)</script> &amp;'
HOSTILE_TITLE = "Tags <b>bold</b> & <i>co</i>"


class Elements(HTMLParser):
    """The elements and attributes an HTML consumer would build from a string."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text += data


def as_html(fragment: str) -> Elements:
    parser = Elements()
    parser.feed(fragment)
    parser.close()
    return parser


@pytest.fixture
def hostile_site():
    editor = UserFactory(username="editor")
    article = make_article(title=HOSTILE_TITLE, texts=("First.\n",), user=editor)
    save_edit(
        slug=article.slug,
        title=article.title,
        source="First.\nSecond.\n",
        summary=HOSTILE,
        base_number=1,
        contributor=contributor(editor),
    )
    comment = post(article, body=HOSTILE, author=anonymous(name='<b onclick="x">Robin</b>'))
    Comment.objects.filter(pk=comment.pk).update(status=Status.PUBLISHED)
    article.refresh_from_db()
    return article


def feed_routes() -> set[str]:
    """The route of every Atom feed in the URL map."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern.callback, Feed):
                yield route

    return set(walk(get_resolver().url_patterns, ""))


def feed_urls(article) -> dict[str, str]:
    return {
        "feeds/recent/": "/feeds/recent/",
        "wiki/<wikislug:slug>/feed/": f"/wiki/{article.slug}/feed/",
        "wiki/<wikislug:slug>/comments/feed/": f"/wiki/{article.slug}/comments/feed/",
    }


def test_every_feed_is_walked(hostile_site):
    assert feed_routes() == set(feed_urls(hostile_site))


@pytest.mark.parametrize(
    "route", ["feeds/recent/", "wiki/<wikislug:slug>/feed/", "wiki/<wikislug:slug>/comments/feed/"]
)
def test_hostile_text_in_a_feed_reaches_a_reader_as_text(client, hostile_site, route):
    response = client.get(feed_urls(hostile_site)[route])
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    entries = root.findall(f"{ATOM}entry")
    assert entries
    shown = ""
    for element in root.iter():
        declared = element.get("type", "text")
        if element.text is None:
            continue
        if declared == "html":
            parsed = as_html(element.text)
            # Only a comment's own sanitized Markdown is markup: paragraphs, no script,
            # no image, no event handler.
            assert set(parsed.tags) <= {"p"}, (element.tag, element.text)
            assert parsed.attributes == [], (element.tag, element.text)
            shown += parsed.text
        else:
            assert declared == "text", element.tag
            shown += element.text
    assert "Fix <b>typo</b>" in shown
    assert "<script>alert(2)</script>" in shown
    if route != "wiki/<wikislug:slug>/comments/feed/":
        assert HOSTILE in shown


def test_a_revision_summary_in_a_feed_holds_no_element(client, hostile_site):
    root = ET.fromstring(client.get("/feeds/recent/").content)  # noqa: S314 - our own feed
    summaries = [entry.find(f"{ATOM}summary") for entry in root.findall(f"{ATOM}entry")]
    hostile = [s for s in summaries if s.get("type") == "html" and "typo" in s.text]
    assert len(hostile) == 1
    parsed = as_html(hostile[0].text)
    assert parsed.tags == []
    assert parsed.text == HOSTILE


def test_suggestions_are_json_text_that_no_browser_takes_for_markup(client, hostile_site):
    response = client.get("/search/suggest/", {"q": "Tags"})
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"<" not in response.content
    assert json.loads(response.content)["results"][0]["title"] == HOSTILE_TITLE


def test_health_is_json_with_nothing_that_reads_as_markup(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert b"<" not in response.content
    assert set(json.loads(response.content)) == {"database", "cache", "broker"}
