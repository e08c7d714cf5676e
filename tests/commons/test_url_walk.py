"""Every URL pattern, walked: hostile path segments answer 400 or 404 (never 500), and
anything that answers GET answers HEAD alike."""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize

from tests.comments.helpers import post
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db

# Already percent-encoded, as they would arrive on the wire.
HOSTILE_SEGMENTS = [
    "%00",
    "a%00b",
    "%01",
    "%09",
    "%0A",
    "%0D%0ASet-Cookie:%20x=1",
    "%1F",
    "%7F",
    "%C2%85",  # NEL, a C1 control
    "a" * 10_000,
    "9" * 40,
    "-1",
    "%C0%AF",  # an overlong "/", not UTF-8
    "%FF",
    "%ED%A0%80",  # a lone surrogate, UTF-8-encoded
    "..",
    "%2E%2E",
    "%2F",
    "%E2%80%AE",  # right-to-left override
]


def url_formats() -> Iterator[tuple[str, list[str]]]:
    """Every pattern as ("/wiki/%(slug)s/edit/", ["slug"]), includes and namespaces unrolled."""

    def walk(patterns, prefix: str) -> Iterator[tuple[str, list[str]]]:
        for pattern in patterns:
            regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, regex)
            elif isinstance(pattern, URLPattern):
                for form, params in normalize(regex):
                    yield "/" + form, params

    seen = set()
    for form, params in walk(get_resolver().url_patterns, ""):
        if form not in seen:
            seen.add(form)
            yield form, params


@pytest.fixture
def site():
    """Real rows behind every parameter, so a request gets as deep as a view goes."""
    editor = UserFactory(username="editor")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    article = make_article(title="Gardens", texts=("First.\n", "Second.\n"), user=editor)
    comment = post(article, body="A comment.")
    values = {
        "slug": article.slug,
        "username": editor.username,
        "number": "1",
        "a": "1",
        "b": "2",
        "pk": str(comment.pk),
        "key": "0" * 32,
        "section": "articles",
        "address": "Gardens",
        "rest": "",
        "app_label": "wiki",
        "model_name": "article",
        "object_id": str(article.pk),
        "content_type_id": "1",
    }
    return values, root


def fill(form: str, params: list[str], values: dict[str, str], **override: str) -> str:
    return form % {name: override.get(name, values.get(name, "x")) for name in params}


def clients(root) -> dict[str, Client]:
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(root)
    return {"anonymous": Client(raise_request_exception=False), "superuser": signed_in}


def test_the_walk_covers_the_site():
    forms = {form for form, _ in url_formats()}
    for expected in (
        "/users/%(username)s/",
        "/wiki/%(slug)s/revisions/%(number)s/",
        "/wiki/%(address)s/%(rest)s",
        "/comments/%(pk)s/edit/",
        "/notifications/confirm/%(token)s/",
        "/admin/wiki/article/%(object_id)s/change/",
    ):
        assert expected in forms


def test_hostile_path_segments_answer_400_or_404_never_500(site):
    values, root = site
    failures = []
    for who, client in clients(root).items():
        for form, params in url_formats():
            for name in params:
                for segment in HOSTILE_SEGMENTS:
                    path = fill(form, params, values, **{name: segment})
                    status = client.get(path).status_code
                    # Mostly 400 or 404; also a redirect (to log in, to the canonical
                    # address), 403 or 405 (before any lookup), or a page saying that a
                    # reset link is not valid. Never a server error.
                    if status >= 500:
                        failures.append((who, status, path[:120]))
    assert failures == [], "\n".join(map(str, failures))


@pytest.mark.parametrize(
    "path",
    ["/users/%00/", "/wiki/gardens/%01/", "/search/%0A/", "/wiki/a%C2%85b/"],
)
def test_a_control_character_in_the_path_gets_a_400_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "Not an address" in response.content.decode()


def test_invalid_utf8_in_a_name_is_no_such_user(client, site):
    assert client.get("/users/%FF/").status_code == 404
    assert client.get("/users/%C0%AF/").status_code == 404
    assert client.get("/users/" + "a" * 10_000 + "/").status_code == 404


def test_head_answers_as_get_does_on_every_page(site):
    values, root = site
    walked = []
    mismatches = []
    for who, client in clients(root).items():
        for form, params in url_formats():
            path = fill(form, params, values)
            got = client.get(path)
            if got.status_code == 405:
                continue  # POST only
            walked.append(path)
            head = client.head(path)
            if (who, path) == ("superuser", "/admin/login/"):
                # Django's admin sends a signed-in GET (only GET) on to the index.
                assert head.status_code == 200
                continue
            if head.status_code != got.status_code or head.content:
                mismatches.append((who, path, got.status_code, head.status_code))
    assert mismatches == []
    for page in ("/", "/recent/", "/wiki/gardens/", "/wiki/gardens/history/", "/healthz"):
        assert page in walked


@pytest.mark.parametrize(
    "path",
    ["/", "/wiki/gardens/", "/recent/", "/feeds/recent/", "/sitemap.xml", "/robots.txt"],
)
def test_head_on_a_read_page_is_200_with_no_body(client, site, path):
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""
    assert re.match(r"(text|application)/", response["Content-Type"])
