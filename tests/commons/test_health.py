"""/healthz: database, cache and broker, each ok or not; 503 when any is down."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import missing
from tests.fakes.redis import PrivateRedis, free_port

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_everything_is_ok_with_tasks_in_process(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok (in-process)"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_pings_a_live_redis_broker(client, settings):
    if not (shutil.which("redis-server") or Path("/usr/bin/redis-server").exists()):
        missing("needs redis-server")
    redis_server = PrivateRedis()
    redis_server.start()
    try:
        settings.CELERY_BROKER_URL = redis_server.url
        response = client.get("/healthz")
    finally:
        redis_server.stop()
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "down"}


def test_healthz_answers_plain_http_even_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_BROKER_URL = "memory://"
    assert client.get("/healthz").status_code == 200
    assert client.get("/recent/").status_code == 301
