"""Plain-text excerpts of rendered HTML, for meta descriptions."""

from wiki.markup import html_excerpt


def test_an_excerpt_reads_as_the_text_does():
    html = (
        "<h2>Start here</h2><p><strong>Commons</strong>, a <em>wiki</em> &amp; more.</p>"
        "<pre><code>print(1)</code></pre><p>Second<br/>line.</p>"
        '<div class="footnote"><ol><li>note</li></ol></div>'
    )
    assert html_excerpt(html) == "Commons, a wiki & more. Second line."


def test_a_long_text_is_cut_on_a_word_with_an_ellipsis():
    excerpt = html_excerpt("<p>" + "word " * 100 + "</p>")
    assert len(excerpt) <= 160
    assert excerpt.endswith("word…")


def test_one_endless_word_is_cut_too():
    assert len(html_excerpt("<p>" + "x" * 500 + "</p>")) == 160
