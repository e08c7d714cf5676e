"""Blocklists: moderators list sites and words; new content that carries one is refused
or held for a moderator, and every match is logged."""

import contextlib
import json
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.services import edit_comment
from moderation import blocklist
from moderation.blocklist import add_entry, remove_entry, screen
from moderation.models import (
    Actor,
    BlocklistEntry,
    CheckState,
    LogAction,
    LogEntry,
    ReviewReason,
    TargetKind,
)
from moderation.states import Status
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import CORPORA, contributor
from tests.factories import UserFactory
from tests.moderation.queue_helpers import case_of
from tests.wiki.helpers import make_article
from wiki.models import Article, Revision
from wiki.services import save_edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(moderator):
    """Add entries as a moderator: listed("spam.example"), listed("cheap pills", kind="word")."""

    def add(pattern, *, kind="url", action="refuse", reason=""):
        return add_entry(by=moderator, kind=kind, pattern=pattern, action=action, reason=reason)

    return add


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


def edit(article, text, user=None, summary=""):
    article.refresh_from_db()
    return save_edit(
        slug=article.slug,
        title=article.title,
        source=text,
        summary=summary,
        base_number=article.current_revision.number,
        contributor=contributor(user),
    )


def found(text, old=""):
    match = screen(text, old)
    return match.found if match else None


def matches_log():
    return list(LogEntry.objects.filter(action=LogAction.BLOCKLIST_MATCH).order_by("pk"))


# What matches


def test_a_site_matches_itself_and_its_subdomains_but_no_lookalike(listed):
    listed("spam.example")

    assert found("see https://spam.example/") == "spam.example"
    assert found("see http://shop.eu.SPAM.example/buy?x=1") == "shop.eu.spam.example/buy"
    assert found("[cheap](https://www.spam.example/a)") == "www.spam.example/a"
    assert found("https://notspam.example/ https://spam.example.org/") is None
    assert found("spam.example without a scheme is not a link") is None


def test_a_site_with_a_path_matches_that_path_and_what_is_under_it(listed):
    listed("spam.example/promo")

    assert found("http://spam.example/promo") == "spam.example/promo"
    assert found("http://spam.example/Promo/week?ref=1") == "spam.example/promo/week"
    assert found("http://cdn.spam.example/promo/x") == "cdn.spam.example/promo/x"
    assert found("http://spam.example/promotions http://spam.example/about") is None
    assert found("http://spam.example/") is None


def test_patterns_are_stored_normalised_and_idna_hosts_match_either_form(listed):
    assert listed("https://WWW.Spam.Example/Promo/?x=1#top").pattern == "spam.example/promo"
    assert listed("Bücher.example").pattern == "xn--bcher-kva.example"

    assert found("http://bücher.example/") == "xn--bcher-kva.example"
    assert found("http://BÜCHER.example/") == "xn--bcher-kva.example"
    assert found("http://xn--bcher-kva.example/x") == "xn--bcher-kva.example/x"


@pytest.mark.parametrize(
    "text",
    [
        "[x](http://spam&#46;example/)",  # an HTML character reference
        "[x](http://spam\\.example/)",  # a Markdown escape
        '<a href="HTTPS://SPAM.EXAMPLE">x</a>',
        "http://spa\u200bm.example/",  # a zero-width space
        "http://ｓｐａｍ．ｅｘａｍｐｌｅ/",  # full-width letters and dot
        "http://%73pam.example/",  # percent-encoded
        "http://friend.example@spam.example:8080/",  # a user before the host
        "//spam.example/x",  # protocol-relative
        "http:\\\\spam.example",  # backslashes, which browsers forgive
        "www.spam.example",
        "http://spam.example./",  # the root's trailing dot
    ],
)
def test_disguised_links_still_match(listed, text):
    listed("spam.example")

    assert screen(text) is not None, text


def test_words_match_whole_words_and_phrases_whatever_the_case(listed):
    listed("Casino", kind="word")
    listed("cheap   pills!", kind="word")

    assert found("Best CASINO in town") == "casino"
    assert found("casinos and occasions") is None
    assert found("Cheap\npills, today") == "cheap pills"
    assert found("cheap, PILLS") == "cheap pills"
    assert found("cheap vitamin pills") is None
    assert found("ｃａｓｉｎｏ") == "casino"  # full-width
    assert found("ca\u00adsi\u200bno") == "casino"  # soft hyphen, zero-width space
    assert found("visit http://casino.example/") == "casino"  # words in links count too


def test_only_what_an_edit_adds_counts(listed):
    listed("spam.example")
    listed("casino", kind="word")
    old = "Teh gardens. http://spam.example/x and the casino.\n"

    assert screen("The gardens. http://spam.example/x and the casino.\n", old) is None
    assert found(old + "casino again\n", old) == "casino"
    assert found(old + "http://spam.example/x\n", old) == "spam.example/x"
    assert found(old.replace("/x", "/y"), old) == "spam.example/y"


def test_a_refusing_entry_wins_over_a_holding_one(listed):
    listed("casino", kind="word", action="hold")
    listed("spam.example")

    match = screen("casino first, then http://spam.example/")

    assert match.refuses and match.pattern == "spam.example"


# Keeping the list


@pytest.mark.parametrize(
    ("kind", "pattern", "message"),
    [
        ("url", "", "Give a site"),
        ("url", "spam example", "Give a site"),
        ("url", "com", "not a site address"),
        ("url", "http://", "not a site address"),
        ("url", "spam_.example!", "not a site address"),
        ("url", "127.0.0.1", "this site's own address"),
        ("url", "https://localhost/x", "this site's own address"),
        ("url", "spam.example/" + "/".join("abcdefghijk"), "at most 10 parts"),
        ("word", "  !!! ", "at least one letter or digit"),
        ("word", "one two three four five six seven eight nine ten eleven", "at most 10 words"),
        ("word", "x" * 300, "too long"),
    ],
)
def test_bad_patterns_get_a_message(moderator, kind, pattern, message):
    with pytest.raises(ValidationError, match=message):
        add_entry(by=moderator, kind=kind, pattern=pattern, action="refuse")
    assert not BlocklistEntry.objects.exists()


def test_a_duplicate_says_it_is_already_listed(listed):
    listed("spam.example")

    with pytest.raises(ValidationError, match="“spam.example” is already on the list"):
        listed("http://WWW.SPAM.EXAMPLE/")
    listed("spam.example", kind="word")  # the same text as a word is another entry


def test_each_list_is_capped(listed, monkeypatch):
    monkeypatch.setattr(blocklist, "MAX_ENTRIES_PER_KIND", 2)
    listed("one.example")
    listed("two.example")

    with pytest.raises(ValidationError, match="at most 2 entries"):
        listed("three.example")
    listed("three", kind="word")


def test_adding_and_removing_are_logged_and_the_row_stays(listed, moderator):
    entry = listed("spam.example", action="hold", reason="pharma spam wave")
    remove_entry(entry=entry, by=moderator, reason="over-broad")
    remove_entry(entry=entry, by=moderator)  # twice changes nothing

    entry.refresh_from_db()
    assert entry.removed_by == moderator and entry.removed_at is not None
    log = list(LogEntry.objects.about(TargetKind.BLOCKLIST, entry.pk).order_by("pk"))
    assert [(row.action, row.actor, row.reason) for row in log] == [
        (LogAction.BLOCKLIST_ADD, moderator, "hold it for review; pharma spam wave"),
        (LogAction.BLOCKLIST_REMOVE, moderator, "over-broad"),
    ]
    assert screen("http://spam.example/") is None
    listed("spam.example")  # may be listed again once removed


def test_only_moderators_keep_the_list(user, listed):
    entry = listed("spam.example")

    with pytest.raises(PermissionDenied):
        add_entry(by=user, kind="url", pattern="other.example", action="refuse")
    with pytest.raises(PermissionDenied):
        remove_entry(entry=entry, by=user)


# The compiled lists are cached, and a change is seen at once


def test_the_lists_are_cached_and_a_change_invalidates_them(listed, django_assert_num_queries):
    listed("spam.example")
    screen("http://spam.example/")  # compiled
    with django_assert_num_queries(0):
        assert screen("http://spam.example/") is not None
    # A row written behind the service's back is not seen: the compiled lists are reused...
    BlocklistEntry.objects.create(kind="word", pattern="casino", action="refuse")
    assert screen("casino") is None
    # ... until the next change through the service makes a new version.
    other = listed("other.example")
    assert found("casino") == "casino"
    remove_entry(entry=other, by=other.added_by)
    assert screen("http://other.example/") is None


def test_a_new_version_in_redis_reaches_a_process_that_compiled_the_old_one(
    listed, settings, redis_server
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    cache.clear()
    listed("spam.example")
    assert screen("http://spam.example/") is not None
    BlocklistEntry.objects.create(kind="word", pattern="casino", action="refuse")
    assert screen("casino") is None  # this process's compiled lists, same version
    # Another process (another web worker) changes the list: only the version in Redis moves.
    cache.set(blocklist.VERSION_KEY, "written-by-another-process", None)
    assert found("casino") == "casino"


def test_with_the_cache_unreachable_the_list_is_read_from_the_database(listed, settings):
    listed("spam.example")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert found("http://spam.example/") == "spam.example"


# Refused and held edits


def test_a_refused_edit_saves_nothing_names_the_link_and_is_logged(listed, article, user):
    listed("spam.example", reason="pill spam")
    before = Revision.objects.count()

    with pytest.raises(ValidationError) as refused:
        edit(article, "Shared gardens.\n[deal](http://spam.example/buy)\n", user=user)

    message = refused.value.message_dict["source"][0]
    assert "spam.example/buy" in message and "moderators keep a list" in message
    assert Revision.objects.count() == before
    [entry] = matches_log()
    assert entry.actor == user and entry.actor_kind == Actor.SYSTEM
    assert (entry.target_kind, entry.target_id) == (TargetKind.ARTICLE, str(article.pk))
    assert "spam.example" in entry.reason and "pill spam" in entry.reason
    assert entry.reason.startswith("Refused")


def test_a_refused_word_in_the_summary_names_the_summary(listed, article, user):
    listed("casino", kind="word")

    with pytest.raises(ValidationError) as refused:
        edit(article, "Shared gardens, tended.\n", user=user, summary="casino link")
    assert "casino" in refused.value.message_dict["summary"][0]


def test_fixing_a_typo_beside_a_listed_link_is_allowed(listed, moderator, user):
    article = make_article(texts=("Teh gardens http://spam.example/x\n",), user=moderator)
    listed("spam.example")

    result = edit(article, "The gardens http://spam.example/x\n", user=user)

    assert result.revision.number == 2


@pytest.mark.parametrize("who", ["moderator", "trusted", "anonymous"])
def test_a_held_edit_is_saved_and_waits_for_a_moderator_whoever_wrote_it(
    listed, article, moderator, settings, client, who
):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0  # every account is trusted
    listed("spam.example", action="hold")
    writer = {"moderator": moderator, "trusted": UserFactory(), "anonymous": None}[who]

    result = edit(article, "Shared gardens.\nhttp://spam.example/\n", user=writer)

    assert result.awaiting_review
    case = case_of(result.revision)
    assert (case.status, case.state, case.review_reason) == (
        Status.PUBLISHED,
        CheckState.NEEDS_REVIEW,
        ReviewReason.BLOCKLIST,
    )
    assert "held by the blocklist" in case.events.get().reason
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<meta name="robots" content="noindex">' in page
    [entry] = matches_log()
    assert entry.reason.startswith(f"Held revision {result.revision.number} for review")
    assert entry.actor == writer


def test_a_refused_new_article_is_not_created(listed, user):
    listed("cheap pills", kind="word")

    with pytest.raises(ValidationError) as refused:
        save_edit(
            slug="cheap-pills",
            title="Cheap pills",
            source="Nothing else.",
            base_number=None,
            contributor=contributor(user),
        )

    assert "cheap pills" in refused.value.message_dict["title"][0]
    assert not Article.objects.filter(slug="cheap-pills").exists()
    [entry] = matches_log()
    assert (entry.target_id, entry.target_url) == ("cheap-pills", "/wiki/cheap-pills/")


def test_a_held_new_article_is_live_awaiting_a_moderator(listed, moderator):
    listed("spam.example", action="hold")

    result = save_edit(
        slug="deals",
        title="Deals",
        source="http://spam.example/",
        base_number=None,
        contributor=contributor(moderator),
    )

    assert result.created_article and result.awaiting_review
    assert case_of(result.revision).review_reason == ReviewReason.BLOCKLIST


def test_the_edit_page_keeps_the_text_and_says_why(listed, article, user, client):
    listed("spam.example")
    client.force_login(user)
    text = "Shared gardens.\nhttp://spam.example/buy\n"

    response = client.post(
        f"/wiki/{article.slug}/edit/",
        {"source": text, "summary": "", "base_number": article.current_revision.number},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "spam.example/buy" in page and "moderators keep a list" in page
    assert "http://spam.example/buy\n</textarea>" in page


def test_refusals_logged_per_writer_are_capped(listed, article, user, settings):
    listed("spam.example")
    for _ in range(25):
        with pytest.raises(ValidationError):
            edit(article, "http://spam.example/\n", user=user)

    assert len(matches_log()) == 20


def test_edits_through_the_page_are_rate_limited(listed, article, user, client, settings):
    """Each refused attempt is a save the writer's rate limit counts: the log cannot be
    flooded faster than people may save."""
    settings.EDITS_RATE_LIMIT = "2/60"
    listed("spam.example")
    client.force_login(user)
    data = {"source": "http://spam.example/\n", "base_number": article.current_revision.number}

    codes = [client.post(f"/wiki/{article.slug}/edit/", data).status_code for _ in range(3)]

    assert codes == [400, 400, 429]
    assert len(matches_log()) == 2


# Refused and held comments


def test_a_refused_comment_saves_nothing_and_is_logged(listed, article):
    listed("spam.example")

    with pytest.raises(ValidationError) as refused:
        post(article, "Great! https://spam.example/deal", author=anonymous(ip="192.0.2.5"))

    assert "spam.example/deal" in refused.value.message_dict["body"][0]
    assert not Comment.objects.comments().exists()
    [entry] = matches_log()
    assert entry.actor is None and entry.target_id == str(article.pk)


def test_a_commenters_website_and_name_are_screened_too(listed, article):
    listed("spam.example")
    listed("casino", kind="word")

    with pytest.raises(ValidationError):
        post(article, "Nice.", author=anonymous(url="https://spam.example/"))
    with pytest.raises(ValidationError):
        post(article, "Nice.", author=anonymous(name="Casino Bob"))


def test_a_held_comment_from_a_trusted_author_waits_unseen(listed, article, user, settings, client):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0
    listed("casino", kind="word", action="hold")

    comment = post(article, "Try the casino tonight", author=signed_in(user))

    assert comment.status == Status.PENDING
    case = case_of(comment)
    assert (case.state, case.review_reason) == (CheckState.NEEDS_REVIEW, ReviewReason.BLOCKLIST)
    assert "Try the casino" not in client.get(article.get_absolute_url()).content.decode()
    [entry] = matches_log()
    assert entry.reason.startswith(f"Held comment #{comment.pk} for review")


def test_a_refused_comment_keeps_its_text_on_the_page(listed, article, client):
    listed("spam.example")
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200

    response = client.post(
        f"/wiki/{article.slug}/comments/",
        {"body": "Buy at http://spam.example/now", "name": "Robin", "email": "r@example.test"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "moderators keep a list" in html
    assert "Buy at http://spam.example/now</textarea>" in html


def test_editing_a_comment_to_add_a_held_word_hides_it_again(listed, article, user, settings):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0
    comment = post(article, "A fine garden.", author=signed_in(user))
    assert comment.status == Status.PUBLISHED
    listed("casino", kind="word", action="hold")

    edit_comment(comment=comment, body="A fine garden. And a casino.", editor=user)

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    case = case_of(comment)
    assert (case.state, case.review_reason) == (CheckState.NEEDS_REVIEW, ReviewReason.BLOCKLIST)


def test_editing_a_comment_to_add_a_refused_link_changes_nothing(listed, article, user, client):
    comment = post(article, "A fine garden.", author=signed_in(user))
    listed("spam.example")
    client.force_login(user)

    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "See http://spam.example/"})

    assert response.status_code == 400
    assert "moderators keep a list" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "A fine garden."
    assert len(matches_log()) == 1


def test_editing_a_comment_that_already_had_the_link_is_allowed(listed, article, user):
    comment = post(article, "Teh link http://spam.example/", author=signed_in(user))
    listed("spam.example")

    edit_comment(comment=comment, body="The link http://spam.example/", editor=user)

    comment.refresh_from_db()
    assert comment.body.startswith("The link")


# Hostile input, and its cost


def naughty_strings():
    return json.loads((CORPORA / "naughty-strings" / "blns.json").read_text())


def test_naughty_strings_neither_crash_the_screen_nor_the_list(moderator):
    strings = naughty_strings()
    normalise = {"url": blocklist.normalise_url_pattern, "word": blocklist.normalise_word_pattern}
    patterns = set()
    for kind, clean in normalise.items():
        for text in strings:
            with contextlib.suppress(ValidationError):
                patterns.add((kind, clean(text)))
    BlocklistEntry.objects.bulk_create(
        BlocklistEntry(kind=kind, pattern=pattern, action="hold") for kind, pattern in patterns
    )
    add_entry(by=moderator, kind="url", pattern="spam.example", action="refuse")  # new version
    assert len([kind for kind, _ in patterns if kind == "word"]) > 100
    for text in strings:
        screen(text)
        screen(f"http://{text}/ {text}", old_text=text)


def test_naughty_strings_as_text_match_only_what_is_listed(listed):
    listed("spam.example")
    listed("casino", kind="word")

    assert [text for text in naughty_strings() if screen(text)] == []
    assert all(screen(f"{text} http://spam.example/ {text}") for text in naughty_strings())


def test_the_cost_is_bounded_for_the_largest_text_and_the_fullest_lists(moderator, settings):
    rows = [
        BlocklistEntry(kind="url", pattern=f"s{i}.spam.example/p/{i}", action="refuse")
        for i in range(blocklist.MAX_ENTRIES_PER_KIND)
    ] + [
        # phrases of 2 to 10 words that all start "a a ..." and end with a word never written
        BlocklistEntry(kind="word", pattern="a " * (1 + i % 9) + f"z{i}", action="hold")
        for i in range(blocklist.MAX_ENTRIES_PER_KIND)
    ]
    BlocklistEntry.objects.bulk_create(rows)
    cache.delete(blocklist.VERSION_KEY)  # rows written behind the service: a new version
    size = settings.WIKI_MAX_SOURCE_BYTES
    texts = [
        "a " * (size // 2),  # every word starts every phrase
        ("http://a.s1.spam.example/p/x/" * (size // 30))[:size],  # listed hosts, other paths
        ("http://" + "a." * 120 + "example ") * (size // 250),  # the deepest hosts
        "&#46;" * (size // 5),
        "h" * size,
    ]
    for text in texts:
        started = time.monotonic()
        assert screen(text, old_text=text[::-1]) is None
        assert time.monotonic() - started < 3, text[:40]


# The moderators' page


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_page_lists_entries_and_adds_and_removes_them(mod_client, moderator):
    response = mod_client.post(
        "/moderation/blocklist/add/",
        {"kind": "url", "pattern": "https://www.spam.example/x", "action": "hold", "reason": "r1"},
        follow=True,
    )
    html = response.content.decode()
    assert "Added “spam.example/x” to the blocklist." in html
    assert "<code>spam.example/x</code>" in html and "held for review" in html and "r1" in html
    entry = BlocklistEntry.objects.get()

    response = mod_client.post(f"/moderation/blocklist/{entry.pk}/remove/", follow=True)

    assert "Removed “spam.example/x”" in response.content.decode()
    assert "<code>spam.example/x</code>" not in response.content.decode()
    assert BlocklistEntry.objects.get().removed_by == moderator


def test_a_bad_entry_keeps_what_was_typed_and_says_why(mod_client, listed):
    listed("spam.example")

    response = mod_client.post(
        "/moderation/blocklist/add/",
        {"kind": "url", "pattern": "http://SPAM.example", "action": "refuse"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "already on the list" in html and 'value="http://SPAM.example"' in html


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/moderation/blocklist/"),
        ("post", "/moderation/blocklist/add/"),
        ("post", "/moderation/blocklist/{pk}/remove/"),
        ("post", "/moderation/blocklist/add-site/"),
    ],
)
def test_only_moderators_may_use_the_pages(client, user, listed, method, url):
    entry = listed("spam.example")
    url = url.format(pk=entry.pk)
    data = {"kind": "url", "pattern": "other.example", "action": "refuse", "host": "x.example"}

    assert getattr(client, method)(url, data).status_code == 302  # to log in
    client.force_login(user)
    assert getattr(client, method)(url, data).status_code == 403
    assert BlocklistEntry.objects.active().count() == 1


def test_the_page_costs_the_same_queries_for_3_or_30_entries(mod_client, listed, settings):
    for i in range(3):
        listed(f"s{i}.example")
    mod_client.get("/moderation/blocklist/")
    few = queries(mod_client, "/moderation/blocklist/")
    for i in range(3, 30):
        listed(f"s{i}.example", action="hold")
    many = queries(mod_client, "/moderation/blocklist/")
    assert mod_client.get("/moderation/blocklist/").content.decode().count("<tr id=") == 30
    assert few == many
    assert many <= 7  # session, user, roles, the header's count and bell, entries' count, page


# The queue's "add this site" buttons


def spam_comment(article, body, moderator):
    from moderation import services

    comment = post(article, body, author=anonymous())
    services.mark_spam(case=case_of(comment), moderator=moderator)
    return comment


def test_spam_in_the_queue_offers_its_links_sites(mod_client, article, moderator, listed, settings):
    settings.MODERATION_NEW_MAX_LINKS = 10  # spam that got past new writers' link limit
    spam_comment(
        article,
        "[a](https://www.pills.example/x) [b](http://sub.listed.example/) "
        "[c](http://testserver/wiki/gardens/) [d](https://pills.example/y) "
        "[e](https://cdn.pills.example/z)",
        moderator,
    )
    post(article, "Held, maybe spam: https://casino.example/", author=anonymous())
    listed("listed.example")

    spam_tab = mod_client.get("/moderation/?tab=spam").content.decode()
    review_tab = mod_client.get("/moderation/").content.decode()

    assert spam_tab.count("to the blocklist</button>") == 1
    assert 'name="host" value="pills.example">Add pills.example to the blocklist' in spam_tab
    assert "Add casino.example to the blocklist" in review_tab


def test_an_edit_offers_only_the_sites_of_the_links_it_added(mod_client, moderator, user):
    article = make_article(
        texts=("Sources: [wiki](https://en.wikipedia.org/wiki/Garden)\n" * 50,), user=moderator
    )
    text = article.current_revision.source
    edit(article, text[:500] + "[pills](https://pills.example/x) " + text[500:], user=user)

    review_tab = mod_client.get("/moderation/").content.decode()

    assert "Add pills.example to the blocklist" in review_tab
    assert "wikipedia.org to the blocklist" not in review_tab


def test_the_button_adds_the_site_and_returns_to_the_queue(mod_client, article, moderator):
    spam_comment(article, "[a](https://pills.example/x)", moderator)

    response = mod_client.post(
        "/moderation/blocklist/add-site/", {"host": "pills.example", "tab": "spam", "page": "1"}
    )

    assert response.status_code == 302 and response.url == "/moderation/?tab=spam"
    entry = BlocklistEntry.objects.get()
    assert (entry.pattern, entry.action, entry.added_by) == ("pills.example", "refuse", moderator)
    assert "Add pills.example" not in mod_client.get("/moderation/?tab=spam").content.decode()
    with pytest.raises(ValidationError):
        post(article, "again https://pills.example/", author=anonymous())


def test_the_button_for_a_listed_site_says_nothing_was_added(mod_client, listed):
    listed("pills.example")

    response = mod_client.post(
        "/moderation/blocklist/add-site/", {"host": "pills.example"}, follow=True
    )

    assert "Nothing was added" in response.content.decode()


def test_the_queue_with_sites_costs_the_same_queries_for_3_or_30_items(
    mod_client, moderator, listed
):
    listed("listed.example", action="hold")  # held, and not offered again

    def seed(start, count):
        for i in range(start, start + count):
            article = make_article(title=f"Article {i}", user=moderator)
            body = f"See https://s{i}.example/ and http://listed.example/"
            post(article, body, author=anonymous())

    seed(0, 3)
    mod_client.get("/moderation/")
    few = queries(mod_client, "/moderation/")
    seed(3, 27)
    many = queries(mod_client, "/moderation/")
    html = mod_client.get("/moderation/").content.decode()
    assert html.count("to the blocklist</button>") == 30
    assert few == many
    assert many <= 21  # the queue's budget; the sites cost no query once the lists are compiled
