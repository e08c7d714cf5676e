"""What one render carries between python-markdown's processors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ExistingSlugs = Callable[[set[str]], set[str]]

# python-markdown scans to the end of the paragraph for every unclosed `[` or
# `(`: quadratic. Past this many characters scanned in one render, the rest of
# the brackets stay text (a normal document scans about its own length).
LINK_SCAN_BUDGET = 1_000_000


class _TooComplexError(Exception):
    """The source would take python-markdown too long: render it as plain text."""


@dataclass
class _RenderState:
    """What one render learns and needs beyond the element tree."""

    existing_slugs: ExistingSlugs | None
    is_comment: bool
    link_slugs: set[str] = field(default_factory=set)
    link_scan_budget: int = LINK_SCAN_BUDGET
    block_work_budget: int = 0
