"""Every payload of the corpora renders inert (rules 1-7 of tests/corpora/README.md).

The corpora are copied into `tests/corpora/`. A missing folder or file fails these
tests: it never skips them.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable

import html5lib
import pytest

from tests.conftest import CORPORA
from wiki.markup import render_comment_markdown, render_markdown

ATTACK_PATTERNS = ("xss/*.txt", "xss/*.json", "markdown-xss/*.json", "naughty-strings/blns.json")
BENIGN_FILE = "markdown-benign/commonmark-spec-0.31.2-examples.json"
RENDERERS: tuple[Callable[[str], str], ...] = (render_markdown, render_comment_markdown)

XHTML = "http://www.w3.org/1999/xhtml"
FOREIGN_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML"}
FORBIDDEN_ELEMENTS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "param",
        "style",
        "form",
        "svg",
        "math",
        "base",
        "meta",
        "link",
        "portal",
        "isindex",
        "noscript",
        "noembed",
        "noframes",
        "xmp",
        "plaintext",
        "template",
        # Not in the README's list, but they swallow or hide the page just the same.
        "textarea",
        "title",
    }
)
URL_ATTRIBUTES = frozenset(
    {
        "action",
        "archive",
        "background",
        "cite",
        "classid",
        "codebase",
        "data",
        "dynsrc",
        "formaction",
        "href",
        "icon",
        "longdesc",
        "lowsrc",
        "manifest",
        "ping",
        "poster",
        "profile",
        "src",
        "srcset",
        "usemap",
        "xlink:href",
    }
)
DANGEROUS_SCHEME = re.compile(r"(?:javascript|vbscript|livescript|mocha|data):")
IMAGE_DATA_URL = re.compile(r"data:image/(?:png|gif|jpeg|webp|avif)[;,]")
INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
DANGEROUS_CSS = ("expression(", "javascript:", "vbscript:", "-moz-binding", "behavior:", "@import")


# --- The checker --------------------------------------------------------------


def _normalize(value: str) -> str:
    """Remove every whitespace, control and format character; case-fold."""
    return "".join(
        char for char in value if unicodedata.category(char) not in INVISIBLE_CATEGORIES
    ).casefold()


def _undo_css(value: str) -> str:
    value = re.sub(r"/\*.*?(?:\*/|$)", "", value, flags=re.DOTALL)
    value = re.sub(
        r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?",
        lambda m: chr(min(int(m.group(1), 16), 0x10FFFF) or 0xFFFD),
        value,
    )
    return _normalize(re.sub(r"\\(.)", r"\1", value, flags=re.DOTALL))


def _attribute_name(name: str) -> str:
    if name.startswith("{http://www.w3.org/1999/xlink}"):
        return "xlink:" + name.rsplit("}", 1)[1]
    return name.rsplit("}", 1)[-1].casefold()


def _url_problem(tag: str, name: str, value: str) -> str | None:
    pieces = [value]
    if name == "srcset":
        pieces += value.split(",")
    for piece in pieces:
        url = _normalize(piece)
        if not DANGEROUS_SCHEME.match(url):
            continue
        if tag == "img" and name == "src" and IMAGE_DATA_URL.match(url):
            continue
        return f"dangerous URL in <{tag} {name}={value!r}>"
    return None


def _element_problems(element: etree.Element) -> list[str]:
    problems = []
    namespace, _, tag = element.tag.rpartition("}")
    namespace = namespace.lstrip("{")
    if namespace in FOREIGN_NAMESPACES:
        problems.append(f"SVG/MathML element <{tag}>")
    if tag.casefold() in FORBIDDEN_ELEMENTS:
        problems.append(f"forbidden element <{tag}>")
    for raw_name, value in element.attrib.items():
        name = _attribute_name(raw_name)
        if name.startswith("on"):
            problems.append(f"event handler attribute {name}={value!r} on <{tag}>")
        if name == "srcdoc":
            problems.append(f"srcdoc attribute on <{tag}>")
        if name == "style":
            css = _undo_css(value)
            problems += [f"style with {bad!r} on <{tag}>" for bad in DANGEROUS_CSS if bad in css]
        if name in URL_ATTRIBUTES and (problem := _url_problem(tag.casefold(), name, value)):
            problems.append(problem)
    return problems


def inert_problems(output: object) -> list[str]:
    """Everything that makes a renderer's output unsafe by the corpora README's rules."""
    if not isinstance(output, str):
        return [f"renderer returned {type(output).__name__}, not str"]
    return list(_html_problems(output))


@functools.lru_cache(maxsize=4096)  # articles and comments often render alike
def _html_problems(output: str) -> tuple[str, ...]:
    document = html5lib.parse(
        f"<!DOCTYPE html><html><head></head><body><div>{output}</div><p>after</p></body></html>",
        treebuilder="etree",
        namespaceHTMLElements=True,
    )
    problems = []
    for element in document.iter():
        if isinstance(element.tag, str):
            problems += _element_problems(element)
    body = document.find(f"{{{XHTML}}}body")
    children = [] if body is None else list(body)
    tags = [child.tag for child in children]
    if tags != [f"{{{XHTML}}}div", f"{{{XHTML}}}p"]:
        problems.append(f"the page after the output was swallowed or moved: body holds {tags}")
    else:
        div, after = children
        if (body.text or "").strip() or (div.tail or "").strip() or (after.tail or "").strip():
            problems.append("text escaped the container")
        if after.text != "after" or len(after) or after.attrib:
            problems.append("an element left open reopens in the page after the output")
    return tuple(problems)


def assert_inert(output: object, *, payload: str = "") -> None:
    """Fail with every rule the output breaks, naming the payload."""
    problems = inert_problems(output)
    assert not problems, f"payload {payload!r} rendered unsafe: {problems}\noutput: {output!r}"


def render_problems(render: Callable[[str], str], payload: str) -> list[str]:
    """Render one payload and check it: rules 1-7 (rule 7's time bound is measured by
    bench/wiki_bench.py, not asserted here)."""
    try:
        output = render(payload)
    except Exception as error:  # noqa: BLE001 -- rule 7: any exception is a finding
        return [f"raised {error!r}"]
    return inert_problems(output)


# --- The corpora --------------------------------------------------------------


def corpus_files(*patterns: str) -> list[str]:
    """The corpus files matching `patterns`; a placeholder that fails when there are none."""
    found = sorted(
        {
            path.relative_to(CORPORA).as_posix()
            for pattern in patterns
            for path in CORPORA.glob(pattern)
        }
    )
    return found or ["<no corpus file found: is tests/corpora missing?>"]


def load_payloads(relative: str) -> list[str]:
    """Every payload of a corpus file: `.txt` one per line untrimmed, `.json` the payload key."""
    path = CORPORA / relative
    assert path.is_file(), f"corpus file missing: {path}"
    if path.suffix == ".txt":
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        return lines[:-1] if text.endswith("\n") else lines
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [entry if isinstance(entry, str) else entry["payload"] for entry in entries]


def test_corpora_folder_holds_every_expected_corpus() -> None:
    assert CORPORA.is_dir(), f"corpora folder missing: {CORPORA}"
    for pattern in (*ATTACK_PATTERNS, BENIGN_FILE):
        assert list(CORPORA.glob(pattern)), f"no corpus file matches {pattern} in {CORPORA}"


@pytest.mark.parametrize("relative", corpus_files(*ATTACK_PATTERNS))
def test_every_attack_payload_renders_inert_for_articles_and_comments(relative: str) -> None:
    payloads = load_payloads(relative)
    assert payloads, f"{relative} holds no payload"
    failures = [
        f"{relative} #{number} {render.__name__}: {problem}\n    payload: {payload!r}"
        for number, payload in enumerate(payloads, 1)
        for render in RENDERERS
        for problem in render_problems(render, payload)
    ]
    assert not failures, f"{len(failures)} unsafe renders:\n" + "\n".join(failures[:40])


def test_benign_commonmark_examples_render_inert_and_the_same_twice() -> None:
    payloads = load_payloads(BENIGN_FILE)
    assert len(payloads) > 600
    failures = []
    for number, payload in enumerate(payloads, 1):
        for render in RENDERERS:
            problems = render_problems(render, payload)
            if not problems and render(payload) != render(payload):
                problems = ["rendered differently the second time"]
            failures += [
                f"example #{number} {render.__name__}: {p} ({payload!r})" for p in problems
            ]
    assert not failures, "\n".join(failures[:40])


# --- The checker itself -------------------------------------------------------


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        "<svg><a>x</a></svg>",
        "<math><mi>x</mi></math>",
        '<img src="x" onerror="alert(1)">',
        '<a href="\u2028javascript:alert(1)">x</a>',
        '<a href="&#x200B;javascript:alert(1)">x</a>',
        '<a href="jav   ascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<img src="x" srcset="a.png 1x, javascript:alert(1) 2x">',
        '<p style="width: expr/**/ession(alert(1))">x</p>',
        '<p style="background: url(\\6A avascript:alert(1))">x</p>',
        '<iframe srcdoc="x"></iframe>',
        '<p srcdoc="x">x</p>',
        "<a href=/x>unclosed",
        "<textarea>",
        "<!-- unclosed",
        "<title>",
        "</div><p>escaped</p><div>",
        None,
    ],
)
def test_checker_flags_unsafe_output(unsafe: str | None) -> None:
    assert inert_problems(unsafe)


@pytest.mark.parametrize(
    "safe",
    [
        "",
        "<p>plain <em>text</em></p>",
        '<a href="https://example.com/" rel="nofollow ugc noopener">x</a>',
        '<a href="/wiki/a/">relative</a> <a href="#top">fragment</a>',
        '<img src="data:image/png;base64,AAAA" alt="">',
        "<p>javascript: is just text here</p>",
    ],
)
def test_checker_accepts_safe_output(safe: str) -> None:
    assert_inert(safe)
