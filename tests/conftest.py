"""Shared fixtures, and the rule for missing services: skip on a laptop, fail in CI."""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from commons.dbtriggers import ALLOW_TRUNCATE, FORBID_TRUNCATE
from tests.factories import UserFactory
from tests.fakes.redis import PrivateRedis
from wiki.services import Contributor

IN_CI = bool(os.environ.get("CI"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CORPORA = Path(__file__).resolve().parent / "corpora"


def missing(reason: str) -> None:
    """A test whose service is missing fails in CI and is skipped (with the reason) elsewhere."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _test_databases_may_be_emptied():
    """Transactional tests are reset with Django's flush, a TRUNCATE, which kept tables refuse
    on PostgreSQL unless the transaction allows it (commons.dbtriggers): this flush only."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return flush(self, [ALLOW_TRUNCATE, *sql_list, FORBID_TRUNCATE])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing():
    """Every factory account hashes its password: PBKDF2's million rounds (a third of a
    second each) made up much of the suite's time. Passwords are still hashed and checked,
    with a quick hasher; which hasher a site uses is Django's, not ours, to test."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and flags in the cache must not leak from one test to another."""
    cache.clear()


@pytest.fixture(autouse=True)
def _trust_by_contributions_alone(settings):
    """Factories make accounts that joined a moment ago: tests earn trust levels by accepted
    contributions alone, unless they set the days (tests/moderation/test_trust_levels.py)."""
    settings.MODERATION_MEMBER_DAYS = 0
    settings.MODERATION_TRUSTED_DAYS = 0


@pytest.fixture(autouse=True)
def _required_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("browser") and not Path(CHROMIUM).exists():
        missing("needs Debian's chromium at /usr/bin/chromium")


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def moderator(db):
    person = UserFactory(username="mod")
    person.groups.add(Group.objects.get_or_create(name="moderators")[0])
    return person


def contributor(user=None, *, ip="203.0.113.7") -> Contributor:
    if user is None:
        return Contributor(user=None, name="Anonymous", ip=ip)
    return Contributor(user=user, name=user.username, ip=ip)


@pytest.fixture
def akismet_fake(settings):
    """The real akismet client talking to the fake Akismet through an in-process transport."""
    from moderation import akismet
    from tests.fakes.akismet import FakeAkismet

    fake = FakeAkismet()
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_BLOG_URL = "http://commons.test/"
    settings.MODERATION_RETRY_BASE_SECONDS = 0
    akismet.transport_override = fake.transport()
    yield fake
    akismet.transport_override = None


@pytest.fixture
def redis_server():
    """A private redis-server, so a test may stop it and start it again."""
    if not (shutil.which("redis-server") or Path("/usr/bin/redis-server").exists()):
        missing("needs redis-server")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the task sends) as a real commit would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
