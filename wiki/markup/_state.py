"""What one render carries between python-markdown's processors, and its limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

ExistingSlugs = Callable[[set[str]], set[str]]
# Given @mentioned names, the people who exist: each name as written -> their user name.
ExistingNames = Callable[[set[str]], dict[str, str]]

# python-markdown scans to the end of the paragraph for every unclosed `[` or
# `(`: quadratic. Past this many characters scanned in one render, the rest of
# the brackets stay text (a normal document scans about its own length).
LINK_SCAN_BUDGET = 1_000_000


class _TooComplexError(Exception):
    """The source would take python-markdown too long: render it as plain text."""


class TooComplexToRender(ValidationError):
    """The render ran past its time budget or its output past its size cap: refused.

    A ValidationError, so every form that shows a service's errors shows this one too.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"This text is too complex to render ({reason}). Split it into smaller "
            "articles, or simplify its deepest nesting and most repeated parts.",
            code="too_complex",
        )


@dataclass
class _RenderState:
    """What one render learns and needs beyond the element tree."""

    existing_slugs: ExistingSlugs | None
    is_comment: bool
    existing_names: ExistingNames | None = None
    link_slugs: set[str] = field(default_factory=set)
    link_scan_budget: int = LINK_SCAN_BUDGET
    block_work_budget: int = 0
    inline_work_budget: int = 0
    deadline: float = float("inf")  # time.monotonic() past which the render is refused

    def check_time(self) -> None:
        """Refuse the render once it has run past its deadline."""
        if time.monotonic() > self.deadline:
            raise TooComplexToRender("it took too long")
