import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from tests.factories import UserFactory
from wiki.permissions import can_moderate

pytestmark = pytest.mark.django_db


def is_moderator(user) -> bool:
    user.refresh_from_db()
    return can_moderate(user)


def test_make_moderator_adds_the_user_to_the_moderators_group_creating_it(capsys):
    user = UserFactory(username="robin")
    Group.objects.filter(name="moderators").delete()
    call_command("make_moderator", "robin")
    assert is_moderator(user)
    assert "robin is now a moderator" in capsys.readouterr().out


def test_make_moderator_twice_changes_nothing_the_second_time():
    user = UserFactory(username="robin")
    call_command("make_moderator", "robin")
    call_command("make_moderator", "robin")
    assert list(user.groups.values_list("name", flat=True)) == ["moderators"]


def test_make_moderator_remove_takes_the_user_out_and_keeps_the_others():
    robin, sam = UserFactory(username="robin"), UserFactory(username="sam")
    call_command("make_moderator", "robin")
    call_command("make_moderator", "sam")
    call_command("make_moderator", "robin", "--remove")
    assert not is_moderator(robin)
    assert is_moderator(sam)


def test_make_moderator_for_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("make_moderator", "nobody")
