"""Remove a spammer in one action: a preview that changes nothing, then one confirmed POST
that rolls back their current edits, marks the rest spam, blocks them and tells Akismet,
each change an ordinary logged move undone on its own. Nothing is deleted."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from moderation import blocks, services
from moderation.models import (
    Block,
    BlockScope,
    LogAction,
    LogEntry,
    ModerationCase,
    ModerationEvent,
)
from moderation.states import Status
from tests.factories import UserFactory
from tests.fakes.akismet import FakeAkismet, FakeAkismetServer
from tests.moderation.queue_helpers import case_of
from tests.website.spammer_helpers import SPAM, spam_world
from website import spammers
from wiki.models import Article, Revision

pytestmark = pytest.mark.django_db

IP = "203.0.113.66"
EDITS, COMMENTS = 8, 4  # the spammer becomes trusted after 5: later items have no case


@pytest.fixture
def akismet_fake(settings):
    """The fake Akismet over real HTTP on 127.0.0.1, reached as production reaches Akismet
    (AKISMET_API_URL); tasks run in-process (no REDIS_URL)."""
    fake = FakeAkismet()
    with FakeAkismetServer(fake) as server:
        settings.AKISMET_API_KEY = "test-key"
        settings.AKISMET_BLOG_URL = "http://commons.test/"
        settings.AKISMET_API_URL = server.url
        settings.MODERATION_RETRY_BASE_SECONDS = 0
        yield fake


@pytest.fixture
def good_user(db):
    return UserFactory(username="gardener")


@pytest.fixture
def spammer(db):
    return UserFactory(username="pillseller")


@pytest.fixture
def world(good_user, spammer, akismet_fake, django_capture_on_commit_callbacks):
    """The spammer's work, each item checked by the fake Akismet (which took it for ham)."""
    with django_capture_on_commit_callbacks(execute=True):
        made = spam_world(good_user=good_user, spammer=spammer, edits=EDITS, comments=COMMENTS)
    akismet_fake.calls.clear()
    return made


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def url(spammer):
    return f"/users/{spammer.username}/remove-spammer/"


def row_counts() -> dict[str, int]:
    """Rows of every table that holds what people wrote or what was done to it."""
    models = [
        model
        for label in ("wiki", "comments", "moderation", "auth", "notifications")
        for model in apps.get_app_config(label).get_models()
    ]
    return {model._meta.label: model._default_manager.count() for model in models}


def confirm(client, spammer, django_capture_on_commit_callbacks, reason="Pill spam", **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url(spammer), {"reason": reason, "scope": "all", "span": "", **extra})


def visible_to_readers(world) -> str:
    """Everything a signed-out reader can read about the affected articles."""
    reader = Client()
    cache.clear()
    paths = ["/recent/", "/recent/?tab=comments", "/feeds/recent/", "/search/?q=cheap+pills"]
    for slug in (*world.good, *world.created):
        paths += [f"/wiki/{slug}/", f"/wiki/{slug}/feed/", f"/wiki/{slug}/comments/feed/"]
        paths += [f"/wiki/{slug}/history/"]
    pages = []
    for path in paths:
        response = reader.get(path, follow=True)
        assert response.status_code in (200, 404, 410), path
        pages.append(response.content.decode())
    return "\n".join(pages)


def test_the_preview_lists_everything_and_changes_nothing(world, mod_client, spammer):
    before = row_counts()
    events = ModerationEvent.objects.count()
    response = mod_client.get(url(spammer))
    assert response.status_code == 200
    plan = response.context["plan"]
    # compost has a good edit on top; pills and watches only they wrote: archived
    assert plan.roll_back_count == 4
    assert {article.slug for article in plan.roll_back} == {"gardens", "bees", *world.created}
    assert plan.revision_count == EDITS
    assert plan.comment_count == COMMENTS  # the one they removed stays removed
    page = response.content.decode()
    assert "Confirm" in page and 'name="reason"' in page and "csrfmiddlewaretoken" in page
    assert "goes back to" in page and "archived" in page  # pills and watches: only theirs
    assert row_counts() == before
    assert ModerationEvent.objects.count() == events
    assert not Block.objects.exists()
    assert SPAM in visible_to_readers(world)  # untouched: readers still see it


def test_one_action_cleans_every_page_blocks_and_tells_akismet_once_per_item(
    world, mod_client, spammer, moderator, akismet_fake, django_capture_on_commit_callbacks
):
    before = row_counts()
    assert SPAM in visible_to_readers(world)
    uncased = (
        Revision.objects.filter(author=spammer).count()
        - ModerationCase.objects.filter(
            content_type__model="revision", object_id__in=Revision.objects.filter(author=spammer)
        ).count()
    )
    assert uncased > 0  # once trusted, their edits had no case: the action opens them

    response = confirm(mod_client, spammer, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == url(spammer)

    for slug, text in world.good.items():
        article = Article.objects.select_related("current_revision").get(slug=slug)
        assert text in article.current_revision.source
        assert SPAM not in article.current_revision.source
    for slug in world.created:
        assert Article.objects.get(slug=slug).is_archived
    gardens = Article.objects.select_related("current_revision").get(slug="gardens")
    assert gardens.current_revision.author == moderator  # a rollback: a new revision
    assert "Rolled back edits by pillseller" in gardens.current_revision.summary
    for revision in Revision.objects.filter(author=spammer).select_related("article"):
        assert revision.is_hidden or revision.article.is_archived
        assert case_of(revision).status == Status.SPAM
    for comment in world.comments:
        comment.refresh_from_db()
        assert comment.status == Status.SPAM
    world.removed_comment.refresh_from_db()
    assert world.removed_comment.status == Status.REMOVED
    assert SPAM not in visible_to_readers(world)

    block = blocks.active_block(user=spammer, doing=BlockScope.COMMENT)
    assert block is not None and block.scope == BlockScope.ALL and block.reason == "Pill spam"
    assert block.expires_at is None

    reports = akismet_fake.calls_to("submit-spam")
    assert len(reports) == EDITS + COMMENTS
    contents = [call.params["comment_content"] for call in reports]
    assert len(set(contents)) == len(contents)  # one per item, none twice
    assert akismet_fake.calls_to("comment-check") == []

    entries = LogEntry.objects.filter(action=LogAction.REMOVE_SPAMMER)
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.actor, entry.target_label) == (moderator, "pillseller")
    assert entry.reason.startswith("Pill spam (rolled back 2 articles, archived 2 articles")

    after = row_counts()
    assert all(after[label] >= count for label, count in before.items()), "a row was deleted"
    assert after["wiki.Revision"] == before["wiki.Revision"] + 2  # the two rollbacks
    assert after["comments.Comment"] == before["comments.Comment"]

    page = mod_client.get(url(spammer))
    assert "Done for pillseller" in page.content.decode()
    assert page.context["plan"].total == 0 and page.context["plan"].fully_blocked


def test_running_it_again_changes_nothing_and_sends_nothing(
    world, mod_client, spammer, akismet_fake, django_capture_on_commit_callbacks
):
    confirm(mod_client, spammer, django_capture_on_commit_callbacks)
    counts = row_counts()
    sent = len(akismet_fake.calls)
    response = confirm(mod_client, spammer, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert row_counts() == counts
    assert len(akismet_fake.calls) == sent
    assert LogEntry.objects.filter(action=LogAction.REMOVE_SPAMMER).count() == 1
    assert "Nothing was left to change" in mod_client.get(url(spammer)).content.decode()


def test_each_change_is_undone_on_its_own(
    world, mod_client, spammer, moderator, django_capture_on_commit_callbacks
):
    confirm(mod_client, spammer, django_capture_on_commit_callbacks)
    comment = world.comments[0]
    services.approve(case=case_of(comment), moderator=moderator, reason="This one was fine")
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert (
        Comment.objects.filter(pk__in=[c.pk for c in world.comments[1:]])
        .exclude(status=Status.SPAM)
        .count()
        == 0
    )
    edit = Revision.objects.filter(author=spammer, article__slug="compost").first()
    services.approve(case=case_of(edit), moderator=moderator)
    edit.refresh_from_db()
    assert not edit.is_hidden
    assert Revision.objects.filter(author=spammer, is_hidden=True).exclude(pk=edit.pk).exists()


def test_a_good_edit_made_after_the_preview_is_never_rolled_back(
    world, mod_client, spammer, good_user, django_capture_on_commit_callbacks
):
    from tests.conftest import contributor
    from tests.website.spammer_helpers import edit

    assert mod_client.get(url(spammer)).context["plan"].roll_back_count == 4
    fixed = edit("gardens", "Gardens, fixed by hand after the spam.\n", contributor(good_user))
    confirm(mod_client, spammer, django_capture_on_commit_callbacks)
    gardens = Article.objects.get(slug="gardens")
    assert gardens.current_revision_id == fixed.pk
    assert not Revision.objects.filter(author=spammer, article=gardens, is_hidden=False).exists()


def test_only_moderators_see_or_use_it(world, spammer, user, client):
    for path in (url(spammer), f"/moderation/addresses/{IP}/"):
        assert client.get(path).status_code == 302  # to the log-in page
        assert "/accounts/login/" in client.get(path)["Location"]
    client.force_login(user)
    for path in (
        url(spammer),
        f"/moderation/addresses/{IP}/",
        f"{'/moderation/addresses/'}{IP}/remove-spammer/",
    ):
        response = client.get(path)
        assert response.status_code == 403
        assert IP not in response.content.decode()
    before = row_counts()
    assert client.post(url(spammer), {"reason": "x", "scope": "all"}).status_code == 403
    assert row_counts() == before


def test_refused_for_moderators_and_staff(mod_client, moderator, good_user, db):
    staff = UserFactory(username="admin-person", is_staff=True)
    other_mod = UserFactory(username="othermod")
    other_mod.groups.add(Group.objects.get(name="moderators"))
    for person in (staff, other_mod, moderator):
        response = mod_client.get(url(person))
        assert response.status_code == 403
        assert "is a moderator or an administrator" in response.content.decode()
        assert 'name="reason"' not in response.content.decode()
        before = row_counts()
        assert mod_client.post(url(person), {"reason": "x", "scope": "all"}).status_code == 403
        assert row_counts() == before


def test_a_reason_is_required_and_nothing_happens_without_one(world, mod_client, spammer):
    before = row_counts()
    response = mod_client.post(url(spammer), {"reason": "  ", "scope": "all", "span": ""})
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    assert row_counts() == before


def test_a_run_stops_at_its_limit_and_the_next_run_does_the_rest(
    world, mod_client, spammer, monkeypatch, akismet_fake, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(spammers, "MAX_CHANGES", 5)
    preview = mod_client.get(url(spammer)).content.decode()
    assert "one run makes at most 5" in preview
    response = confirm(mod_client, spammer, django_capture_on_commit_callbacks)
    page = mod_client.get(response["Location"]).content.decode()
    assert "run it again" in page
    # Roll-backs come first; no current edit of theirs was marked spam before its rollback.
    for slug in ("gardens", "bees"):
        article = Article.objects.select_related("current_revision").get(slug=slug)
        assert SPAM not in article.current_revision.source
    runs = 1
    while mod_client.get(url(spammer)).context["plan"].total:
        confirm(mod_client, spammer, django_capture_on_commit_callbacks)
        runs += 1
        assert runs < 10
    assert runs == 4  # 4 + 8 + 4 changes, 5 a run
    assert len(akismet_fake.calls_to("submit-spam")) == EDITS + COMMENTS
    assert Block.objects.count() == 1


def test_an_address_is_removed_and_blocked_for_a_week(
    good_user, mod_client, akismet_fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        world = spam_world(good_user=good_user, spammer=None, ip=IP, edits=6, comments=3)
    akismet_fake.calls.clear()
    listing = mod_client.get(f"/moderation/addresses/{IP}/")
    assert listing.status_code == 200
    assert listing.context["counts"] == {"edits": 6, "comments": 3}
    assert "Remove spammer" in listing.content.decode()
    comments = mod_client.get(f"/moderation/addresses/{IP}/?tab=comments").content.decode()
    assert "Pill Seller" in comments
    path = f"/moderation/addresses/{IP}/remove-spammer/"
    assert mod_client.get(path).context["form"]["span"].value() == "7"
    with django_capture_on_commit_callbacks(execute=True):
        response = mod_client.post(path, {"reason": "Spam run", "scope": "all", "span": "7"})
    assert response.status_code == 302
    assert SPAM not in visible_to_readers(world)
    block = blocks.active_block(ip=IP, doing=BlockScope.EDIT)
    assert block is not None and block.network == IP and block.expires_at is not None
    assert blocks.active_block(ip="203.0.113.67", doing=BlockScope.EDIT) is None
    assert len(akismet_fake.calls_to("submit-spam")) == 6 + 3
    entry = LogEntry.objects.get(action=LogAction.REMOVE_SPAMMER)
    assert (entry.target_kind, entry.target_id) == ("address", IP)


@pytest.mark.parametrize("address", ["not-an-ip", "300.1.1.1", "1.2.3.4.5", "1" * 80])
def test_a_bad_address_is_not_found(mod_client, address):
    assert mod_client.get(f"/moderation/addresses/{address}/").status_code == 404
    assert mod_client.get(f"/moderation/addresses/{address}/remove-spammer/").status_code == 404


def test_an_ipv6_address_is_shown_in_its_usual_spelling(mod_client):
    response = mod_client.get("/moderation/addresses/2001:0db8:0000::0001/")
    assert response.status_code == 302
    assert response["Location"] == "/moderation/addresses/2001:db8::1/"


def test_moderators_find_the_action_on_the_users_page(world, mod_client, spammer, user):
    assert url(spammer) in mod_client.get(f"/users/{spammer.username}/").content.decode()
    reader = Client()
    reader.force_login(user)
    assert url(spammer) not in reader.get(f"/users/{spammer.username}/").content.decode()


def queries_for(client, path) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


# With the header's bell (the moderator's unread notices).
PREVIEW_BUDGET = 15  # an account; an address costs 13 (no role to look up)
ADDRESS_BUDGET = 8


def test_the_preview_and_address_pages_cost_a_fixed_number_of_queries(good_user, mod_client, db):
    small, big = UserFactory(username="small"), UserFactory(username="big")
    spam_world(good_user=good_user, spammer=small, edits=2, comments=1)
    spam_world(good_user=good_user, spammer=big, edits=12, comments=8)
    spam_world(good_user=good_user, spammer=None, ip="198.51.100.1", edits=2, comments=1)
    spam_world(good_user=good_user, spammer=None, ip="198.51.100.2", edits=12, comments=8)
    few = queries_for(mod_client, url(small))
    many = queries_for(mod_client, url(big))
    assert few == many <= PREVIEW_BUDGET, (few, many)
    for tab in ("", "?tab=comments"):
        few = queries_for(mod_client, f"/moderation/addresses/198.51.100.1/{tab}")
        many = queries_for(mod_client, f"/moderation/addresses/198.51.100.2/{tab}")
        assert few == many <= ADDRESS_BUDGET, (tab, few, many)


def test_the_new_pages_are_valid_html(world, good_user, mod_client, moderator, tmp_path):
    from tests.commons.test_html_validity import validate

    spam_world(good_user=good_user, spammer=None, ip="198.51.100.5", edits=2, comments=1)
    address = "/moderation/addresses/198.51.100.5/"
    pages = {
        "remove-spammer-preview": (url(world.comments[0].author), 200),
        "remove-spammer-refused": (url(moderator), 403),
        "address-edits": (address, 200),
        "address-comments": (f"{address}?tab=comments", 200),
        "remove-spammer-address": (f"{address}remove-spammer/", 200),
    }
    files = []
    for name, (path, status) in pages.items():
        response = mod_client.get(path)
        assert response.status_code == status, name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    errors = validate(files)
    assert not errors, "\n".join(errors)
