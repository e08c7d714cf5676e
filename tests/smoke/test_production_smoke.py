"""The production topology without Docker: gunicorn (DEBUG off, collected static files
served by WhiteNoise), a Celery worker and Celery beat as separate processes, PostgreSQL,
a private Redis and the fake Akismet on loopback; then a user's walk over plain HTTP.

Any process that dies at any point fails the test.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.db import connection

from tests.conftest import missing
from tests.fakes.redis import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SPAM_AUTHOR = "akismet-guaranteed-spam"


class Forms(HTMLParser):
    """Every <form> of a page: its action and the values its fields would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self.stylesheets: list[str] = []
        self.buttons: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {key: value or "" for key, value in attrs}
        if tag == "link" and names.get("rel") == "stylesheet":
            self.stylesheets.append(names["href"])
        if tag == "form":
            self.forms.append({"action": names.get("action", ""), "fields": {}})
        elif tag == "button" and names.get("formaction"):
            self.buttons.append(names)
        elif self.forms and tag == "input" and names.get("name"):
            if names.get("type") in ("checkbox", "radio") and "checked" not in names:
                return
            self.forms[-1]["fields"][names["name"]] = names.get("value", "")
        elif self.forms and tag == "textarea" and names.get("name"):
            self._textarea = names["name"]
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def parse(html: str) -> Forms:
    forms = Forms()
    forms.feed(html)
    return forms


def form_with(html: str, field: str, action: str | None = None) -> dict[str, str]:
    """The fields of the first form that has `field` (and, if given, posts to `action`)."""
    for form in parse(html).forms:
        if field in form["fields"] and (action is None or form["action"] == action):
            return dict(form["fields"])
    raise AssertionError(f"no form with {field!r} (action {action!r}) on the page")


class Processes:
    """The services of the topology; each logs to a file that a failure shows."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def assert_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                pytest.fail(
                    f"{name} died (exit {process.returncode}):\n{self.log(name)[-3000:]}",
                    pytrace=False,
                )

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.assert_alive()
            if condition():
                return
            time.sleep(0.2)
        logs = "\n".join(f"--- {name}\n{self.log(name)[-1500:]}" for name in self.running)
        pytest.fail(f"timed out waiting for {what}\n{logs}", pytrace=False)

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def database_url() -> str:
    """The pytest-django test database, as the other processes must reach it."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def test_the_production_topology_serves_a_users_walk(redis_server, tmp_path):
    if importlib.util.find_spec("gunicorn") is None:
        missing("needs gunicorn (pip install gunicorn)")
    akismet_port, web_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    env = {key: value for key, value in os.environ.items() if key != "COMMONS_TESTING"}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=database_url(),
        REDIS_URL=redis_server.url,
        PYTHON_AKISMET_API_KEY="test-key",
        PYTHON_AKISMET_BLOG_URL="http://127.0.0.1/",
        AKISMET_API_URL=f"http://127.0.0.1:{akismet_port}/",
        MODERATION_SWEEP_SECONDS="5",
        MODERATION_RETRY_BASE_SECONDS="0.5",
        PYTHONUNBUFFERED="1",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run(  # noqa: S603 - our own manage.py
        [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    assert list((tmp_path / "static").glob("commons/site.*.css"))

    processes = Processes(tmp_path)
    celery = [sys.executable, "-m", "celery", "-A", "commons"]
    try:
        fake_akismet = [sys.executable, "-m", "tests.fakes.akismet", "--port", str(akismet_port)]
        processes.start("akismet", fake_akismet, env)
        processes.start(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "commons.wsgi",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
            env,
        )
        worker_args = ["worker", "--loglevel=INFO", "--concurrency=1"]
        quiet = ["--without-heartbeat", "--without-mingle", "--without-gossip"]
        processes.start("worker", [*celery, *worker_args, *quiet], env)
        schedule = str(tmp_path / "celerybeat-schedule")
        processes.start("beat", [*celery, "beat", "--loglevel=INFO", "-s", schedule], env)

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        processes.wait_for(healthy, "gunicorn to answer /healthz with 200")
        health = httpx.get(f"{base}/healthz").json()
        assert health == {"database": "ok", "cache": "ok", "broker": "ok"}
        walk(base, processes, env)
        processes.wait_for(
            lambda: "sweep-pending-checks" in processes.log("beat"), "beat to send the sweep"
        )
        processes.wait_for(
            lambda: "sweep_pending_checks" in processes.log("worker"), "the worker to sweep"
        )
        processes.assert_alive()
    finally:
        processes.stop_all()


def walk(base: str, processes: Processes, env: dict[str, str]) -> None:
    editor = httpx.Client(base_url=base, timeout=10)
    anonymous = httpx.Client(base_url=base, timeout=10)
    reader = httpx.Client(base_url=base, timeout=10)

    def post(client: httpx.Client, path: str, data: dict[str, str]) -> httpx.Response:
        response = client.post(path, data=data)
        assert response.status_code == 302, (path, response.status_code, response.text[-2000:])
        return response

    # Sign up.
    page = editor.get("/accounts/signup/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    fields = form_with(page.text, "password1")
    fields.update(
        username="smoker", email="smoker@example.test", password1="smoke-test-pass-phrase"
    )
    fields["password2"] = fields["password1"]
    post(editor, "/accounts/signup/", fields)

    # Create an article, then edit it.
    page = editor.get("/wiki/smoke-gardens/edit/")
    assert page.status_code in (200, 404), page.status_code
    fields = form_with(page.text, "source")
    fields.update(title="Smoke gardens", source="Roses grow here.\n", save="")
    post(editor, "/wiki/smoke-gardens/edit/", fields)
    fields = form_with(editor.get("/wiki/smoke-gardens/edit/").text, "source")
    assert fields["source"].strip() == "Roses grow here."
    fields.update(source="Roses and tulips grow here.\n", save="")
    fields.pop("preview", None)
    post(editor, "/wiki/smoke-gardens/edit/", fields)
    article = reader.get("/wiki/smoke-gardens/")
    assert article.status_code == 200
    assert "Roses and tulips grow here." in article.text

    # An anonymous comment: pending, then published by the worker's verdict (ham).
    comment_action = "/wiki/smoke-gardens/comments/"

    def comment(body: str, name: str) -> None:
        page = anonymous.get("/wiki/smoke-gardens/")
        fields = form_with(page.text, "body", action=comment_action)
        fields.update(body=body, name=name, email="robin@example.test")
        post(anonymous, comment_action, fields)

    comment("What lovely tulips.", "Robin")
    processes.wait_for(
        lambda: "What lovely tulips." in reader.get("/wiki/smoke-gardens/").text,
        "the worker's verdict to publish the comment",
    )

    # A comment Akismet calls spam: hidden, until a moderator approves it.
    comment("Buy my tulip bulbs.", SPAM_AUTHOR)
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "make_moderator", "smoker"], cwd=ROOT, env=env, check=True
    )
    processes.wait_for(
        lambda: "Buy my tulip bulbs." in editor.get("/moderation/?tab=spam").text,
        "the worker's verdict to put the spam in the queue",
    )
    assert "Buy my tulip bulbs." not in reader.get("/wiki/smoke-gardens/").text
    queue = editor.get("/moderation/?tab=spam")
    approve = [
        button["formaction"]
        for button in parse(queue.text).buttons
        if re.fullmatch(r"/moderation/\d+/approve/", button["formaction"])
    ]
    assert len(approve) == 1, approve
    fields = form_with(queue.text, "csrfmiddlewaretoken", action="/moderation/bulk/")
    fields.pop("cases", None)
    post(editor, approve[0], fields)
    assert "Buy my tulip bulbs." in reader.get("/wiki/smoke-gardens/").text

    # Static files: hashed names, served by WhiteNoise and cached for a year.
    stylesheets = parse(article.text).stylesheets
    assert stylesheets
    for href in stylesheets:
        assert re.search(r"\.[0-9a-f]{12}\.css$", href), href
        static = reader.get(href)
        assert static.status_code == 200
        assert static.headers["Cache-Control"] == "max-age=31536000, public, immutable"
