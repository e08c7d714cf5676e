"""No address the site was given (`?next=`, a POSTed `next`, a Referer) sends anyone off-site.

The walk discovers every URL pattern, so a new view that honours a `next` is walked too.
"""

import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from tests.comments.helpers import post, signed_in
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db

HOSTILE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "https:evil.example",
    "///evil.example/",
]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
ATTRIBUTE = re.compile(r'\b(?:href|action|formaction|src|value)="([^"]*)"')


def on_site(url: str) -> bool:
    return url_has_allowed_host_and_scheme(url, allowed_hosts={"testserver"})


def assert_stays_on_site(response, where: str) -> None:
    if 300 <= response.status_code < 400:
        assert on_site(response["Location"]), (where, response["Location"])
    if "html" in response.get("Content-Type", ""):
        for value in ATTRIBUTE.findall(response.content.decode()):
            value = unescape(value)
            if "evil.example" in value:
                assert on_site(value), (where, value)


def _fill(pattern: str, sample: dict[str, str]) -> str:
    """A concrete path for a route (<conv:name>) or a regex ((?P<name>...)) pattern."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: sample[m.group(1)], pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: sample[m.group(1)], path)
    return path.lstrip("^").rstrip("$").replace("\\.", ".")


def site_paths(sample: dict[str, str]) -> list[str]:
    """Every URL pattern of the site, filled in. Of the admin, the pages that take a `next`
    (its model pages are Django's own and return only to their own change lists)."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                paths.append("/" + _fill(prefix + str(pattern.pattern), sample))

    walk(get_resolver().url_patterns, "")
    paths += [reverse("admin:login"), reverse("admin:logout"), reverse("admin:index")]
    return sorted(set(paths))


@pytest.fixture
def site():
    editor = UserFactory(username="editor")
    article = make_article(title="Gardens", texts=("First.\n", "Second.\n"), user=editor)
    comment = post(article, "A comment.", author=signed_in(editor))
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    root.groups.add(Group.objects.get_or_create(name="moderators")[0])
    sample = {
        "slug": article.slug,
        "address": "Gardens",
        "rest": "",
        "number": "1",
        "a": "1",
        "b": "2",
        "pk": str(comment.pk),
        "username": editor.username,
        "token": "x",
        "uidb64": "x",
        "uidb36": "x",
        "key": "0" * 32,
        "section": "articles",
        "ip": "203.0.113.7",
    }
    return site_paths(sample), editor, root


def test_no_page_sends_anyone_off_site_for_any_next_or_referer(site):
    paths, _, root = site
    assert len(paths) > 40
    for who in ("anonymous", "moderator"):
        client = Client()
        if who == "moderator":
            client.force_login(root)
        for path in paths:
            for hostile in HOSTILE:
                headers = {"HTTP_REFERER": hostile}
                query = {"next": hostile}
                where = f"GET {path} as {who} with {hostile}"
                response = client.get(path, query, **headers)
                assert_stays_on_site(response, where)
                where = f"POST {path} as {who} with {hostile}"
                target = f"{path}?next={hostile}"
                response = client.post(target, {"next": hostile}, **headers)
                assert_stays_on_site(response, where)
                if who == "moderator" and "logout" in path:
                    client.force_login(root)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_forms_that_send_people_on_after_success_stay_on_site(site, hostile):
    """A view that honours `next` only once its form is valid: each walked to success."""
    _, editor, root = site
    done = []

    client = Client()
    response = client.post(
        f"/accounts/signup/?next={hostile}",
        {
            "username": "newcomer",
            "email": "newcomer@example.test",
            "password1": "a-long-pass-1",
            "password2": "a-long-pass-1",
        },
    )
    done.append(("sign-up", response))
    for url, who in (("/accounts/login/", editor), ("/admin/login/", root)):
        client = Client()
        field = "username" if url.startswith("/admin") else "login"
        data = {field: who.username, "password": PASSWORD, "next": hostile}
        done.append((url, client.post(f"{url}?next={hostile}", data)))
        assert "_auth_user_id" in client.session, url
        logout = "/admin/logout/" if url.startswith("/admin") else "/accounts/logout/"
        done.append((logout, client.post(f"{logout}?next={hostile}", {"next": hostile})))
    client = Client()
    client.force_login(editor)
    done.append(("watch", client.post("/wiki/gardens/watch/", {"next": hostile})))
    for where, response in done:
        assert response.status_code == 302, where
        assert on_site(response["Location"]), (where, response["Location"])


def test_every_redirect_target_a_view_reads_goes_through_safe_next():
    """A `next` or a Referer read anywhere in the apps is read through commons.http.safe_next."""
    reads = re.compile(r"""(GET|POST|REQUEST)\.get\(\s*["']next["']|HTTP_REFERER|["']Referer["']""")
    found = []
    for app in ("commons", "wiki", "comments", "moderation", "notifications"):
        for source in (ROOT / app).rglob("*.py"):
            for number, line in enumerate(source.read_text().splitlines(), 1):
                # The Referer a comment arrives with is told to Akismet, never followed.
                if "referrer=" in line or "safe_next(" in line:
                    continue
                if reads.search(line):
                    found.append(f"{source.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
