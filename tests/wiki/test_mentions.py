"""@mentions in the markup: which names become links to people's pages."""

import pytest

from tests.factories import UserFactory
from wiki.markup import MAX_MENTIONS, mentioned_names, render_comment_markdown, render_summary


class Lookup:
    """The people who exist, and how many times the render asked."""

    def __init__(self, *names: str) -> None:
        self.names = {name.lower(): name for name in names}
        self.calls: list[set[str]] = []

    def __call__(self, wanted: set[str]) -> dict[str, str]:
        self.calls.append(wanted)
        return {name: self.names[name.lower()] for name in wanted if name.lower() in self.names}


def test_an_existing_name_links_to_the_persons_page_and_an_unknown_one_stays_text():
    lookup = Lookup("bob")
    html = render_comment_markdown("Ask @bob or @nobody.", existing_names=lookup)
    assert '<a class="mention" href="/users/bob/">@bob</a>' in html
    assert "@nobody." in html and "/users/nobody/" not in html
    assert lookup.calls == [{"bob", "nobody"}]


def test_any_case_links_to_the_name_as_the_person_spells_it():
    html = render_comment_markdown("Thanks @BOB!", existing_names=Lookup("Bob"))
    assert '<a class="mention" href="/users/Bob/">@BOB</a>!' in html


@pytest.mark.parametrize(
    "source",
    [
        "`@bob` in code",
        "    @bob in a code block",
        "```\n@bob fenced\n```",
        "[a link to @bob](https://example.org/)",
        "write to bob@example.org",
        "> @bob, quoted",
    ],
)
def test_no_mention_in_code_links_addresses_or_quotes(source):
    html = render_comment_markdown(source, existing_names=Lookup("bob"))
    assert 'class="mention"' not in html
    assert mentioned_names(html) == []


def test_past_the_limit_names_stay_text_and_are_looked_up_in_one_call():
    names = [f"p{number}" for number in range(MAX_MENTIONS + 5)]
    lookup = Lookup(*names)
    html = render_comment_markdown(" ".join(f"@{name}" for name in names), existing_names=lookup)
    assert len(lookup.calls) == 1 and len(lookup.calls[0]) == MAX_MENTIONS
    assert mentioned_names(html) == names[:MAX_MENTIONS]
    assert f"@{names[-1]}" in html and f"/users/{names[-1]}/" not in html


def test_repeated_mentions_all_link_and_count_once():
    html = render_comment_markdown("@bob, @Bob and again @bob.", existing_names=Lookup("bob"))
    assert html.count('class="mention"') == 3
    assert mentioned_names(html) == ["bob"]


def test_without_a_lookup_nothing_is_linked():
    assert 'class="mention"' not in render_comment_markdown("Hi @bob")


def test_a_summary_is_escaped_and_its_mentions_linked():
    html = render_summary("Fixed <b>typo</b> for @bob & @nobody.", existing_names=Lookup("bob"))
    assert html == (
        'Fixed &lt;b&gt;typo&lt;/b&gt; for <a class="mention" href="/users/bob/">@bob</a>'
        " &amp; @nobody."
    )
    assert mentioned_names(html) == ["bob"]


@pytest.mark.django_db
def test_the_lookup_finds_active_people_in_any_case_in_one_query(django_assert_num_queries):
    from commons.people import existing_user_names

    UserFactory(username="Carol")
    UserFactory(username="gone", is_active=False)
    with django_assert_num_queries(1):
        found = existing_user_names({"carol", "gone", "nobody"})
    assert found == {"carol": "Carol"}
