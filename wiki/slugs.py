"""The one way to make an article's address (its slug) from a title or from an address.

`[[Main Page]]`, a title "Main_Page", and the addresses /wiki/Main_Page/ and
/wiki/main%20page/ all make `main-page`: lower case, ASCII letters and digits in words
joined by single hyphens. Underscores count as spaces, as in MediaWiki's addresses; a
`+` is a character of the title ("C++"), not a space, as MediaWiki reads it too, so it
is dropped like other punctuation.
"""

from __future__ import annotations

import re

from django.utils.text import slugify

# What every stored slug matches (checked by a database constraint on each slug column).
CANONICAL_SLUG_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_CANONICAL = re.compile(CANONICAL_SLUG_RE)


def slug_for(text: str) -> str:
    """The canonical slug for a title or an address; "" when it has no letter or digit."""
    # Twice: Unicode normalization inside slugify can itself make underscores ("＿").
    return slugify(slugify(text).replace("_", " "))


def is_canonical(slug: str) -> bool:
    return _CANONICAL.match(slug) is not None


class CanonicalSlugConverter:
    """A URL segment that is already a canonical slug; any other form of it falls through
    to wiki.views.canonical_address, which redirects to this one."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
