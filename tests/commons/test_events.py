"""Events told upward reach their listeners only once the write that announced them has
committed, and one failing listener neither stops the others nor undoes the write."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from commons import events
from commons.roles import require_moderator

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Happened:
    thing_id: int


@pytest.fixture
def heard(monkeypatch):
    monkeypatch.setattr(events, "_listeners", events.defaultdict(list))
    heard = []
    events.listen(Happened, heard.append)
    return heard


def test_a_listener_hears_an_event_after_the_write_commits(heard):
    with transaction.atomic():
        events.announce(Happened(1))
        assert heard == []
    assert heard == [Happened(1)]


def test_a_rolled_back_write_tells_nobody(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.announce(Happened(2))
        raise RuntimeError("the write failed")
    assert heard == []


def test_a_failing_listener_does_not_stop_the_others_nor_undo_the_write(heard, caplog):
    def broken(event):
        raise ValueError("listener broke")

    events.listen(Happened, broken)
    events.listen(Happened, heard.append)  # registered once, whatever the number of calls
    with transaction.atomic():
        user = get_user_model().objects.create_user("writer")
        events.announce(Happened(3))
    assert heard == [Happened(3)]
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert "listener broke" in caplog.text


def test_only_moderators_pass_the_moderators_gate(user, moderator):
    require_moderator(moderator)
    with pytest.raises(PermissionDenied):
        require_moderator(user)
