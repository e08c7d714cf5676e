"""Every colour the code highlighting can use stays readable (WCAG AA, 4.5:1) on the code
background of each theme: axe-core sees only the tokens on the pages it visits."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static" / "commons"
RULE = re.compile(r"^\s*(\.highlight(?: \.\w+)?) \{([^}]*)\}", re.M)


def luminance(colour: str) -> float:
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(digit * 2 for digit in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def declared(css: str, name: str) -> str | None:
    found = re.search(rf"(?:^|;)\s*{name}:\s*(#[0-9a-fA-F]{{3,6}})\b", css)
    return found.group(1) if found else None


def site_colour(css: str, variable: str) -> str:
    return re.search(rf"{variable}:\s*(#[0-9a-fA-F]{{6}})", css).group(1)


def themes() -> dict[str, tuple[str, str]]:
    """Each theme's highlighting rules and the code background they are drawn on."""
    pygments = (STATIC / "pygments.css").read_text()
    light, dark = pygments.split("@media (prefers-color-scheme: dark)")
    return {
        "light": (light, site_colour((STATIC / "site.css").read_text(), "--tint")),
        "dark": (dark, site_colour((STATIC / "theme-dark.css").read_text(), "--tint")),
    }


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_highlighted_token_keeps_four_and_a_half_to_one(theme):
    rules, code_background = themes()[theme]
    backgrounds = [code_background]
    for selector, body in RULE.findall(rules):
        if selector == ".highlight .hll":
            backgrounds.append(declared(body, "background-color"))
    too_faint = []
    for selector, body in RULE.findall(rules):
        colour = declared(body, "color")
        if colour is None or selector == ".highlight .w":  # whitespace has no glyphs to read
            continue
        own_background = declared(body, "background-color")
        behind = [own_background] if own_background else backgrounds
        for background in behind:
            if contrast(colour, background) < 4.5:
                too_faint.append((selector, colour, background))
    assert not too_faint
