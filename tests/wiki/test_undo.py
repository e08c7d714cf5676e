"""Undo one edit from the middle of history, and roll back a run of edits by one author.

Undo never saves by itself: it opens the editor with the current text minus that edit's
change, and the editor saves it like any edit. Rollback is one click, for moderators and
trusted users. Neither removes a revision.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.conftest import contributor
from tests.factories import UserFactory
from tests.wiki.helpers import make_article
from tests.wiki.test_services import article_row_writes
from wiki import services
from wiki.merging import merge_texts, merge_texts_marked
from wiki.models import Article, Revision

pytestmark = pytest.mark.django_db

LINES = "one\ntwo\nthree\nfour\nfive\n"


def edit(article, source, user=None, *, ip="203.0.113.7"):
    article.refresh_from_db()
    return services.save_edit(
        slug=article.slug,
        title=article.title,
        source=source,
        base_number=article.current_revision.number,
        contributor=contributor(user, ip=ip),
    ).revision


def current_source(article):
    return Article.objects.select_related("current_revision").get(pk=article.pk).current_revision


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def undo_form(response):
    """The edit form's fields as the undo page filled them in."""
    form = response.context["form"]
    return {name: form.initial.get(name) for name in ("source", "summary", "base_number")}


@pytest.fixture
def trusted(settings):
    """A user with enough published edits to be trusted (moderation.trust)."""
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 3
    person = UserFactory(username="steady")
    make_article(title="Steady work", texts=("a\n", "b\n", "c\n"), user=person)
    return person


# Undo


def test_undoing_a_middle_edit_keeps_the_later_edit_on_other_lines(user, other_user):
    article = make_article(texts=(LINES, LINES.replace("two", "TWO")), user=user)
    edit(article, LINES.replace("two", "TWO").replace("five", "FIVE"), other_user)
    client = signed_in(other_user)

    response = client.get(f"/wiki/{article.slug}/undo/2/")

    assert response.status_code == 200
    fields = undo_form(response)
    assert fields == {
        "source": LINES.replace("five", "FIVE"),
        "summary": f"Undo revision 2 by {user.username}",
        "base_number": 3,
    }
    assert "Undoing revision 2" in response.content.decode()
    assert article.revisions.count() == 3  # nothing saved by opening the editor

    response = client.post(f"/wiki/{article.slug}/edit/", {**fields, "save": "1"})

    assert response.status_code == 302
    latest = current_source(article)
    assert (latest.number, latest.source) == (4, LINES.replace("five", "FIVE"))
    assert latest.summary == f"Undo revision 2 by {user.username}"
    assert latest.author == other_user


def test_the_undo_editor_posts_to_the_ordinary_save(user):
    article = make_article(texts=(LINES, LINES.replace("two", "TWO")), user=user)
    body = signed_in(user).get(f"/wiki/{article.slug}/undo/2/").content.decode()
    assert f'action="/wiki/{article.slug}/edit/"' in body
    assert 'name="preview"' in body


def test_an_overlapping_later_edit_is_marked_and_nothing_is_saved(user, other_user):
    article = make_article(texts=(LINES, LINES.replace("two", "TWO")), user=user)
    edit(article, LINES.replace("two", "Two, twice"), other_user)
    client = signed_in(other_user)

    response = client.get(f"/wiki/{article.slug}/undo/2/")

    assert response.status_code == 200
    source = undo_form(response)["source"]
    assert source == (
        "one\n"
        "<<<<<<< conflict 1: the current text (revision 3)\n"
        "Two, twice\n"
        "======= the text before revision 2\n"
        "two\n"
        ">>>>>>> end of conflict 1\n"
        "three\nfour\nfive\n"
    )
    assert "Later edits changed the same lines in 1 place" in response.content.decode()
    assert article.revisions.count() == 3

    resolved = {**undo_form(response), "source": LINES.replace("two", "two, twice")}
    client.post(f"/wiki/{article.slug}/edit/", {**resolved, "save": "1"})

    assert current_source(article).source == LINES.replace("two", "two, twice")
    assert article.revisions.count() == 4


def test_an_edit_saved_while_the_undo_is_open_is_merged_as_usual(user, other_user):
    article = make_article(texts=(LINES, LINES.replace("two", "TWO")), user=user)
    client = signed_in(other_user)
    fields = undo_form(client.get(f"/wiki/{article.slug}/undo/2/"))
    edit(article, LINES.replace("two", "TWO").replace("five", "FIVE"), user)

    client.post(f"/wiki/{article.slug}/edit/", {**fields, "save": "1"})

    assert current_source(article).source == LINES.replace("five", "FIVE")


@pytest.mark.parametrize(
    ("texts", "number", "says"),
    [
        ((LINES,), 1, "Revision 1 created the article"),
        ((LINES, LINES.replace("two", "TWO"), LINES), 2, "no longer in the current text"),
    ],
)
def test_what_cannot_be_undone_says_why_and_saves_nothing(user, texts, number, says):
    article = make_article(texts=texts, user=user)
    client = signed_in(user)

    response = client.get(f"/wiki/{article.slug}/undo/{number}/", follow=True)

    assert response.redirect_chain[-1][0] == f"/wiki/{article.slug}/history/"
    assert says in response.content.decode()
    assert article.revisions.count() == len(texts)


def test_a_move_changed_no_text_so_there_is_nothing_to_undo(user):
    article = make_article(texts=(LINES,), user=user)
    services.move_article(article=article, new_title="Renamed", contributor=contributor(user))
    with pytest.raises(services.NothingToUndo, match="did not change the text"):
        services.prepare_undo(
            article=Article.objects.with_current_revision().get(pk=article.pk),
            number=2,
            contributor=contributor(user),
        )


def test_missing_revisions_are_not_found(user):
    article = make_article(texts=(LINES, "other\n"), user=user)
    client = signed_in(user)
    for number in (0, 3, 2**40):
        assert client.get(f"/wiki/{article.slug}/undo/{number}/").status_code == 404


def test_a_hidden_revision_is_undone_by_moderators_only(user, other_user, moderator):
    spammed = LINES.replace("one\n", "one\nspam\n")
    article = make_article(texts=(LINES, spammed, spammed + "six\n"), user=user)
    services.set_revision_hidden(
        revision=article.revisions.get(number=2), hidden=True, moderator=contributor(moderator)
    )

    refused = signed_in(other_user).get(f"/wiki/{article.slug}/undo/2/")
    allowed = signed_in(moderator).get(f"/wiki/{article.slug}/undo/2/")

    assert refused.status_code == 403
    assert "hidden" in refused.content.decode()
    assert allowed.status_code == 200
    assert undo_form(allowed)["source"] == LINES + "six\n"


def test_undo_has_the_gate_of_editing(user, moderator, client):
    article = make_article(texts=(LINES, LINES.replace("two", "TWO")), user=user)
    address = f"/wiki/{article.slug}/undo/2/"

    assert client.get(address)["Location"].startswith("/accounts/login/")

    services.set_article_lock(article=article, locked=True, moderator=contributor(moderator))
    assert signed_in(user).get(address).status_code == 403
    assert signed_in(moderator).get(address).status_code == 200

    services.archive_article(article=article, moderator=contributor(moderator))
    for person in (user, moderator):
        response = signed_in(person).get(address)
        assert response.status_code == 403
        assert "archived" in response.content.decode()


def test_undo_from_a_moved_address_follows_the_article(user):
    article = make_article(title="Old name", texts=(LINES, LINES.replace("two", "TWO")), user=user)
    services.move_article(article=article, new_title="New name", contributor=contributor(user))
    response = signed_in(user).get("/wiki/old-name/undo/2/")
    assert (response.status_code, response["Location"]) == (301, "/wiki/new-name/undo/2/")


def test_undo_is_a_page_for_reading_not_a_write(user):
    article = make_article(texts=(LINES, LINES.replace("two", "TWO")), user=user)
    response = signed_in(user).post(f"/wiki/{article.slug}/undo/2/")
    assert response.status_code == 405
    assert article.revisions.count() == 2


def test_the_marked_merge_gives_the_same_text_as_merge_texts_when_nothing_conflicts():
    base = LINES
    mine = LINES.replace("one", "ONE")
    theirs = LINES.replace("five", "FIVE")
    marked = merge_texts_marked(
        base=base, mine=mine, theirs=theirs, mine_label="a", theirs_label="b"
    )
    assert marked == merge_texts(base=base, mine=mine, theirs=theirs)
    conflicting = merge_texts_marked(
        base=base, mine=mine, theirs=LINES.replace("one", "1"), mine_label="a", theirs_label="b"
    )
    assert conflicting.conflicts == 1
    assert merge_texts(base=base, mine=mine, theirs=LINES.replace("one", "1")).text is None


# Rollback


def vandalised(user, vandal, *, ip="203.0.113.7"):
    """Two good revisions, then a run of three by `vandal` (None: signed out, from `ip`)."""
    article = make_article(texts=("good\n", "good and better\n"), user=user)
    for text in ("junk\n", "more junk\n", "most junk\n"):
        edit(article, text, vandal, ip=ip)
    return article


def test_rollback_restores_the_text_before_a_run_of_edits_in_one_revision(
    user, other_user, moderator
):
    article = vandalised(user, other_user)
    before = Revision.objects.count()

    revision = services.rollback_article(
        article=article, contributor=contributor(moderator), seen_number=5
    )

    assert (revision.number, revision.source) == (6, "good and better\n")
    assert revision.summary == f"Rolled back edits by {other_user.username} to revision 2"
    assert Revision.objects.count() == before + 1
    assert [r.source for r in article.revisions.order_by("number")][2:5] == [
        "junk\n",
        "more junk\n",
        "most junk\n",
    ]


def test_rollback_writes_the_article_row_once(user, other_user, moderator):
    article = vandalised(user, other_user)
    writes = article_row_writes(
        services.rollback_article, article=article, contributor=contributor(moderator)
    )
    assert writes == ["UPDATE"]


def test_a_signed_out_run_is_known_by_its_address(user, moderator):
    article = make_article(texts=("good\n",), user=user)
    edit(article, "from elsewhere\n", None, ip="198.51.100.1")
    for text in ("junk\n", "more junk\n"):
        edit(article, text, None, ip="198.51.100.9")

    revision = services.rollback_article(article=article, contributor=contributor(moderator))

    assert revision.source == "from elsewhere\n"
    assert revision.summary == "Rolled back edits by Anonymous to revision 2"


def test_rollback_with_no_one_else_to_go_back_to_says_so(user, trusted):
    article = make_article(texts=("mine\n", "still mine\n"), user=user)
    with pytest.raises(services.NothingToRollBack, match=f"Every revision .* is by {user}"):
        services.rollback_article(article=article, contributor=contributor(trusted))

    response = signed_in(trusted).post(f"/wiki/{article.slug}/rollback/", follow=True)

    assert "there is no revision by someone else to roll back to" in response.content.decode()
    assert article.revisions.count() == 2


def test_rollback_refuses_when_someone_else_edited_since_it_was_seen(user, other_user, trusted):
    article = vandalised(user, other_user)
    edit(article, "fixed by hand\n", user)

    with pytest.raises(services.NothingToRollBack, match="Someone else has edited"):
        services.rollback_article(article=article, contributor=contributor(trusted), seen_number=5)
    assert article.revisions.count() == 6


def test_more_edits_by_the_same_author_since_it_was_seen_are_rolled_back_too(
    user, other_user, trusted
):
    article = vandalised(user, other_user)
    edit(article, "even more junk\n", other_user)
    revision = services.rollback_article(
        article=article, contributor=contributor(trusted), seen_number=5
    )
    assert revision.source == "good and better\n"


def test_rollback_to_a_hidden_revision_needs_a_moderator(user, other_user, trusted, moderator):
    article = vandalised(user, other_user)
    services.set_revision_hidden(
        revision=article.revisions.get(number=2), hidden=True, moderator=contributor(moderator)
    )
    with pytest.raises(PermissionDenied):
        services.rollback_article(article=article, contributor=contributor(trusted))
    revision = services.rollback_article(article=article, contributor=contributor(moderator))
    assert revision.source == "good and better\n"


def test_the_service_knows_who_may_roll_back(user, other_user, trusted, moderator):
    article = vandalised(UserFactory(), other_user)
    for refused in (contributor(None), contributor(user)):
        with pytest.raises(PermissionDenied, match="moderators and trusted users"):
            services.rollback_article(article=article, contributor=refused)
    assert article.revisions.count() == 5
    for allowed in (trusted, moderator):
        services.rollback_article(article=article, contributor=contributor(allowed))
        edit(article, "junk again\n", other_user)


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 403), ("untrusted", 403), ("trusted", 302), ("moderator", 302)],
)
def test_rollback_view_is_for_moderators_and_trusted_users(
    client, user, other_user, trusted, moderator, who, status
):
    article = vandalised(user, other_user)
    people = {"untrusted": UserFactory(), "trusted": trusted, "moderator": moderator}
    if who != "anonymous":
        client.force_login(people[who])

    response = client.post(f"/wiki/{article.slug}/rollback/", {"revision": "5"})

    assert response.status_code == status
    assert article.revisions.count() == (6 if status == 302 else 5)
    if who == "untrusted":
        assert "Only moderators and trusted users can roll back" in response.content.decode()


def test_rollback_on_locked_and_archived_articles(user, other_user, trusted, moderator):
    article = vandalised(user, other_user)
    services.set_article_lock(article=article, locked=True, moderator=contributor(moderator))
    refused = signed_in(trusted).post(f"/wiki/{article.slug}/rollback/")
    assert refused.status_code == 403
    assert "locked" in refused.content.decode()
    assert signed_in(moderator).post(f"/wiki/{article.slug}/rollback/").status_code == 302

    services.archive_article(article=article, moderator=contributor(moderator))
    for person in (trusted, moderator):
        response = signed_in(person).post(f"/wiki/{article.slug}/rollback/")
        assert response.status_code == 403
        assert "archived" in response.content.decode()
    assert article.revisions.count() == 6


def test_rollback_is_a_post_with_a_csrf_token(user, other_user, moderator):
    article = vandalised(user, other_user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert client.get(f"/wiki/{article.slug}/rollback/").status_code == 405
    assert client.post(f"/wiki/{article.slug}/rollback/").status_code == 403
    assert article.revisions.count() == 5


def test_rollback_counts_against_the_edit_rate_limit(user, other_user, moderator, settings):
    settings.EDITS_RATE_LIMIT = "1/60"
    article = vandalised(user, other_user)
    client = signed_in(moderator)
    client.post(f"/wiki/{article.slug}/rollback/")
    edit(article, "junk again\n", other_user)

    response = client.post(f"/wiki/{article.slug}/rollback/", follow=True)

    assert "Nothing was rolled back" in response.content.decode()
    assert current_source(article).source == "junk again\n"


def test_a_bad_revision_field_rolls_back_the_current_run(user, other_user, moderator):
    article = vandalised(user, other_user)
    response = signed_in(moderator).post(
        f"/wiki/{article.slug}/rollback/", {"revision": "٣"}, follow=True
    )
    assert response.status_code == 200
    assert current_source(article).source == "good and better\n"


def test_undo_and_rollback_never_remove_a_revision(user, other_user, moderator):
    article = vandalised(user, other_user)
    counts = [Revision.objects.count()]
    services.rollback_article(article=article, contributor=contributor(moderator))
    counts.append(Revision.objects.count())
    client = signed_in(user)
    fields = undo_form(client.get(f"/wiki/{article.slug}/undo/6/"))
    client.post(f"/wiki/{article.slug}/edit/", {**fields, "save": "1"})
    counts.append(Revision.objects.count())
    assert counts == [5, 6, 7]
    assert current_source(article).source == "most junk\n"
    assert list(article.revisions.values_list("number", flat=True).order_by("number")) == [
        *range(1, 8)
    ]


# Links from history, diffs and recent changes


def test_history_offers_undo_per_revision_and_rollback_to_those_who_may(
    client, user, other_user, trusted
):
    article = vandalised(user, other_user)
    history = f"/wiki/{article.slug}/history/"

    mine = signed_in(user).get(history).content.decode()
    assert all(f"/wiki/{article.slug}/undo/{n}/" in mine for n in range(2, 6))
    assert f"/wiki/{article.slug}/undo/1/" not in mine
    assert "/rollback/" not in mine

    theirs = signed_in(trusted).get(history).content.decode()
    assert f'action="/wiki/{article.slug}/rollback/"' in theirs
    assert f'rollback<span class="visually-hidden"> edits by {other_user}' in theirs

    anonymous = client.get(history).content.decode()  # the shared copy
    assert "/rollback/" not in anonymous and "/undo/" not in anonymous


def test_the_shared_copy_of_history_never_carries_a_moderators_links(client, user, moderator):
    article = vandalised(user, UserFactory())
    signed_in(moderator).get(f"/wiki/{article.slug}/history/")
    client.get(f"/wiki/{article.slug}/history/")
    again = client.get(f"/wiki/{article.slug}/history/").content.decode()
    assert "/rollback/" not in again


def test_anonymous_editors_see_undo_when_anonymous_edits_are_on(client, user, settings):
    settings.WIKI_ANONYMOUS_EDITS = True
    article = vandalised(user, UserFactory())
    assert (
        f"/wiki/{article.slug}/undo/3/"
        in client.get(f"/wiki/{article.slug}/history/").content.decode()
    )
    assert "/rollback/" not in client.get("/recent/").content.decode()


def test_a_diff_of_one_change_offers_undo_and_the_latest_one_rollback(user, other_user, trusted):
    article = vandalised(user, other_user)
    client = signed_in(trusted)

    latest = client.get(f"/wiki/{article.slug}/diff/4/5/").content.decode()
    assert f"/wiki/{article.slug}/undo/5/" in latest
    assert f"Roll back edits by {other_user}" in latest

    older = client.get(f"/wiki/{article.slug}/diff/2/3/").content.decode()
    assert f"/wiki/{article.slug}/undo/3/" in older
    assert "Roll back" not in older

    span = client.get(f"/wiki/{article.slug}/diff/1/3/").content.decode()
    assert "/undo/" not in span


def test_recent_changes_offer_undo_and_rollback_on_current_revisions(
    client, user, other_user, moderator
):
    article = vandalised(user, other_user)
    mine = signed_in(user).get("/recent/").content.decode()
    assert f"/wiki/{article.slug}/undo/5/" in mine
    assert f"/wiki/{article.slug}/undo/1/" not in mine
    assert "/rollback/" not in mine

    body = signed_in(moderator).get("/recent/").content.decode()
    assert body.count(f'action="/wiki/{article.slug}/rollback/"') == 1
    assert 'name="revision" value="5"' in body

    for _ in range(2):  # rendered, then the shared copy
        anonymous = client.get("/recent/").content.decode()
        assert "/rollback/" not in anonymous and "/undo/" not in anonymous


def test_undo_links_follow_the_article_lock(user, other_user, moderator):
    article = vandalised(user, other_user)
    services.set_article_lock(article=article, locked=True, moderator=contributor(moderator))
    assert "/undo/" not in signed_in(user).get("/recent/").content.decode()
    assert "/undo/" in signed_in(moderator).get("/recent/").content.decode()


def test_the_gate_and_the_links_agree(user, trusted, moderator):
    from wiki.permissions import can_roll_back

    article = vandalised(user, UserFactory())
    assert not can_roll_back(AnonymousUser(), article)
    assert not can_roll_back(user, article)
    assert can_roll_back(trusted, article)
    assert can_roll_back(moderator, article)
