"""What wiki.markup renders: Markdown features, wiki links, link rel, and safety."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from concurrent.futures import ThreadPoolExecutor

import html5lib
import pytest

from tests.wiki.test_markup_corpora import assert_inert, inert_problems
from wiki.markup import (
    EXTERNAL_LINK_REL,
    RenderedArticle,
    render_article,
    render_comment_markdown,
    render_markdown,
    wiki_link_slugs,
)

XHTML = "{http://www.w3.org/1999/xhtml}"


def parse(html: str) -> etree.Element:
    return html5lib.parseFragment(html, container="div", treebuilder="etree")


def find_all(html: str, tag: str) -> list[etree.Element]:
    return list(parse(html).iter(XHTML + tag))


def links(html: str) -> list[etree.Element]:
    return find_all(html, "a")


def text_of(element: etree.Element) -> str:
    return "".join(element.itertext())


def only_link(html: str) -> etree.Element:
    found = links(html)
    assert len(found) == 1, html
    return found[0]


class Recorder:
    """An `existing_slugs` callable that records its calls."""

    def __init__(self, existing: set[str]) -> None:
        self.existing = existing
        self.calls: list[set[str]] = []

    def __call__(self, slugs: set[str]) -> set[str]:
        self.calls.append(set(slugs))
        return slugs & self.existing


# --- Markdown features ----------------------------------------------------------


def test_tables_render_align_attributes_and_no_style() -> None:
    html = render_markdown("| left | middle | right |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n")

    cells = find_all(html, "th") + find_all(html, "td")
    assert [cell.get("align") for cell in cells] == ["left", "center", "right"] * 2
    assert "style" not in html


def test_fenced_code_is_highlighted_with_classes_and_no_style_attribute() -> None:
    html = render_markdown('```python\ndef greet():\n    return "<hi>"\n```\n')

    (block,) = find_all(html, "div")
    assert block.get("class") == "highlight"
    assert {span.get("class") for span in block.iter(XHTML + "span")} >= {"k", "nf", "s2"}
    assert "style=" not in html
    assert "&lt;hi&gt;" in html


def test_fenced_code_attributes_choose_only_language_and_highlighted_lines() -> None:
    source = (
        '```{ .python .evil #myid hl_lines="1" noclasses=true linenos=x pygments_formatter=svg }\n'
        "x = 1\ny = 2\n```\n"
    )

    html = render_markdown(source)

    assert 'class="hll"' in html
    assert "style=" not in html
    assert "evil" not in html
    assert "myid" not in html
    assert "<svg" not in html


def test_unclosed_fence_stays_text_and_closed_fence_is_code() -> None:
    assert "<pre" not in render_markdown("```\nnot closed\n")
    assert "<pre" in render_markdown("~~~\ncode\n~~~\n")


def test_footnotes_link_the_reference_and_the_note() -> None:
    html = render_markdown("Claim.[^src]\n\n[^src]: The source.\n")

    (reference,) = find_all(html, "sup")
    assert reference.get("id") == "fnref:src"
    assert [a.get("href") for a in reference.iter(XHTML + "a")] == ["#fn:src"]
    notes = [li for li in find_all(html, "li") if li.get("id") == "fn:src"]
    assert notes and "The source." in text_of(notes[0])


def test_definition_lists_render() -> None:
    html = render_markdown("Wiki\n: A site anyone can edit.\n")

    assert [text_of(e) for e in find_all(html, "dt")] == ["Wiki"]
    assert [text_of(e) for e in find_all(html, "dd")] == ["A site anyone can edit."]


def test_contents_appear_with_three_headings() -> None:
    html = render_markdown("# One\n\n## Two\n\n### Three\n\ntext\n")

    (nav,) = find_all(html, "nav")
    assert nav.get("class") == "toc"
    assert nav.get("aria-label") == "Contents"
    assert [a.get("href") for a in nav.iter(XHTML + "a")] == ["#one", "#two", "#three"]
    assert html.startswith("<nav")


def test_contents_are_left_out_below_three_headings() -> None:
    assert "<nav" not in render_markdown("# One\n\n## Two\n\ntext\n")


def test_headings_get_ids_and_a_permalink_anchor() -> None:
    html = render_markdown("## Getting started\n")

    (heading,) = find_all(html, "h2")
    assert heading.get("id") == "getting-started"
    (anchor,) = heading.iter(XHTML + "a")
    assert anchor.get("class") == "headerlink"
    assert anchor.get("href") == "#getting-started"
    assert text_of(anchor) == "\N{PILCROW SIGN}"


def test_toc_marker_is_not_special() -> None:
    assert "[TOC]" in render_markdown("[TOC]\n\n# a\n")


# --- Wiki links -----------------------------------------------------------------


def test_wiki_link_points_at_the_slug_of_its_title() -> None:
    link = only_link(render_markdown("See [[Getting Started]]."))

    assert link.get("href") == "/wiki/getting-started/"
    assert text_of(link) == "Getting Started"
    assert link.get("class") == "wikilink"
    assert link.get("rel") is None


def test_wiki_link_with_label_shows_the_label() -> None:
    link = only_link(render_markdown("[[Getting Started|start here]]"))

    assert link.get("href") == "/wiki/getting-started/"
    assert text_of(link) == "start here"


def test_red_links_only_for_slugs_that_existing_slugs_leaves_out() -> None:
    lookup = Recorder(existing={"home"})

    found = links(render_markdown("[[Home]] and [[Nowhere Yet]]", existing_slugs=lookup))

    home, missing = found
    assert home.get("class") == "wikilink"
    assert home.get("title") is None
    assert missing.get("class") == "wikilink new"
    assert missing.get("title") == "Nowhere Yet (page does not exist)"
    assert missing.get("href") == "/wiki/nowhere-yet/"


def test_existing_slugs_is_called_once_with_every_slug() -> None:
    lookup = Recorder(existing=set())

    render_markdown("[[A]] [[B]] [[A|again]] [[c]]", existing_slugs=lookup)

    assert lookup.calls == [{"a", "b", "c"}]


def test_existing_slugs_is_not_called_without_wiki_links() -> None:
    lookup = Recorder(existing=set())

    render_markdown("no links here", existing_slugs=lookup)

    assert lookup.calls == []


def test_without_existing_slugs_every_wiki_link_exists() -> None:
    assert "new" not in render_markdown("[[Anything]]")


def test_wiki_link_whose_title_has_no_slug_renders_as_plain_text() -> None:
    html = render_markdown("[[!!!]] and [[日本]]")

    assert links(html) == []
    assert "!!!" in html
    assert "日本" in html


def test_wiki_links_in_code_are_not_links() -> None:
    assert links(render_markdown("`[[Home]]`\n\n    [[Home]]\n")) == []


def test_link_slugs_collects_every_wiki_link() -> None:
    source = "[[Home]], [[Getting Started|start]], [[Home]] and `[[Code]]`"

    article = render_article(source)

    assert isinstance(article, RenderedArticle)
    assert article.link_slugs == frozenset({"home", "getting-started"})
    assert wiki_link_slugs(source) == article.link_slugs
    assert render_markdown(source) == article.html


def test_wiki_link_inside_a_link_does_not_nest_links() -> None:
    html = render_markdown("[see [[Home]] now](https://example.com/)")

    link = only_link(html)
    assert link.get("href") == "https://example.com/"
    assert text_of(link) == "see Home now"


# --- Bare URLs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "href", "after"),
    [
        ("Visit https://example.com/page.", "https://example.com/page", "."),
        ("(see http://example.com/a)", "http://example.com/a", ")"),
        ("at www.example.org, then", "http://www.example.org", ","),
        (
            "https://en.wikipedia.org/wiki/Foo_(bar)!",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
            "!",
        ),
        ("*https://example.com/x*", "https://example.com/x", ""),
    ],
)
def test_bare_urls_are_linked_without_trailing_punctuation(
    source: str, href: str, after: str
) -> None:
    link = only_link(render_markdown(source))

    assert link.get("href") == href
    assert text_of(link) == (href.removeprefix("http://") if "www." in href else href)
    assert (link.tail or "").startswith(after)


def test_url_inside_link_text_is_not_linked_again() -> None:
    link = only_link(render_markdown("[https://a.example/](https://b.example/)"))

    assert link.get("href") == "https://b.example/"


def test_url_in_code_is_not_linked() -> None:
    assert links(render_markdown("`https://example.com/`")) == []


# --- rel ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "[x](https://example.com/)",
        "[x](http://example.com/)",
        "[x](mailto:someone@example.com)",
        "[x](//example.com/path)",
        "<https://example.com/>",
        "<someone@example.com>",
        "https://example.com/",
        "[x](&#x68;ttps://example.com/)",
    ],
)
def test_external_links_get_nofollow_ugc_noopener(source: str) -> None:
    for render in (render_markdown, render_comment_markdown):
        assert only_link(render(source)).get("rel") == EXTERNAL_LINK_REL


@pytest.mark.parametrize(
    "source", ["[x](/wiki/home/)", "[x](#section)", "[x](other-page/)", "[[Home]]", "[x](?q=1)"]
)
def test_internal_links_get_no_rel(source: str) -> None:
    for render in (render_markdown, render_comment_markdown):
        assert only_link(render(source)).get("rel") is None


# --- Raw HTML and unsafe URLs -----------------------------------------------------


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a <b>bold</b> word", "&lt;b&gt;bold&lt;/b&gt;"),
        ('<div onclick="x()">\nblock\n</div>', "&lt;div onclick="),
        ("<!-- hidden -->", "&lt;!-- hidden --&gt;"),
    ],
)
def test_raw_html_is_shown_as_text(source: str, shown: str) -> None:
    for render in (render_markdown, render_comment_markdown):
        html = render(source)
        assert shown in html
        assert_inert(html, payload=source)


def test_entities_and_autolinks_still_work() -> None:
    html = render_markdown("Fish &amp; chips &copy; 2026 <https://example.com/>")

    assert "Fish &amp; chips © 2026" in html
    assert only_link(html).get("href") == "https://example.com/"


UNSAFE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "\u2028javascript:alert(1)",
    "&#x200B;javascript:alert(1)",
    "&#x2028;javascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "java\u200dscript:alert(1)",
    "\ufeffjavascript:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "livescript:alert(1)",
    "mocha:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2Zz4=",
    "\uff4aavascript:alert(1)",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_links_and_images_lose_their_url(url: str) -> None:
    sources = [f"[x]({url})", f"[x](<{url}>)", f"![x]({url})", f"[x]: {url}\n\n[y][x]"]
    for source in sources:
        for render in (render_markdown, render_comment_markdown):
            html = render(source)
            assert_inert(html, payload=source)
            for element in find_all(html, "a") + find_all(html, "img"):
                assert element.get("href") is None, (source, html)
                assert element.get("src") is None, (source, html)
                assert element.get("rel") is None, (source, html)


def test_spaces_inside_a_scheme_do_not_hide_it() -> None:
    # python-markdown turns a tab into spaces; the scheme check ignores them.
    html = render_markdown("[x](<jav   ascript:alert(1)>) [y](<jav\tascript:alert(1)>)")

    assert [a.get("href") for a in links(html)] == [None, None]


def test_allowed_schemes_and_relative_urls_keep_their_url() -> None:
    html = render_markdown("[a](https://x.example/) [b](mailto:a@x.example) [c](/p/) [d](q/)")

    assert [a.get("href") for a in links(html)] == [
        "https://x.example/",
        "mailto:a@x.example",
        "/p/",
        "q/",
    ]


def test_images_keep_src_alt_and_title() -> None:
    (image,) = find_all(render_markdown('![A cat](https://x.example/cat.png "Tom")'), "img")

    assert image.attrib == {"src": "https://x.example/cat.png", "alt": "A cat", "title": "Tom"}


# --- Comments -------------------------------------------------------------------


def test_comments_turn_headings_into_bold_paragraphs() -> None:
    html = render_comment_markdown("# Big news\n\ntext\n")

    assert "<h1" not in html
    assert "<p><strong>Big news</strong></p>" in html
    assert "id=" not in html


def test_comments_show_images_as_their_alt_text() -> None:
    html = render_comment_markdown("look ![a cat](https://x.example/cat.png) here")

    assert "<img" not in html
    assert "look a cat here" in html


def test_comments_have_no_tables_footnotes_definitions_or_contents() -> None:
    source = (
        "# a\n\n## b\n\n### c\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n"
        "note[^1]\n\n[^1]: n\n\nTerm\n: def\n"
    )

    html = render_comment_markdown(source)

    for tag in ("<table", "<nav", "<sup", "<dl", "<h1", "<h2", "<h3", 'class="footnote'):
        assert tag not in html


def test_comments_keep_links_emphasis_code_lists_and_quotes() -> None:
    source = "*em* **strong** `code` [l](https://x.example/)\n\n- one\n- two\n\n> quoted\n"

    html = render_comment_markdown(source)

    for tag in ("<em>", "<strong>", "<code>", "<ul>", "<li>", "<blockquote>"):
        assert tag in html
    assert only_link(html).get("rel") == EXTERNAL_LINK_REL


def test_comments_highlight_fenced_code() -> None:
    html = render_comment_markdown("```python\nx = 1\n```\n")

    assert '<div class="highlight">' in html
    assert "style=" not in html


# --- Robustness -----------------------------------------------------------------


SAMPLE = """# Title

Some *text* with [[A Link]], https://example.com/ and a footnote.[^1]

## Second

| a | b |
|---|---|
| 1 | 2 |

### Third

```python
print("hi")
```

[^1]: The note.
"""


def test_rendering_the_same_source_twice_gives_the_same_html() -> None:
    assert render_markdown(SAMPLE) == render_markdown(SAMPLE)
    assert render_comment_markdown(SAMPLE) == render_comment_markdown(SAMPLE)


def test_concurrent_renders_give_the_same_html() -> None:
    expected = render_markdown(SAMPLE)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: render_markdown(SAMPLE), range(40)))

    assert results == [expected] * 40


@pytest.mark.parametrize(
    "source",
    [
        "",
        "\x00",
        "a\x00b <\x00script>",
        "lone \ud800 surrogate \udfff",
        "pair \ud83d\ude00",
        "\x02\x03 control \x1b[31m \x7f",
        "\u202e right-to-left \u2066",
        ">" * 5000,
        "- " * 3000 + "x",
        "[" * 3000 + "](" * 3000,
        "*" * 5000,
        "&" * 5000,
        "\t" * 1000 + "x",
    ],
)
def test_any_text_renders_to_a_safe_string_without_error(source: str) -> None:
    for render in (render_markdown, render_comment_markdown):
        html = render(source)
        assert isinstance(html, str)
        html.encode("utf-8")
        assert_inert(html, payload=source)


def test_lone_surrogates_are_replaced() -> None:
    assert "\ufffd" in render_markdown("a\ud800b")
    assert "\U0001f600" in render_markdown("\ud83d\ude00")


PATHOLOGICAL = {
    "unclosed brackets": "[" * 50_000,
    "unclosed wiki links": "[[" * 25_000,
    "unclosed link targets": "[a](" * 12_500,
    "unmatched backtick runs": "``a`" * 12_500,
    "unclosed fences": "~~~a\n" * 10_000,
    "headings without blank lines": "# h\n" * 12_500,
    "setext headings without blank lines": "a\n=\n" * 12_500,
    "repeated footnote references": "x[^1] " * 8_000 + "\n\n[^1]: n\n",
    "nested quotes": ">" * 50_000,
    "empty fenced blocks": "```\n" * 12_500,
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_50_kb_sources_render_inert_and_the_same_twice(name: str) -> None:
    """Their timings are in bench/wiki_bench.py; here, that they finish, safe and stable."""
    source = PATHOLOGICAL[name]
    for render in (render_markdown, render_comment_markdown):
        html = render(source)
        assert not inert_problems(html)
        assert render(source) == html


def test_a_50_kb_article_renders_every_section_and_link() -> None:
    section = (
        "## Section {i}\n\nA paragraph with a [link](https://example.com/{i}), `code`, "
        "**bold** and [[Page {i}]].\nA second line, http://example.org/{i}.\n\n"
        "- one\n- two *em*\n  - nested\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n"
        "```python\ndef f{i}(x):\n    return x * {i}\n```\n\n> quote {i}\n\nTerm\n: definition\n\n"
    )
    source = "# Title\n\n" + "".join(section.format(i=i) for i in range(190))
    assert len(source) > 50_000

    article = render_article(source, existing_slugs=lambda slugs: slugs)
    assert len(article.link_slugs) == 190
    assert article.html.count("<h2") == 190
