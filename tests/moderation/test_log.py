"""The moderators' log: every action by a person writes exactly one entry, with who and
why; the log page filters by action, moderator and target, costs a fixed number of
queries, and is for moderators only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.services import remove_comment, restore_comment
from moderation import services
from moderation.models import LogAction, LogEntry, TargetKind
from tests.comments.helpers import post, signed_in
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.moderation.queue_helpers import akismet_verdict, case_of, held_comment, held_edit
from tests.wiki.helpers import make_article
from wiki.models import Revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def article(moderator):
    """An article with three revisions: the moderator's, then two by another author."""
    author = UserFactory(username="writer")
    article = make_article(title="Logged", texts=("One.\n",), user=moderator)
    for text in ("One.\nTwo.\n", "One.\nTwo.\nThree.\n"):
        held_edit(article, text, user=author)
    article.refresh_from_db()
    return article


def only_entry(**expected) -> LogEntry:
    """The one log entry there is, checked against `expected` fields."""
    entries = list(LogEntry.objects.all())
    assert len(entries) == 1, [str(entry) for entry in entries]
    entry = entries[0]
    for name, value in expected.items():
        assert getattr(entry, name) == value, name
    return entry


ARTICLE_ACTIONS = [
    ("archive", {}, LogAction.ARCHIVE),
    ("lock", {"locked": "1"}, LogAction.LOCK),
    ("revert/1", {}, LogAction.REVERT),
    ("rollback", {"revision": "3"}, LogAction.ROLLBACK),
]


@pytest.mark.parametrize(("path", "data", "action"), ARTICLE_ACTIONS)
def test_each_article_control_writes_one_entry_with_the_moderator_and_reason(
    mod_client, moderator, article, path, data, action
):
    response = mod_client.post(
        f"/wiki/{article.slug}/{path}/", {**data, "reason": "  Vandalism  from a sock  "}
    )
    assert response.status_code == 302
    only_entry(
        action=action,
        actor=moderator,
        target_kind=TargetKind.ARTICLE,
        target_id=str(article.pk),
        target_label="Logged",
        target_url="/wiki/logged/",
        reason="Vandalism from a sock",
    )


def test_restore_and_unlock_are_logged_and_a_repeat_is_not(mod_client, moderator, article):
    mod_client.post(f"/wiki/{article.slug}/archive/", {"reason": "spam page"})
    mod_client.post(f"/wiki/{article.slug}/archive/", {"reason": "again"})  # already archived
    mod_client.post(f"/wiki/{article.slug}/restore/", {"reason": "was fine"})
    mod_client.post(f"/wiki/{article.slug}/lock/", {"locked": "1"})
    mod_client.post(f"/wiki/{article.slug}/lock/", {"locked": "1"})  # already locked
    mod_client.post(f"/wiki/{article.slug}/lock/", {"locked": "0", "reason": "calm now"})
    entries = list(LogEntry.objects.order_by("id").values_list("action", "reason"))
    assert entries == [
        (LogAction.ARCHIVE, "spam page"),
        (LogAction.RESTORE, "was fine"),
        (LogAction.LOCK, ""),
        (LogAction.UNLOCK, "calm now"),
    ]


def test_hide_and_unhide_name_the_revision(mod_client, moderator, article):
    first = article.revisions.get(number=1)
    mod_client.post(f"/wiki/{article.slug}/revisions/1/hide/", {"hidden": "1", "reason": "doxx"})
    entry = only_entry(action=LogAction.HIDE, actor=moderator, reason="doxx")
    assert (entry.target_kind, entry.target_id) == (TargetKind.REVISION, str(first.pk))
    assert entry.target_label == "Logged, revision 1"
    assert entry.target_url == "/wiki/logged/revisions/1/"
    mod_client.post(f"/wiki/{article.slug}/revisions/1/hide/", {"hidden": "0"})
    assert LogEntry.objects.filter(action=LogAction.UNHIDE, reason="").count() == 1


def test_a_move_is_logged_under_both_titles_with_its_reason(mod_client, moderator, article):
    response = mod_client.post(
        f"/wiki/{article.slug}/move/", {"title": "Logged Again", "reason": "clearer name"}
    )
    assert response.status_code == 302
    only_entry(
        action=LogAction.MOVE,
        target_label="Logged → Logged Again",
        target_url="/wiki/logged-again/",
        reason="clearer name",
    )


def test_an_edit_saved_from_the_undo_page_logs_the_undo(client, user, article):
    client.force_login(user)
    page = client.get(f"/wiki/{article.slug}/undo/2/").text
    assert 'name="undo_of" value="2"' in page
    response = client.post(
        f"/wiki/{article.slug}/edit/",
        {
            "source": "One.\nThree.\n",
            "summary": "Undo revision 2 by writer",
            "base_number": 3,
            "undo_of": 2,
            "save": "1",
        },
    )
    assert response.status_code == 302
    entry = only_entry(action=LogAction.UNDO, actor=user, reason="Undo revision 2 by writer")
    assert entry.target_id == str(article.revisions.get(number=2).pk)
    assert entry.target_label == "Logged, revision 2"


def test_a_plain_edit_writes_no_entry(client, user, article):
    client.force_login(user)
    client.post(
        f"/wiki/{article.slug}/edit/",
        {"source": "Changed.\n", "summary": "", "base_number": 3, "save": "1"},
    )
    assert Revision.objects.filter(article=article).count() == 4
    assert not LogEntry.objects.exists()


def test_a_too_long_reason_is_cut_never_refused(mod_client, article):
    response = mod_client.post(f"/wiki/{article.slug}/archive/", {"reason": "x" * 5000})
    assert response.status_code == 302
    assert len(only_entry(action=LogAction.ARCHIVE).reason) == 500


def test_queue_decisions_are_logged_with_the_content_named(moderator, article):
    comment = held_comment(article, "Cheap watches")
    edit = Revision.objects.get(article=article, number=3)
    services.approve(case=case_of(comment), moderator=moderator, reason="fine")
    services.mark_spam(case=case_of(edit), moderator=moderator)
    approve = LogEntry.objects.get(action=LogAction.APPROVE)
    assert (approve.target_kind, approve.target_id) == (TargetKind.COMMENT, str(comment.pk))
    assert approve.target_label == "comment by Robin on “Logged”"
    assert approve.reason == "fine"
    spam = LogEntry.objects.get(action=LogAction.MARK_SPAM)
    assert (spam.target_kind, spam.target_id, spam.actor) == (
        TargetKind.REVISION,
        str(edit.pk),
        moderator,
    )
    # The spam filter's revert and hide that followed are in the content's events only.
    assert LogEntry.objects.count() == 2
    edit.refresh_from_db()
    assert edit.is_hidden


def test_a_moderator_removal_is_logged_and_an_authors_own_is_not(moderator, user, article):
    mine = post(article, "My own words", author=signed_in(user))
    theirs = post(article, "Off topic", author=signed_in(UserFactory()))
    remove_comment(comment=mine, by=user)
    assert not LogEntry.objects.exists()
    remove_comment(comment=theirs, by=moderator)
    restore_comment(comment=theirs, by=moderator)
    actions = list(LogEntry.objects.order_by("id").values_list("action", "actor", "target_id"))
    assert actions == [
        (LogAction.REMOVE, moderator.pk, str(theirs.pk)),
        (LogAction.UNREMOVE, moderator.pk, str(theirs.pk)),
    ]


def test_akismet_verdicts_write_no_entry_and_stay_in_content_moves(mod_client, article):
    comment = held_comment(article, "Buy now")
    akismet_verdict(comment, "spam")
    assert not LogEntry.objects.exists()
    moves = mod_client.get("/moderation/log/?tab=moves").text
    assert "Akismet" in moves and "Spam checks and content moves" in moves


@pytest.fixture
def logged(moderator, other_user):
    """Three articles archived or locked by two moderators, and a revision hidden."""
    other_user.groups.add(moderator.groups.get())
    from wiki import services as wiki

    made = {}
    for title, by, reason in (
        ("Apples", moderator, "spam page"),
        ("Pears", other_user, "duplicate"),
        ("Plums", moderator, "test page"),
    ):
        made[title] = make_article(title=title, texts=("a\n", "b\n"), user=moderator)
        wiki.archive_article(article=made[title], moderator=contributor(by), reason=reason)
    wiki.set_article_lock(article=made["Apples"], locked=True, moderator=contributor(other_user))
    wiki.set_revision_hidden(
        revision=made["Apples"].revisions.get(number=1),
        hidden=True,
        moderator=contributor(moderator),
        reason="personal data",
    )
    return made


def rows(client, query: str) -> list[str]:
    """The log's rows for this query, as (who, action, target) text."""
    response = client.get(f"/moderation/log/?{query}")
    assert response.status_code == 200
    return [
        (entry.actor.username, entry.action, entry.target_label)
        for entry in response.context["entries"]
    ]


def test_the_log_filters_by_action_moderator_and_target(mod_client, moderator, other_user, logged):
    everything = rows(mod_client, "")
    assert len(everything) == 5
    assert everything[0][1] == LogAction.HIDE  # newest first
    assert {row[2] for row in rows(mod_client, "action=archive")} == {"Apples", "Pears", "Plums"}
    assert rows(mod_client, f"moderator={other_user.username.upper()}") == [
        (other_user.username, LogAction.LOCK, "Apples"),
        (other_user.username, LogAction.ARCHIVE, "Pears"),
    ]
    apples = logged["Apples"].pk
    about_apples = rows(mod_client, f"target_kind=article&target_id={apples}")
    assert [row[1] for row in about_apples] == [LogAction.HIDE, LogAction.LOCK, LogAction.ARCHIVE]
    assert rows(mod_client, f"action=archive&target_kind=article&target_id={apples}") == [
        (moderator.username, LogAction.ARCHIVE, "Apples")
    ]
    assert [row[2] for row in rows(mod_client, "q=PLU&action=archive")] == ["Plums"]


def test_bad_filters_are_dropped_never_an_error(mod_client, logged):
    for query in (
        "action=nope",
        "target_kind=planet&target_id=1",
        "target_id=x",
        "page=zz",
        "target_kind=article&target_id=abc",
        "target_kind=article&target_id=" + "9" * 64,
        "target_kind=article&target_id=%C2%B2",
        "target_kind=comment&target_id=1%00",
        "q=%00&moderator=%00",
        "moderator=" + "m" * 500,
    ):
        assert mod_client.get(f"/moderation/log/?{query}").status_code == 200


def test_the_log_shows_reasons_and_keeps_the_filters_across_pages(mod_client, logged, settings):
    settings.WIKI_LISTING_PAGE_SIZE = 2
    body = mod_client.get("/moderation/log/?action=archive").text
    assert "duplicate" in body and "test page" in body
    assert "?action=archive&amp;page=2" in body
    assert '<option value="archive" selected>archived</option>' in body


def test_only_moderators_read_the_log(client, user, logged):
    assert client.get("/moderation/log/").status_code == 302  # to the login page
    client.force_login(user)
    assert client.get("/moderation/log/").status_code == 403
    assert client.get("/moderation/log/?tab=moves").status_code == 403


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_log_costs_the_same_for_3_or_30_entries(mod_client, moderator, settings):
    settings.WIKI_LISTING_PAGE_SIZE = 50
    articles = [make_article(title=f"Page {n}", user=moderator) for n in range(15)]
    from wiki import services as wiki

    for article in articles[:3]:
        wiki.archive_article(article=article, moderator=contributor(moderator), reason="x")
    mod_client.get("/moderation/log/")
    few = queries(mod_client, "/moderation/log/")
    filtered_few = queries(
        mod_client, f"/moderation/log/?target_kind=article&target_id={articles[0].pk}"
    )
    for article in articles[3:]:
        wiki.archive_article(article=article, moderator=contributor(moderator), reason="x")
        wiki.restore_article(article=article, moderator=contributor(moderator))
    assert LogEntry.objects.count() == 27
    many = queries(mod_client, "/moderation/log/")
    assert few == many
    assert many <= 7
    filtered_many = queries(
        mod_client, f"/moderation/log/?target_kind=article&target_id={articles[0].pk}"
    )
    assert filtered_few == filtered_many == many


def test_the_archived_page_says_who_archived_it_and_why_to_moderators(
    mod_client, client, user, logged
):
    page = mod_client.get("/wiki/apples/")
    assert page.status_code == 410
    body = page.text
    assert "Archived by" in body and "mod" in body and "“spam page”" in body
    assert f"/moderation/log/?target_kind=article&amp;target_id={logged['Apples'].pk}" in body
    assert "Locked by" in body
    client.force_login(user)
    reader = client.get("/wiki/apples/").text
    assert "spam page" not in reader and "/moderation/log/" not in reader


def test_a_hidden_revisions_notice_names_who_hid_it_for_moderators(mod_client, logged):
    body = mod_client.get("/wiki/apples/revisions/1/").text
    assert "Hid a revision by" in body and "“personal data”" in body
    history = mod_client.get("/wiki/apples/history/").text
    assert "Moderation log for this article" in history


def test_content_moves_are_still_listed_with_the_systems_holds(mod_client, article):
    held_comment(article, "Held for a person")
    body = mod_client.get("/moderation/log/?tab=moves").text
    assert "No Akismet key: held for a moderator." in body
    assert "the system" in body


def test_no_logged_action_deletes_a_row(mod_client, moderator, article):
    """Every control of this log, run once: not one DELETE (the link table of the current
    text, derived data, is rewritten on a save and is the only table a save trims)."""
    comment = post(article, "Off topic", author=signed_in(UserFactory()))
    slug = article.slug
    with CaptureQueriesContext(connection) as captured:
        mod_client.post(f"/wiki/{slug}/lock/", {"locked": "1", "reason": "r"})
        mod_client.post(f"/wiki/{slug}/lock/", {"locked": "0"})
        mod_client.post(f"/wiki/{slug}/revisions/1/hide/", {"hidden": "1"})
        mod_client.post(f"/wiki/{slug}/revisions/1/hide/", {"hidden": "0"})
        mod_client.post(f"/wiki/{slug}/rollback/", {"revision": "3"})
        mod_client.post(f"/wiki/{slug}/revert/3/")
        mod_client.post(f"/wiki/{slug}/move/", {"title": "Logged Twice"})
        mod_client.post("/wiki/logged-twice/archive/")
        mod_client.post("/wiki/logged-twice/restore/")
        remove_comment(comment=comment, by=moderator)
        restore_comment(comment=comment, by=moderator)
    assert LogEntry.objects.count() == 11
    deletes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("DELETE")]
    assert all('"wiki_wikilink"' in sql for sql in deletes), deletes


def test_an_article_the_spam_filter_archived_says_where_to_look(mod_client, moderator):
    spam = make_article(title="Cheap pills", texts=("Buy now.\n",), user=UserFactory())
    services.mark_spam(case=case_of(spam.current_revision), moderator=moderator)
    assert [entry.action for entry in LogEntry.objects.all()] == [LogAction.MARK_SPAM]
    body = mod_client.get("/wiki/cheap-pills/").text
    assert "the spam filter did it" in body and "/moderation/log/?tab=moves" in body
