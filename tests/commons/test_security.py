"""Every HTML page carries the security headers and a strict CSP, and needs no inline code."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.contrib import admin
from django.test import Client

from tests.conftest import missing
from tests.factories import UserFactory
from tests.moderation.queue_helpers import held_comment
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db

STRICT_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' https:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, <style>, style= and on*=."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        executable = (names.get("type") or "text/javascript").lower() in {
            "text/javascript",
            "application/javascript",
            "module",
        }
        if tag == "script" and executable and not names.get("src"):
            self.found.append(self.get_starttag_text() or tag)
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action"} and (value or "").lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def csp_directives(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


def assert_hardened(response) -> None:
    assert response["Content-Type"].startswith("text/html")
    policy = csp_directives(response["Content-Security-Policy"])
    for name, value in STRICT_DIRECTIVES.items():
        assert policy.get(name) == value, (name, policy)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert inline_code(response.content.decode()) == []


@pytest.fixture
def site(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    editor = UserFactory(username="editor")
    article = make_article(title="Gardens", texts=("First.\n", "Second.\n"), user=editor)
    return article, editor


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/wiki/gardens/", 200),
        ("/wiki/gardens/history/", 200),
        ("/wiki/gardens/diff/1/2/", 200),
        ("/wiki/gardens/revisions/1/", 200),
        ("/recent/", 200),
        ("/search/?q=second", 200),
        ("/accounts/login/", 200),
        ("/accounts/signup/", 200),
        ("/admin/login/", 200),
        ("/wiki/no-such-article/", 404),
    ],
)
def test_public_pages_carry_the_security_headers_and_no_inline_code(site, path, status):
    response = Client().get(path, secure=True)
    assert response.status_code == status
    assert_hardened(response)


def test_the_edit_page_carries_the_security_headers_and_no_inline_code(site):
    _, editor = site
    client = Client()
    client.force_login(editor)
    response = client.get("/wiki/gardens/edit/", secure=True)
    assert response.status_code == 200
    assert_hardened(response)


def test_the_moderation_queue_carries_the_security_headers_and_no_inline_code(site, moderator):
    article, _ = site
    held_comment(article, "Cheap watches here")
    client = Client()
    client.force_login(moderator)
    for path in ("/moderation/", "/moderation/?tab=spam", "/moderation/log/"):
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert_hardened(response)
    assert "Cheap watches here" in client.get("/moderation/").content.decode()


def test_the_admin_works_under_the_strict_policy(site):
    """Django 5.2's admin needs no inline script or style: no exception for it."""
    article, _ = site
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    paths = ["/admin/", "/admin/auth/user/add/"]
    for model in admin.site._registry:
        opts = model._meta
        paths.append(f"/admin/{opts.app_label}/{opts.model_name}/")
    paths.append(f"/admin/wiki/article/{article.pk}/change/")
    for path in paths:
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert_hardened(response)


def test_session_and_csrf_cookies_are_secure_and_http_only(site):
    response = Client().get("/accounts/login/", secure=True)
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"]
    client = Client()
    client.post(
        "/accounts/signup/",
        {
            "username": "robin",
            "email": "robin@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        secure=True,
    )
    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


def test_plain_http_is_redirected_to_https_when_enforced(site, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/wiki/gardens/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/wiki/gardens/"


ROOT = Path(__file__).resolve().parents[2]


def check_deploy(**settings: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` with the production settings of .env.example, and these."""
    env = {key: value for key, value in os.environ.items() if key != "COMMONS_TESTING"}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="example.org")
    for name in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS"):
        env.pop(name, None)
    env.update(settings)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = check_deploy(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_the_https_redirect_has_no_proxy_header():
    result = check_deploy(SECURE_PROXY_SSL_HEADER="")
    assert result.returncode != 0
    assert "commons.W001" in result.stderr
    assert "redirects to itself endlessly" in result.stderr


def test_check_deploy_is_quiet_about_the_proxy_header_when_nothing_redirects():
    result = check_deploy(SECURE_PROXY_SSL_HEADER="", SECURE_SSL_REDIRECT="0")
    assert "commons.W001" not in result.stdout + result.stderr


def test_production_config_names_the_proxy_scheme_header():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name in ("web", "worker", "beat", "migrate"):
        header = compose["services"][name]["environment"]["SECURE_PROXY_SSL_HEADER"]
        assert header.endswith(":-HTTP_X_FORWARDED_PROTO,https}")
    env_example = (ROOT / ".env.example").read_text()
    assert re.search(r"^SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https$", env_example, re.M)


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "commons" / "settings.py").read_text()
    read = set(
        re.findall(
            r"""(?:env_flag|env_int|env_list|os\.environ\.get|os\.getenv)\(\s*["']([A-Z0-9_]+)""",
            settings_source,
        )
    ) | set(re.findall(r"""os\.environ\[["']([A-Z0-9_]+)""", settings_source))
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - listed == set()


def test_the_compose_file_names_the_production_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(services)
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "pg_isready" in str(services["db"]["healthcheck"]["test"])
    assert "ping" in services["redis"]["healthcheck"]["test"]


def compose_command() -> list[str] | None:
    """Docker's Compose plugin where it is installed, else Debian's docker-compose."""
    docker = shutil.which("docker")
    if docker:
        plugin = subprocess.run([docker, "compose", "version"], capture_output=True)  # noqa: S603
        if plugin.returncode == 0:
            return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone else None


def test_compose_accepts_the_compose_file_with_the_example_settings(tmp_path):
    command = compose_command()
    if command is None:
        missing("needs Compose: the docker compose plugin or Debian's docker-compose")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    checked = subprocess.run(  # noqa: S603
        [*command, "config", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
