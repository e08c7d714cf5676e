"""Identicons made here, from a keyed hash of the account or the comment: no outside request,
and nothing derived from an e-mail address."""

import hashlib
import hmac

from django.conf import settings

GRID = 5
CELL = 8
PADDING = 4


def avatar_key(*, user_id: int | None, comment_id: int) -> str:
    """A signed-in person's comments share one key (their name is public and links to their
    page anyway); an anonymous comment's key is its own. Nothing is derived from an
    e-mail address, so no key tells whether two comments used the same one."""
    identity = f"user:{user_id}" if user_id else f"comment:{comment_id}"
    digest = hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def identicon_svg(key: str) -> str:
    """A symmetric 5x5 pattern in one colour, both drawn from the key's bits."""
    bits = int(key, 16)
    hue = bits % 360
    bits >>= 9
    size = GRID * CELL + 2 * PADDING
    cells = []
    for row in range(GRID):
        for column in range((GRID + 1) // 2):
            if bits & 1:
                for x in {column, GRID - 1 - column}:
                    cells.append(
                        f'<rect x="{PADDING + x * CELL}" y="{PADDING + row * CELL}" '
                        f'width="{CELL}" height="{CELL}"/>'
                    )
            bits >>= 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}"><rect width="{size}" height="{size}" fill="#eef1f4"/>'
        f'<g fill="hsl({hue},55%,42%)">{"".join(cells)}</g></svg>'
    )
