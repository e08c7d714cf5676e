"""Collected static files, served as in production (DEBUG off, hashed names, WhiteNoise)."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client


@pytest.fixture
def collected(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--noinput", verbosity=0)


def test_hashed_static_files_are_cached_for_a_year_and_marked_immutable(collected):
    url = staticfiles_storage.url("commons/site.css")
    assert re.fullmatch(r"/static/commons/site\.[0-9a-f]{12}\.css", url)
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=31536000, public, immutable"


def test_a_static_file_asked_for_by_its_plain_name_is_cached_briefly(collected):
    response = Client().get("/static/commons/site.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=60, public"
