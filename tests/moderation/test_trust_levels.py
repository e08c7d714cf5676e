"""Trust levels, one for editing and commenting: earned by accepted contributions over
days, set by a moderator up or down, shown on a person's page and in the queue; level 0
adds at most MODERATION_NEW_MAX_LINKS external links and no images per edit or comment."""

import re
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from comments.services import edit_comment
from moderation.models import LogAction, LogEntry, TrustLevel, TrustSetting
from moderation.trust import (
    check_new_writer_limits,
    earned_level,
    is_trusted,
    level_of,
    set_level,
    standings,
)
from moderation.trust_limits import added_images, added_links, external_links, images
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.moderation.queue_helpers import case_of, held_comment
from tests.wiki.helpers import make_article
from tests.wiki.test_markup_corpora import ATTACK_PATTERNS, corpus_files, load_payloads
from wiki.markup import render_comment_markdown, render_markdown
from wiki.models import Revision
from wiki.services import save_edit

pytestmark = pytest.mark.django_db

THREE_LINKS = "See http://one.example, https://two.example/a and [three](http://three.example/)."
TWO_LINKS = "See http://one.example and [two](https://two.example/)."
AN_IMAGE = "Look: ![a cat](https://cats.example/cat.png)"


@pytest.fixture
def levels(settings):
    """Production-like rules with small numbers: member after 2 and 3 days, trusted after
    4 and 10 days."""
    settings.MODERATION_NEW_MAX_LINKS = 2
    settings.MODERATION_MEMBER_CONTRIBUTIONS = 2
    settings.MODERATION_MEMBER_DAYS = 3
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 4
    settings.MODERATION_TRUSTED_DAYS = 10
    return settings


def account(*, accepted: int = 0, days: float = 0, **fields):
    """An account that joined `days` ago with `accepted` published edits."""
    person = UserFactory(date_joined=timezone.now() - timedelta(days=days), **fields)
    if accepted:
        make_article(
            title=f"Work of {person.username}",
            texts=[f"Version {i}.\n" for i in range(accepted)],
            user=person,
        )
    return person


# Earned levels


@pytest.mark.parametrize(
    ("accepted", "days", "expected"),
    [
        (0, 0, TrustLevel.NEW),
        (1, 30, TrustLevel.NEW),  # one contribution short, however old
        (2, 3, TrustLevel.MEMBER),  # both exactly met
        (2, 2.99, TrustLevel.NEW),  # a quarter of an hour too young
        (3, 30, TrustLevel.MEMBER),
        (4, 10, TrustLevel.TRUSTED),
        (4, 9.99, TrustLevel.MEMBER),
        (3, 400, TrustLevel.MEMBER),  # one contribution short of trusted
    ],
)
def test_earned_levels_need_both_contributions_and_days(levels, accepted, days, expected):
    now = timezone.now()
    assert earned_level(accepted=accepted, joined=now - timedelta(days=days), now=now) == expected


def test_accounts_earn_levels_by_their_accepted_contributions_and_age(levels, moderator):
    people = {
        "fresh": account(accepted=3, days=1),
        "member": account(accepted=2, days=5),
        "trusted": account(accepted=4, days=11),
        "old, idle": account(accepted=0, days=500),
    }
    # Comments count once accepted, not while they wait.
    article = make_article(title="Talk", user=moderator)
    waiting = post(article, "Waiting", author=signed_in(people["old, idle"]))
    assert level_of(people["old, idle"]) == TrustLevel.NEW
    from moderation import services

    services.approve(case=case_of(waiting), moderator=moderator)
    post_two = post(article, "Another", author=signed_in(people["old, idle"]))
    services.approve(case=case_of(post_two), moderator=moderator)

    expected = {
        "fresh": TrustLevel.NEW,
        "member": TrustLevel.MEMBER,
        "trusted": TrustLevel.TRUSTED,
        "old, idle": TrustLevel.MEMBER,
    }
    assert {name: level_of(person) for name, person in people.items()} == expected
    found = standings(people.values())
    assert {name: found[person.pk].level for name, person in people.items()} == expected
    assert [name for name, person in people.items() if is_trusted(person)] == ["trusted"]


def test_anonymous_writers_are_new_and_staff_and_moderators_trusted(levels, moderator):
    from django.contrib.auth.models import AnonymousUser

    assert level_of(None) == level_of(AnonymousUser()) == TrustLevel.NEW
    staff = account(is_staff=True)
    assert level_of(staff) == level_of(moderator) == TrustLevel.TRUSTED
    # A level set by hand does not demote a moderator, who is trusted by role.
    set_level(user=moderator, level=TrustLevel.NEW, by=moderator, reason="test")
    assert level_of(moderator) == TrustLevel.TRUSTED
    assert standings([moderator])[moderator.pk].source == "as a moderator"
    assert standings([staff])[staff.pk].source == "as a staff member"


# Set by hand


def test_a_moderator_sets_a_level_up_down_and_back_to_earned_each_logged(levels, moderator):
    person = account(accepted=2, days=5)  # earns member
    set_level(user=person, level=TrustLevel.TRUSTED, by=moderator, reason="Known to us")
    assert level_of(person) == TrustLevel.TRUSTED and is_trusted(person)
    set_level(user=person, level=TrustLevel.NEW, by=moderator, reason="Link dropping")
    assert level_of(person) == TrustLevel.NEW
    assert standings([person])[person.pk].manual
    set_level(user=person, level=None, by=moderator, reason="Reformed")
    assert level_of(person) == TrustLevel.MEMBER
    assert not standings([person])[person.pk].manual
    assert TrustSetting.objects.filter(user=person).count() == 1  # kept, never deleted
    entries = list(
        LogEntry.objects.about("user", person.pk)
        .order_by("created_at", "id")
        .values_list("action", "actor", "reason", "target_url")
    )
    url = f"/users/{person.username}/"
    assert entries == [
        (LogAction.SET_TRUST, moderator.pk, "level 2 (trusted): Known to us", url),
        (LogAction.SET_TRUST, moderator.pk, "level 0 (new): Link dropping", url),
        (LogAction.SET_TRUST, moderator.pk, "back to the earned level: Reformed", url),
    ]
    # Back to earned when nothing is set changes nothing and logs nothing.
    set_level(user=person, level=None, by=moderator)
    assert LogEntry.objects.about("user", person.pk).count() == 3


def test_only_moderators_set_levels(levels, user, other_user, client):
    with pytest.raises(PermissionDenied):
        set_level(user=other_user, level=TrustLevel.TRUSTED, by=user)
    url = f"/moderation/trust/{other_user.username}/"
    anonymous_post = client.post(url, {"level": "2"})
    assert anonymous_post.status_code == 302 and "/accounts/login/" in anonymous_post["Location"]
    client.force_login(user)
    assert client.post(url, {"level": "2", "reason": "me"}).status_code == 403
    assert client.get(url).status_code == 405
    assert not TrustSetting.objects.exists() and not LogEntry.objects.exists()
    assert level_of(other_user) == TrustLevel.NEW


def test_the_form_on_a_persons_page_sets_the_level_for_everyone_to_see(levels, client, moderator):
    person = account(accepted=1, days=40)
    page = f"/users/{person.username}/"
    client.force_login(moderator)
    before = client.get(page).content.decode()
    assert "New, level 0 of 2</span>, earned" in before
    assert f'action="/moderation/trust/{person.username}/"' in before
    assert 'name="csrfmiddlewaretoken"' in before
    response = client.post(
        f"/moderation/trust/{person.username}/", {"level": "2", "reason": "Our archivist"}
    )
    assert response.status_code == 302 and response["Location"] == page
    shown = client.get(page).content.decode()
    assert "is now at level 2 (trusted), by hand." in shown
    assert "Trusted, level 2 of 2</span>, set by a moderator" in shown
    assert "Set by mod on" in shown and "Our archivist" in shown
    assert '<option value="2" selected>' in shown
    # A reader sees the level and no form, nor the moderator's reason.
    from django.test import Client

    public = Client().get(page).content.decode()
    assert "Trusted, level 2 of 2</span>, set by a moderator" in public
    assert "/moderation/trust/" not in public and "Our archivist" not in public
    # Back to the earned level.
    client.post(f"/moderation/trust/{person.username}/", {"level": "earned", "reason": ""})
    assert "New, level 0 of 2</span>, earned" in client.get(page).content.decode()
    bad = client.post(f"/moderation/trust/{person.username}/", {"level": "7"}, follow=True)
    assert "Nothing changed" in bad.content.decode()
    assert level_of(person) == TrustLevel.NEW
    # A moderator's own page says why they are trusted, with no form that would not count.
    own = client.get(f"/users/{moderator.username}/").content.decode()
    assert "Trusted, level 2 of 2</span>, as a moderator" in own
    assert "/moderation/trust/" not in own


def test_the_persons_page_costs_the_same_queries_for_1_or_30_contributions(
    levels, client, moderator
):
    few, many = account(accepted=1), account(accepted=30)
    for viewer in (None, moderator):
        if viewer:
            client.force_login(viewer)
        counts = []
        for person in (few, many):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"/users/{person.username}/").status_code == 200
            counts.append(len(captured))
        assert counts[0] == counts[1], viewer


# Level 0's limits


def test_links_counted_are_distinct_external_and_added():
    assert added_links("http://a.example http://a.example http://a.example") == {"http://a.example"}
    internal = "[[Some Title]] [x](/wiki/x/) [y](#top) http://localhost/wiki/x/ <a@b.example>"
    assert external_links(internal) == set()
    page = "Links: http://a.example http://b.example http://c.example http://d.example\n"
    assert added_links(page.replace("Links", "Linsk"), page) == set()
    assert added_links(page + "http://e.example", page) == {"http://e.example"}
    assert added_images("![x](a.png) text", "![x](a.png)") == []
    assert added_images("![x](a.png) ![y](b.png)", "![x](a.png)") == ["![y](b.png)"]


@pytest.mark.parametrize(
    "source",
    [
        "<http://auto.example>",
        "[r]: h&#116;tp://reference.example\n\n[x][r]",
        "[x](ht&#9;tp://tab.example)",
        "[x](ht&#10;tp://newline.example)",
        "[x](&#104;ttp://entity.example)",
        "[x](http&colon;//colon.example)",
        "[x](HTTP://UPPER.example)",
        "[x](http:no-slashes.example)",
        "[x](http:\\\\backslashes.example)",
        "[x](//protocol-relative.example)",
        "[x](/\\slash-backslash.example)",
        "[x](<//angle.example>)",
        "[x]( //space.example)",
        "www.bare.example",
        "<a href='http://raw-html.example'>x</a>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_every_way_to_write_an_external_link_counts(source):
    rendered = _external_hrefs(render_markdown(source))
    assert len(external_links(source)) >= max(1, len(rendered)), rendered


@pytest.mark.parametrize(
    "source",
    [
        "![x](http://i.example/a.png)",
        "![x][r]\n\n[r]: http://i.example/a.png",
        "![x]",
    ],
)
def test_every_way_to_write_an_image_counts(source):
    assert sum(images(source).values()) == 1


def test_raw_html_images_are_text_so_a_new_writer_may_write_about_them(user):
    source = "Write <img src=x.png> in HTML; here it stays text."
    assert "<img" not in render_markdown(source)
    check_new_writer_limits(user, source)


def _external_hrefs(html: str) -> set[str]:
    return set(re.findall(r'<a [^>]*href="((?:[a-zA-Z][\w+.-]*:|[/\\]{2})[^"]*)"', html))


def _reader_sees(payload: str, render) -> tuple[int, int]:
    html = render(payload)
    return len(_external_hrefs(html)), html.count("<img ")


# The largest file is sampled (every 20th payload), to keep this test around a second.
@pytest.mark.parametrize("relative", corpus_files(*ATTACK_PATTERNS))
def test_no_corpus_payload_shows_readers_more_links_or_images_than_counted(relative):
    payloads = load_payloads(relative)
    step = 20 if len(payloads) > 1000 else 1
    undercounted = []
    for payload in payloads[::step]:
        counted = (len(external_links(payload)), sum(images(payload).values()))
        for render in (render_markdown, render_comment_markdown):
            links, shown_images = _reader_sees(payload, render)
            if links > counted[0] or shown_images > counted[1]:
                undercounted.append((render.__name__, payload))
    assert undercounted == []


def test_every_corpus_payload_is_scanned_in_linear_time():
    payloads = [p for rel in corpus_files(*ATTACK_PATTERNS) for p in load_payloads(rel)]
    started = time.perf_counter()
    for payload in payloads:
        added_links(payload, payload[::-1])
        added_images(payload, "")
    assert time.perf_counter() - started < 2.0


def _scan_seconds(text: str) -> float:
    started = time.perf_counter()
    added_links(text, text[: len(text) // 2])
    added_images(text)
    return time.perf_counter() - started


@pytest.mark.parametrize(
    "unit",
    ["http:", "www.", "//a", "](//x.example)", "![", "![a](", "&#9;", "&#104;ttp://a.", "[", "h"],
)
def test_half_a_megabyte_of_hostile_text_is_scanned_in_linear_time(unit):
    """The largest article source: its scan grows with its length, never its square."""
    size = 512 * 1024 // len(unit)
    small, large = _scan_seconds(unit * (size // 8)), _scan_seconds(unit * size)
    assert large < 5.0, unit  # about 1 s on a busy machine, for the worst of these
    assert large < 8 * max(small, 0.01) * 3, (unit, small, large)


WRITERS = ["anonymous", "new", "member", "trusted"]


def _writer(kind, levels):
    return {
        "anonymous": lambda: None,
        "new": lambda: account(accepted=1, days=30),
        "member": lambda: account(accepted=2, days=30),
        "trusted": lambda: account(accepted=4, days=30),
    }[kind]()


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("text", [THREE_LINKS, AN_IMAGE, TWO_LINKS])
def test_comments_of_level_0_carry_two_links_and_no_image(levels, writer, text, moderator):
    article = make_article(title="Discussion", user=moderator)
    user = _writer(writer, levels)
    author = anonymous() if user is None else signed_in(user)
    refused = writer in ("anonymous", "new") and text != TWO_LINKS
    if refused:
        with pytest.raises(ValidationError) as error:
            post(article, text, author=author)
        assert "body" in error.value.message_dict
        assert not Comment.objects.comments().exists()
    else:
        assert post(article, text, author=author).body == text


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("text", [THREE_LINKS, AN_IMAGE, TWO_LINKS])
def test_edits_of_level_0_carry_two_links_and_no_image(levels, writer, text, moderator, settings):
    settings.WIKI_ANONYMOUS_EDITS = True
    make_article(title="Garden", texts=["Roses.\n"], user=moderator)
    user = _writer(writer, levels)
    edit = {"slug": "garden", "title": "Garden", "base_number": 1, "contributor": contributor(user)}
    refused = writer in ("anonymous", "new") and text != TWO_LINKS
    if refused:
        with pytest.raises(ValidationError) as error:
            save_edit(source=text, **edit)
        assert "source" in error.value.message_dict
        with pytest.raises(ValidationError):  # a new article too
            save_edit(
                **{**edit, "slug": "new-page", "title": "New page", "base_number": None},
                source=text,
            )
        assert Revision.objects.filter(article__slug__in=["garden", "new-page"]).count() == 1
    else:
        assert save_edit(source=text, **edit).revision.source == text


def test_a_new_account_fixes_a_typo_on_a_page_full_of_links(levels, moderator):
    links = "".join(f"* [Site {i}](https://site{i}.example/)\n" for i in range(8))
    article = make_article(title="Links", texts=[f"Teh links:\n\n{links}"], user=moderator)
    newcomer = account()
    # A typo fix keeps every link: nothing is added.
    result = save_edit(
        slug=article.slug,
        title=article.title,
        source=f"The links:\n\n{links}",
        base_number=1,
        contributor=contributor(newcomer),
    )
    assert result.revision.number == 2
    # Two new links pass; a third does not, nor an image.
    two_more = f"The links:\n\n{links}* https://new1.example\n* https://new2.example\n"
    save_edit(
        slug=article.slug,
        title=article.title,
        source=two_more,
        base_number=2,
        contributor=contributor(newcomer),
    )
    for extra in (
        "* https://new3.example\n* https://new4.example\n* https://new5.example\n",
        "![logo](https://site0.example/logo.png)\n",
    ):
        with pytest.raises(ValidationError):
            save_edit(
                slug=article.slug,
                title=article.title,
                source=two_more + extra,
                base_number=3,
                contributor=contributor(newcomer),
            )
    assert article.revisions.count() == 3


def test_an_edited_comment_may_not_add_what_a_new_comment_may_not(levels, moderator):
    article = make_article(title="Talk", user=moderator)
    newcomer = account()
    comment = post(article, TWO_LINKS, author=signed_in(newcomer))
    edit_comment(comment=comment, body=TWO_LINKS + " Thanks!", editor=newcomer)
    with pytest.raises(ValidationError):
        edit_comment(
            comment=comment,
            body=f"{TWO_LINKS} www.x1.example, http://x2.example, https://x3.example",
            editor=newcomer,
        )
    with pytest.raises(ValidationError):
        edit_comment(comment=comment, body=TWO_LINKS + AN_IMAGE, editor=newcomer)
    # Relative to what it said: one more link is within the limit.
    edit_comment(comment=comment, body=TWO_LINKS + " http://third.example", editor=newcomer)
    comment.refresh_from_db()
    assert comment.body == TWO_LINKS + " http://third.example"
    # A moderator's edit of the same comment is not limited.
    edit_comment(comment=comment, body=THREE_LINKS, editor=moderator)


def test_the_limit_is_explained_and_the_text_kept_in_the_forms(levels, client, moderator):
    make_article(title="Gardens", texts=["Roses.\n"], user=moderator)
    newcomer = account()
    client.force_login(newcomer)
    response = client.post(
        "/wiki/gardens/edit/", {"title": "Gardens", "source": THREE_LINKS, "base_number": 1}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "New accounts can add at most 2 external links at a time (this text adds 3)" in body
    assert "Your account rises after 2 accepted contributions and 3 days since joining" in body
    assert "three.example/)." in body  # the text, kept in the form
    assert Revision.objects.count() == 1

    client.logout()
    response = client.post(
        "/wiki/gardens/comments/",
        {"body": AN_IMAGE, "name": "Robin", "email": "robin@example.test"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Writers without an account cannot add images (this text adds 1 image)" in body
    assert "Sign up: an account rises after" in body
    assert "cats.example/cat.png)</textarea>" in body
    assert not Comment.objects.comments().exists()


def test_an_edited_comment_over_the_limit_is_explained_in_its_form(levels, client, moderator):
    article = make_article(title="Gardens", user=moderator)
    newcomer = account()
    comment = post(article, "Roses.", author=signed_in(newcomer))
    client.force_login(newcomer)
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": f"Roses. {AN_IMAGE}"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "New accounts cannot add images (this text adds 1 image)" in body
    assert "cats.example/cat.png)</textarea>" in body
    comment.refresh_from_db()
    assert comment.body == "Roses."


def test_plain_text_costs_no_query_for_the_limits(user):
    with CaptureQueriesContext(connection) as captured:
        check_new_writer_limits(user, "Just words, [[a wiki link]] and http://one.example")
    assert len(captured) == 0


# The queue


def test_the_queue_shows_each_authors_level(levels, client, moderator):
    article = make_article(title="Queue", user=moderator)
    member = account(accepted=2, days=5)
    raised = account(days=1)
    set_level(user=raised, level=TrustLevel.MEMBER, by=moderator, reason="Vouched for")
    held = {
        "member": post(article, "From a member", author=signed_in(member)),
        "raised": post(article, "From a raised one", author=signed_in(raised)),
        "anonymous": held_comment(article, "From nobody"),
    }
    client.force_login(moderator)
    body = client.get("/moderation/").content.decode()

    def standing(name):
        pk = case_of(held[name]).pk
        item = body[body.index(f'id="case-{pk}"') :]
        found = re.search(r'<div class="queue-standing"><dt>Standing</dt><dd>(.*?)</dd>', item)
        return re.sub(r"<[^>]+>", "", found.group(1))

    assert standing("member").startswith("member, level 1 · joined 5")
    assert standing("member").endswith("2 accepted contributions")
    assert standing("raised").startswith("member, level 1 (set by a moderator) · joined 1")
    assert standing("anonymous") == "anonymous, no account"
