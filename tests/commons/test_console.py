"""What a newcomer's console shows under `make run`: one line per request, real problems only.

The first tests run the commands `make run` runs, as it runs them (DEBUG on, no SECRET_KEY,
no Redis), and read their output; the rest capture what a request logs in-process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from django.test import Client
from django.urls import path

from tests.fakes.redis import free_port
from tests.wiki.helpers import make_article
from website.urls import urlpatterns as site_urlpatterns

ROOT = Path(__file__).resolve().parents[2]
# What `make run` leaves unset, and what a test run sets that it does not.
UNSET = ("SECRET_KEY", "COMMONS_TESTING", "REDIS_URL", "DATABASE_URL", "LOG_LEVEL")


@pytest.fixture(scope="module")
def make_run(tmp_path_factory) -> dict[str, str]:
    """The environment of `make run`, on a fresh SQLite database; the outputs of its first
    two steps, migrate and seed_demo, under "migrate" and "seed_demo"."""
    folder = tmp_path_factory.mktemp("make-run")
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{folder / 'demo.sqlite3'}", PYTHONUNBUFFERED="1")
    outputs = {}
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs[command[0]] = result.stdout + result.stderr
    return {"env": env, **outputs}


def test_migrate_and_seed_demo_print_no_key_warning_and_no_line_per_task(make_run):
    for command in ("migrate", "seed_demo"):
        assert "SECRET_KEY" not in make_run[command], make_run[command]
    assert "Task " not in make_run["seed_demo"], make_run["seed_demo"]
    assert "No hostname was supplied" not in make_run["seed_demo"], make_run["seed_demo"]


def test_runserver_warns_of_the_development_key_once_and_logs_one_line_per_request(
    make_run, tmp_path
):
    port = free_port()
    log = tmp_path / "runserver.log"
    with log.open("wb") as output:
        # With its autoreloader, as `make run` starts it; in its own session, so that the
        # reloader's child stops with it.
        server = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=make_run["env"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "runserver did not answer:\n" + log.read_text()
            time.sleep(0.3)
        assert httpx.get(f"{base}/no-such-address/").status_code == 404
        assert httpx.get(f"{base}/wiki/main-page/").status_code == 200
        while '"GET /wiki/main-page/' not in log.read_text():
            assert time.monotonic() < deadline, "no request line:\n" + log.read_text()
            time.sleep(0.1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    lines = [line for line in log.read_text().splitlines() if line.strip()]
    assert len([line for line in lines if "SECRET_KEY" in line]) == 1, lines
    assert len([line for line in lines if "/no-such-address/" in line]) == 1, lines
    assert "Traceback" not in log.read_text()
    repeated = [line for line, count in Counter(lines).items() if count > 1]
    assert repeated == [], lines


def request_records(caplog) -> list:
    return [record for record in caplog.records if record.name.startswith("django.request")]


@pytest.mark.django_db
def test_an_expected_403_logs_nothing_beyond_its_request_line(client, user, caplog):
    client.force_login(user)
    assert client.get("/moderation/").status_code == 403
    assert request_records(caplog) == []


@pytest.mark.django_db
def test_a_404_logs_nothing_beyond_its_request_line(client, caplog):
    assert client.get("/no-such-address/").status_code == 404
    assert request_records(caplog) == []


@pytest.mark.django_db
def test_a_429_logs_nothing_beyond_its_request_line(client, moderator, settings, caplog):
    make_article(title="Gardens", user=moderator)
    settings.COMMENTS_RATE_LIMIT = "1/60"
    fields = {"name": "Robin", "email": "robin@example.test"}
    assert client.post("/wiki/gardens/comments/", {"body": "one", **fields}).status_code == 302
    assert client.post("/wiki/gardens/comments/", {"body": "two", **fields}).status_code == 429
    assert request_records(caplog) == []


def fail(request):
    raise RuntimeError("a real problem")


urlpatterns = [path("fail/", fail), *site_urlpatterns]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_is_logged_with_its_traceback(caplog):
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    (record,) = request_records(caplog)
    assert record.levelname == "ERROR"
    assert record.exc_info[0] is RuntimeError
