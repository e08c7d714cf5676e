"""What pages say about themselves in HTML: machine-readable times."""

from datetime import UTC, datetime


def html_datetime(value: datetime | None) -> str:
    """An aware datetime as a `<time datetime>` value: UTC, to the second ("" for None).

    Django's `|date:'c'` and `isoformat()` keep microseconds, which HTML does not allow.
    """
    if not value:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
