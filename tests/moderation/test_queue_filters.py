"""The queue on a busy day: filter by kind, order oldest or newest first, select all on a
page, each author's standing, all at a fixed cost in queries."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commons.html import html_datetime
from moderation import services
from moderation.models import ModerationCase
from moderation.states import Status
from moderation.trust import is_trusted, standings
from tests.comments.helpers import post, signed_in
from tests.factories import UserFactory
from tests.moderation.queue_helpers import case_of, held_comment, held_edit
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def shown_cases(client, url="/moderation/") -> list[int]:
    """The ids of the cases the page shows, in its order."""
    response = client.get(url)
    assert response.status_code == 200, url
    return [int(pk) for pk in re.findall(r'<li class="queue-item" id="case-(\d+)"', response.text)]


@pytest.fixture
def one_of_each(moderator):
    """One item of every kind waiting for review, in this order of arrival: a comment, a
    reply, an edit, a new article; each arrived an hour after the one before."""
    article = make_article(title="Orchard", texts=("Apple trees.\n",), user=moderator)
    comment = held_comment(article, "Who prunes the trees?")
    published = post(article, "A published comment", author=signed_in(moderator))
    reply = post(article, "Me, in March.", author=signed_in(UserFactory()), parent=published)
    edit = held_edit(article, "Apple trees.\n\nAnd pears.\n", user=UserFactory())
    creator = UserFactory()
    new_article = make_article(title="Pears", texts=("Pear trees.\n",), user=creator)
    items = {
        "comment": case_of(comment),
        "reply": case_of(reply),
        "edit": case_of(edit),
        "new-article": case_of(new_article.current_revision),
    }
    start = timezone.now() - timedelta(days=1)
    for hour, case in enumerate(items.values()):
        ModerationCase.objects.filter(pk=case.pk).update(created_at=start + timedelta(hours=hour))
    assert all(case.state == "needs_review" for case in items.values())
    return {name: case.pk for name, case in items.items()}


# Filter by kind


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("comment", {"comment", "reply"}),
        ("edit", {"edit"}),
        ("new-article", {"new-article"}),
        ("", {"comment", "reply", "edit", "new-article"}),
    ],
)
def test_the_kind_filter_shows_only_items_of_that_kind(mod_client, one_of_each, kind, expected):
    shown = shown_cases(mod_client, f"/moderation/?kind={kind}")
    assert set(shown) == {one_of_each[name] for name in expected}


@pytest.mark.parametrize("kind", ["comment", "edit", "new-article"])
def test_the_kind_filter_works_on_every_tab(mod_client, moderator, one_of_each, kind):
    for pk in one_of_each.values():
        services.mark_spam(case=ModerationCase.objects.get(pk=pk), moderator=moderator)
    of_kind = {one_of_each[name] for name in one_of_each if _kind_of(name) == kind}
    for tab in ("spam", "decided"):
        assert set(shown_cases(mod_client, f"/moderation/?tab={tab}&kind={kind}")) == of_kind
    assert shown_cases(mod_client, f"/moderation/?kind={kind}") == []


def _kind_of(name: str) -> str:
    return "comment" if name == "reply" else name


def test_the_filtered_count_and_title_name_the_kind(mod_client, one_of_each):
    body = mod_client.get("/moderation/?kind=comment").text
    assert "Needs review: comments · 2 items" in body
    assert "<title>Moderation: Needs review, comments" in body
    assert '<option value="comment" selected>Comments</option>' in body


def test_a_kind_with_nothing_waiting_says_so_and_offers_every_kind(mod_client, moderator):
    held_comment(make_article(title="Lane", user=moderator), "Hello")
    body = mod_client.get("/moderation/?kind=new-article&sort=newest").text
    assert "Nothing of this kind here." in body
    assert '<a href="/moderation/?sort=newest">Show all kinds</a>' in body


# Order


def test_the_review_tab_serves_the_oldest_first_unless_asked_for_the_newest(
    mod_client, one_of_each
):
    arrival = list(one_of_each.values())
    assert shown_cases(mod_client) == arrival
    assert shown_cases(mod_client, "/moderation/?sort=oldest") == arrival
    assert shown_cases(mod_client, "/moderation/?sort=newest") == arrival[::-1]
    comments = [one_of_each["comment"], one_of_each["reply"]]
    assert shown_cases(mod_client, "/moderation/?kind=comment&sort=newest") == comments[::-1]


def test_the_decided_tab_orders_by_when_each_was_decided(mod_client, moderator, one_of_each):
    decided_order = [one_of_each[name] for name in ("edit", "comment", "new-article", "reply")]
    now = timezone.now()
    for minutes, pk in enumerate(decided_order):
        services.mark_spam(case=ModerationCase.objects.get(pk=pk), moderator=moderator)
        ModerationCase.objects.filter(pk=pk).update(decided_at=now + timedelta(minutes=minutes))
    assert shown_cases(mod_client, "/moderation/?tab=decided") == decided_order[::-1]
    assert shown_cases(mod_client, "/moderation/?tab=decided&sort=oldest") == decided_order


@pytest.mark.parametrize(
    "query",
    [
        "kind=nope",
        "kind=%00",
        "kind=" + "x" * 5000,
        "sort=sideways",
        "sort=",
        "tab=zzz&kind=&sort=up",
        "kind=comment&kind=nope",
        "page=abc",
        "page=-1",
        "page=99999999999999999999",
        "tab=review&kind=%E2%98%83&sort=%F0%9F%98%80&page=%00",
    ],
)
def test_bad_parameters_fall_back_to_the_defaults(mod_client, one_of_each, query):
    assert set(shown_cases(mod_client, f"/moderation/?{query}")) == set(one_of_each.values())


def test_the_filter_and_order_survive_paging(mod_client, moderator, settings):
    settings.WIKI_LISTING_PAGE_SIZE = 2
    article = make_article(title="Hedge", user=moderator)
    comments = [held_comment(article, f"Held {i}") for i in range(3)]
    held_edit(article, "An edit to skip\n", user=UserFactory())
    first = mod_client.get("/moderation/?kind=comment&sort=newest").text
    assert 'href="?kind=comment&amp;sort=newest&amp;page=2"' in first
    second = shown_cases(mod_client, "/moderation/?kind=comment&sort=newest&page=2")
    assert second == [case_of(comments[0]).pk]


def test_the_tabs_keep_the_kind_filter_in_their_own_order(mod_client, one_of_each):
    body = mod_client.get("/moderation/?kind=edit&sort=newest").text
    assert 'href="/moderation/?kind=edit"' in body  # the review tab, oldest first again
    assert 'href="/moderation/?tab=spam&amp;kind=edit"' in body


# Select all, and where the actions return


def test_select_all_is_a_labelled_checkbox_the_script_reveals(mod_client, one_of_each):
    body = mod_client.get("/moderation/").text
    assert '<span class="queue-select queue-select-all" hidden>' in body
    assert '<input type="checkbox" id="select-all">' in body  # no name: it sends nothing
    assert '<label for="select-all">Select all 4 on this page</label>' in body
    assert '<span id="selected-count" class="queue-toolbar__count" role="status" hidden>' in body
    assert 'src="/static/commons/queue.js"' in body


def test_the_bulk_action_returns_to_the_same_filter_order_and_page(mod_client, one_of_each):
    comments = [one_of_each["comment"], one_of_each["reply"]]
    response = mod_client.post(
        "/moderation/bulk/",
        {"action": "spam", "cases": comments, "kind": "comment", "sort": "newest", "page": "2"},
    )
    assert response["Location"] == "/moderation/?kind=comment&sort=newest&page=2"
    statuses = set(ModerationCase.objects.filter(pk__in=comments).values_list("status", flat=True))
    assert statuses == {Status.SPAM}


def test_one_items_action_returns_to_the_same_filter_and_order(mod_client, one_of_each):
    pk = one_of_each["edit"]
    response = mod_client.post(
        f"/moderation/{pk}/approve/", {"tab": "review", "kind": "edit", "sort": "newest"}
    )
    assert response["Location"] == "/moderation/?kind=edit&sort=newest"


def test_a_bad_filter_in_the_bulk_form_is_dropped_and_the_action_still_done(
    mod_client, one_of_each
):
    pk = one_of_each["comment"]
    response = mod_client.post(
        "/moderation/bulk/",
        {"action": "spam", "cases": [pk], "tab": "nope", "kind": "nope", "sort": "x", "page": "y"},
    )
    assert response["Location"] == "/moderation/"
    assert ModerationCase.objects.get(pk=pk).status == Status.SPAM


def test_the_bulk_form_carries_the_filter_and_order(mod_client, one_of_each):
    body = mod_client.get("/moderation/?kind=edit&sort=newest").text
    form = body[body.index('<form method="post" action="/moderation/bulk/"') :]
    assert '<input type="hidden" name="kind" value="edit">' in form
    assert '<input type="hidden" name="sort" value="newest">' in form


@pytest.mark.parametrize(
    "url", ["/moderation/?kind=comment&sort=newest", "/moderation/?tab=spam&kind=edit"]
)
def test_other_users_get_a_403_whatever_the_filter(client, user, one_of_each, url):
    client.force_login(user)
    assert client.get(url).status_code == 403


# Each author's standing


def _standing_text(body: str, pk: int) -> str:
    item = body[body.index(f'id="case-{pk}"') :]
    item = item[: item.index("</li>\n")]
    found = re.search(r'<div class="queue-standing"><dt>Standing</dt><dd>(.*?)</dd>', item)
    return re.sub(r"<[^>]+>", "", found.group(1))


def _accept_comments(user, article, count, moderator):
    for i in range(count):
        comment = post(article, f"Accepted {i}", author=signed_in(user))
        services.approve(case=case_of(comment), moderator=moderator)


def test_each_author_shows_trust_account_age_and_accepted_contributions(
    mod_client, moderator, settings
):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 5
    article = make_article(title="Commons", texts=("Shared.\n",), user=moderator)
    newcomer = UserFactory(date_joined=timezone.now() - timedelta(days=3))
    # Two edits that stand, one hidden as spam (not counted), one accepted comment and one
    # that waits (not counted): 3 accepted contributions, not trusted.
    held_edit(article, "Shared.\n\nOne.\n", user=newcomer)
    spam_edit = held_edit(article, "Shared.\n\nOne.\n\nBuy pills.\n", user=newcomer)
    services.mark_spam(case=case_of(spam_edit), moderator=moderator)
    last_edit = held_edit(article, "Shared.\n\nOne.\n\nTwo.\n", user=newcomer)
    _accept_comments(newcomer, article, 1, moderator)
    waiting = post(article, "Still waiting", author=signed_in(newcomer))

    regular = UserFactory(date_joined=timezone.now() - timedelta(days=400))
    _accept_comments(regular, article, 4, moderator)
    regular_comment = post(article, "Held at four", author=signed_in(regular))
    held_edit(article, "Shared.\n\nOne.\n\nTwo.\n\nThree.\n", user=regular)  # the fifth
    anonymous = held_comment(article, "Anonymous words")

    body = mod_client.get("/moderation/").text
    newcomer_text = _standing_text(body, case_of(waiting).pk)
    assert newcomer_text.startswith("member, level 1 · joined 3")  # 3 earn level 1
    assert newcomer_text.endswith("3 accepted contributions")
    assert _standing_text(body, case_of(last_edit).pk) == newcomer_text
    regular_text = _standing_text(body, case_of(regular_comment).pk)
    assert regular_text.startswith("trusted, level 2 · joined 1")
    assert regular_text.endswith("5 accepted contributions")
    assert _standing_text(body, case_of(anonymous).pk) == "anonymous, no account"
    assert f'datetime="{html_datetime(newcomer.date_joined)}"' in body
    # The author's name leads to their public contributions; the standing adds no e-mail.
    assert f'href="/users/{newcomer.username}/"' in body
    assert "@" not in newcomer_text + regular_text


def test_standings_follow_the_rule_of_is_trusted_for_every_kind_of_account(moderator, settings):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 3
    article = make_article(title="Rules", texts=("Text.\n",), user=moderator)
    accounts = {
        "staff": UserFactory(is_staff=True),
        "superuser": UserFactory(is_superuser=True),
        "moderator": moderator,
        "new": UserFactory(),
        "two": UserFactory(),
        "three": UserFactory(),
        "other group": UserFactory(),
    }
    accounts["other group"].groups.add(Group.objects.get_or_create(name="editors")[0])
    _accept_comments(accounts["two"], article, 2, moderator)
    _accept_comments(accounts["three"], article, 2, moderator)
    held_edit(article, "Text.\n\nMore.\n", user=accounts["three"])

    found = standings([*accounts.values(), None])
    assert set(found) == {user.pk for user in accounts.values()}
    for name, user in accounts.items():
        fresh = type(user).objects.get(pk=user.pk)  # no cached role
        assert found[user.pk].trusted == is_trusted(fresh), name
        assert found[user.pk].joined == user.date_joined
    assert {name: found[user.pk].accepted for name, user in accounts.items()} == {
        "staff": 0,
        "superuser": 0,
        "moderator": 1,  # the article's first revision
        "new": 0,
        "two": 2,
        "three": 3,
        "other group": 0,
    }
    assert [name for name, user in accounts.items() if found[user.pk].trusted] == [
        "staff",
        "superuser",
        "moderator",
        "three",
    ]


def test_standings_cost_one_query_per_counter_and_one_for_roles(moderator):
    article = make_article(title="Many", user=moderator)
    users = [UserFactory() for _ in range(20)]
    for user in users[:10]:
        post(article, "Hi", author=signed_in(user))
    with CaptureQueriesContext(connection) as few:
        standings(users[:2])
    with CaptureQueriesContext(connection) as many:
        standings(users)
    assert len(few) == len(many) == 3


# Query budget


def _busy_day(count: int, moderator, *, start: int = 0) -> None:
    """`count` items waiting, of every kind, each by a different author."""
    for i in range(start, start + count):
        author = UserFactory()
        article = make_article(title=f"Busy {i}", texts=("Text.\n",), user=moderator)
        kind = i % 3
        if kind == 0:
            post(article, f"Comment {i}", author=signed_in(author))
        elif kind == 1:
            held_edit(article, f"Text.\n\nEdit {i}\n", user=author)
        else:
            make_article(title=f"New {i}", texts=("New.\n",), user=author)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/moderation/", "/moderation/?kind=comment&sort=newest", "/moderation/?kind=edit"]
)
def test_the_queue_costs_the_same_for_5_or_25_items_from_as_many_authors(
    mod_client, moderator, url
):
    _busy_day(5, moderator)
    mod_client.get(url)  # warm the content-type cache
    few = _queries(mod_client, url)
    _busy_day(20, moderator, start=5)
    assert ModerationCase.objects.needs_review().count() == 25
    many = _queries(mod_client, url)
    assert few == many
    assert many <= 21  # with the edits' earlier texts, for the blocklist's sites, and the bell
