"""The moderators' blocks page: the list, the form that adds a block, unblock per row, and
the "Block" link on a user's contributions page."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from moderation import blocks
from moderation.models import Block, BlockScope, LogAction, LogEntry
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db

URL = "/moderation/blocks/"


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def add(client, **data):
    return client.post(URL, {"scope": "all", "expiry": "never", "reason": "Spam", **data})


def test_non_moderators_get_403_on_the_page_and_its_posts(client, user, moderator):
    made = blocks.block(by=moderator, network="192.0.2.0/24", reason="Spam")
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert add(client, target="198.51.100.1").status_code == 403
    assert client.post(f"/moderation/blocks/{made.pk}/unblock/").status_code == 403
    assert Block.objects.count() == 1
    assert Block.objects.active().count() == 1


def test_signed_out_visitors_are_sent_to_log_in(client, moderator):
    made = blocks.block(by=moderator, network="192.0.2.0/24", reason="Spam")
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    assert add(client, target="198.51.100.1").status_code == 302
    client.post(f"/moderation/blocks/{made.pk}/unblock/")
    assert Block.objects.count() == 1 and Block.objects.active().count() == 1


def test_the_page_lists_active_blocks_with_who_what_why_since_and_until(
    mod_client, moderator, user
):
    ends = timezone.now() + datetime.timedelta(days=7)
    blocks.block(by=moderator, user=user, scope=BlockScope.COMMENT, reason="Abuse", expires_at=ends)
    blocks.block(by=moderator, network="2001:db8::/48", scope=BlockScope.EDIT, reason="Vandal")
    lifted = blocks.block(by=moderator, network="192.0.2.9", reason="Old")
    blocks.unblock(block=lifted, by=moderator)
    body = mod_client.get(URL).content.decode()
    assert "Active blocks (2)" in body
    assert (
        f'<a href="/users/{user.username}/">{user.username}</a> <span class="help">(account)'
        in body
    )
    assert "<code>2001:db8::/48</code>" in body and "(range)" in body
    assert "commenting" in body and "editing" in body
    assert "Abuse" in body and "Vandal" in body
    assert f'<a href="/users/{moderator.username}/">{moderator.username}</a>' in body
    assert ends.strftime("%-d %b %Y") in body and ">never<" in body
    assert "192.0.2.9" not in body  # lifted: gone from the list, kept in the log
    assert body.count("Unblock<span") == 2
    assert 'aria-current="page">Blocks</a>' in body


def test_a_moderator_blocks_a_range_and_it_is_logged(mod_client, moderator):
    response = add(
        mod_client, target="203.0.113.5/24", scope="comment", expiry="1w", reason="Spam run"
    )
    assert response.status_code == 302
    block = Block.objects.get()
    assert (block.network, block.scope, block.reason) == ("203.0.113.0/24", "comment", "Spam run")
    week = timezone.now() + datetime.timedelta(weeks=1)
    assert abs((block.expires_at - week).total_seconds()) < 60
    entry = LogEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_label) == (
        LogAction.BLOCK,
        moderator,
        "203.0.113.0/24",
    )
    page = mod_client.get(URL).content.decode()
    assert "Blocked 203.0.113.0/24 from commenting until" in page


def test_a_moderator_blocks_an_account_until_a_date(mod_client, user):
    day = (timezone.now() + datetime.timedelta(days=10)).date()
    response = add(mod_client, target=user.username, expiry="date", until=day.isoformat())
    assert response.status_code == 302
    block = Block.objects.get()
    assert block.user == user and block.network == ""
    assert block.expires_at == datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"target": "nobody-here"}, "target", "No account is called “nobody-here”"),
        ({"target": "203.0.113.300"}, "target", "is not an IP address or a range"),
        ({"target": "2001:db8::zz"}, "target", "is not an IP address or a range"),
        ({"target": "10.0.0.0/8"}, "target", "/8 would block too many people"),
        ({"target": "2001:db8::/20"}, "target", "/20 would block too many people"),
        ({"target": "192.0.2.1", "reason": "   "}, "reason", "This field is required"),
        ({"target": "192.0.2.1", "expiry": "date"}, "until", "Pick the day the block ends"),
        ({"target": "192.0.2.1", "expiry": "date", "until": "2001-01-01"}, "until", "after today"),
        ({"target": "192.0.2.1", "scope": "reading"}, "scope", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_kept(mod_client, data, field, message):
    response = add(mod_client, **data)
    assert response.status_code == 400
    body = response.content.decode()
    errors = re.findall(rf'<p class="error" id="id_{field}_error">(.*?)</p>', body)
    assert any(message in error.replace("&quot;", '"') for error in errors), errors
    assert f'value="{data["target"]}"' in body  # what they typed is still in the form
    assert not Block.objects.exists()


def test_unblocking_is_one_post_logged_and_restores_writing(mod_client, moderator, user):
    make_article(title="Gardens", user=user)
    made = blocks.block(by=moderator, network="127.0.0.0/24", scope="comment", reason="Spam")
    writer = Client()
    writer.force_login(user)
    assert writer.post("/wiki/gardens/comments/", {"body": "Hello"}).status_code == 403
    response = mod_client.post(f"/moderation/blocks/{made.pk}/unblock/")
    assert response["Location"] == URL
    made.refresh_from_db()
    assert made.lifted_by == moderator
    assert LogEntry.objects.filter(action=LogAction.UNBLOCK, target_label="127.0.0.0/24").exists()
    assert writer.post("/wiki/gardens/comments/", {"body": "Hello"}).status_code == 302
    again = mod_client.post(f"/moderation/blocks/{made.pk}/unblock/", follow=True)
    assert "was already lifted" in again.content.decode()
    assert LogEntry.objects.filter(action=LogAction.UNBLOCK).count() == 1
    assert Block.objects.count() == 1
    assert mod_client.get(f"/moderation/blocks/{made.pk}/unblock/").status_code == 405


def test_the_contributions_page_offers_moderators_a_prefilled_block(client, mod_client, user):
    link = f'href="/moderation/blocks/?target={user.username}"'
    assert link in mod_client.get(f"/users/{user.username}/").content.decode()
    assert link not in client.get(f"/users/{user.username}/").content.decode()
    client.force_login(user)
    assert link not in client.get(f"/users/{user.username}/").content.decode()
    form = mod_client.get(f"/moderation/blocks/?target={user.username}").content.decode()
    assert f'name="target" value="{user.username}"' in form


def test_the_contributions_page_tells_moderators_only_that_the_account_is_blocked(
    client, mod_client, moderator, user
):
    blocks.block(by=moderator, user=user, scope="comment", reason="Abusive replies")
    shown = "Blocked from commenting with no end: Abusive replies"
    assert shown in mod_client.get(f"/users/{user.username}/").content.decode()
    assert "Abusive replies" not in client.get(f"/users/{user.username}/").content.decode()


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_blocks(
    mod_client, moderator
):
    people = get_user_model().objects.bulk_create(
        get_user_model()(username=f"person{n}", is_superuser=n % 2) for n in range(62)
    )
    for person in people[:2]:
        blocks.block(by=moderator, user=person, reason="Few")
    few = queries(mod_client, URL)
    for n, person in enumerate(people[2:]):
        blocks.block(by=moderator, user=person, reason=f"Many {n}")
        blocks.block(by=people[1], network=f"198.51.100.{n}", reason="By a superuser")
    many = queries(mod_client, URL)
    assert few == many
    # The session, the user, their groups, the count, the page of blocks with their accounts
    # and moderators, the header's queue count and its bell (unread notices).
    assert many == 7
    assert queries(mod_client, URL + "?page=3") == many


def test_the_blocks_page_and_the_blocked_page_are_valid_html(mod_client, moderator, user, tmp_path):
    from tests.commons.test_html_validity import validate

    make_article(title="Gardens", user=user)
    blocks.block(by=moderator, user=user, scope="comment", reason="Abuse")
    blocks.block(
        by=moderator,
        network="192.0.2.0/24",
        reason="Spam",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    blocked = Client()
    blocked.force_login(user)
    pages = {
        "blocks": mod_client.get(URL),
        "blocks-errors": add(mod_client, target="10.0.0.0/8", reason=""),
        "blocked": blocked.post("/wiki/gardens/comments/", {"body": "Hello <b>there</b>"}),
        "blocked-signup": Client(REMOTE_ADDR="192.0.2.7").get("/accounts/signup/"),
    }
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 400, 403), name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    errors = validate(files)
    assert not errors, "\n".join(errors)
