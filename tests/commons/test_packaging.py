"""The built wheel is the whole site: installed into a fresh virtualenv and run from a folder
outside the source tree, it passes Django's checks, keeps its data in that folder, and serves
pages made from its templates and static files.

The virtualenv is made without system site-packages and takes its dependencies from PyPI
(pip's cache makes a second run quick).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import missing

ROOT = Path(__file__).resolve().parents[2]
APPS = ("commons", "wiki", "comments", "moderation", "notifications", "website")
# What the build does not read: local state, build output, and what only developers use.
NOT_BUILT = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "var",
    "staticfiles",
    "build",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "tests",
    "bench",
    "docs",
)
# The settings a developer's shell may carry that would point the site elsewhere.
LOCAL_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "STATIC_ROOT",
    "COMMONS_TESTING",
    "DJANGO_SETTINGS_MODULE",
    "PYTHONPATH",
    "VIRTUAL_ENV",
)


def run(args: list[str | Path], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - our own programs, fixed arguments
        [str(arg) for arg in args], capture_output=True, text=True, check=False, **kwargs
    )
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip wheel` builds from a clean copy of the source tree."""
    try:
        urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=10).close()  # noqa: S310
    except OSError as error:
        missing(f"needs PyPI to build and install the wheel ({error})")
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_BUILT)
    dist = work / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source])
    (built,) = dist.glob("commons-*.whl")
    return built


def test_the_wheel_carries_every_app_module_template_and_static_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "notifications/models.py" in names
    assert "website/management/commands/seed_demo.py" in names
    assert "wiki/migrations/0001_initial.py" in names
    assert "commons/share/templates/base.html" in names
    assert "commons/share/static/commons/site.css" in names

    def files(folder: Path) -> set[Path]:
        return {
            path.relative_to(folder)
            for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }

    for app in APPS:
        missing_modules = {f"{app}/{path.as_posix()}" for path in files(ROOT / app)} - names
        assert missing_modules == set(), f"left out of the wheel: {sorted(missing_modules)}"
    for folder in ("templates", "static"):
        shipped = {f"commons/share/{folder}/{path.as_posix()}" for path in files(ROOT / folder)}
        assert shipped - names == set(), f"left out of the wheel: {sorted(shipped - names)}"
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    assert "commons = commons.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


RENDER = r"""
import json, os, re
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commons.settings")
import django
django.setup()
import commons
from django.test import Client
client = Client()
home = client.get("/")
stylesheet = re.search(r'href="(/static/commons/site\.[^"]*css)"', home.content.decode())[1]
css = client.get(stylesheet)
print(json.dumps({
    "package": commons.__file__,
    "status": home.status_code,
    "html": home.content.decode(),
    "stylesheet": stylesheet,
    "css_status": css.status_code,
    "css_cache": css["Cache-Control"],
}))
"""


def test_the_installed_wheel_runs_a_site_from_a_folder_outside_the_source_tree(wheel, tmp_path):
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    # This environment's pip installs into the fresh one (quicker than bootstrapping its own).
    pip = [sys.executable, "-m", "pip", "--python", python]
    run([*pip, "install", "-q", "--disable-pip-version-check", wheel])

    site = tmp_path / "site"
    site.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in LOCAL_SETTINGS}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        PATH=f"{environment / 'bin'}{os.pathsep}{env.get('PATH', '')}",
    )
    commons = [environment / "bin" / "commons"]

    checked = run([*commons, "check"], cwd=site, env=env)
    assert "System check identified no issues" in checked.stdout
    run([*commons, "migrate", "--noinput", "-v0"], cwd=site, env=env)
    run([*commons, "collectstatic", "--noinput", "-v0"], cwd=site, env=env)

    # What the site writes lands in the folder it runs from, never in site-packages.
    assert (site / "var" / "commons.sqlite3").is_file()
    assert list((site / "staticfiles" / "commons").glob("site.*.css"))
    (site_packages,) = environment.glob("lib/python*/site-packages")
    assert not (site_packages / "var").exists()
    assert not (site_packages / "staticfiles").exists()

    rendered = run([python, "-c", RENDER], cwd=site, env=env)
    page = json.loads(rendered.stdout.strip().splitlines()[-1])
    assert Path(page["package"]).is_relative_to(site_packages)
    assert page["status"] == 200
    html = page["html"]
    assert re.search(r"<title>[^<]*Commons</title>", html)
    assert 'action="/search/"' in html and 'href="/recent/"' in html
    assert re.fullmatch(r"/static/commons/site\.[0-9a-f]{12}\.css", page["stylesheet"])
    assert page["css_status"] == 200
    assert page["css_cache"] == "max-age=31536000, public, immutable"


def test_the_image_installs_the_wheel_and_runs_the_installed_command():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "PYTHONPATH" not in dockerfile
    assert "pip wheel" in dockerfile
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "manage.py" not in compose, "the image has no source tree: use `commons <command>`"
    assert '["commons", "migrate", "--noinput"]' in compose
