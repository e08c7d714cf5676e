"""Hostile text as comments and as commenters' names comes out of the article page inert."""

import json
import re

import pytest

from comments.models import Comment
from moderation.states import Status
from tests.comments.helpers import anonymous, post
from tests.conftest import CORPORA
from tests.wiki.helpers import make_article
from tests.wiki.test_markup_corpora import assert_inert

pytestmark = pytest.mark.django_db

BODY = re.compile(r'<div class="comment-body prose">(.*?)</div><footer', re.S)
HEAD = re.compile(r'<header class="comment-head">(.*?)</header>', re.S)


def payloads():
    found = []
    for name in ("xss/h5sc-html5sec-vectors.json", "markdown-xss/markdown-it-xss-fixtures.json"):
        found += [item["payload"] for item in json.loads((CORPORA / name).read_text())]
    lines = (CORPORA / "xss" / "seclists-XSS-BruteLogic.txt").read_text().split("\n")
    return found + [line for line in lines if line.strip()]


def test_hostile_comments_and_names_render_inert_on_the_article_page(client, user, settings):
    settings.COMMENTS_PER_PAGE = 10_000
    # Every payload must reach the page: level 0's limits on links and images (which refuse
    # some) are tested in tests/moderation/test_trust_levels.py.
    settings.MODERATION_NEW_MAX_LINKS = settings.MODERATION_NEW_MAX_IMAGES = 10_000
    article = make_article(title="Target", user=user)
    hostile = [p for p in payloads() if p.strip() and "\x00" not in p]
    assert len(hostile) > 100
    for payload in hostile:
        post(article, payload, author=anonymous(name=payload[:100] or "x", url="https://x.test"))
    Comment.objects.comments().update(status=Status.PUBLISHED)
    page = client.get(article.get_absolute_url()).content.decode()
    bodies = BODY.findall(page)
    heads = HEAD.findall(page)
    assert len(bodies) == len(hostile) == len(heads)
    for fragment in bodies + heads:
        assert_inert(fragment, payload=fragment[:200])
