"""The moderators' block form: whom (an account, an address or a range), from what, why and
until when. Input shape only; moderation.blocks.block() writes."""

from __future__ import annotations

import datetime
import ipaddress
import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from moderation.blocks import parse_network
from moderation.models import BlockScope

SCOPES = [
    (BlockScope.EDIT, "Editing"),
    (BlockScope.COMMENT, "Commenting (and flagging)"),
    (BlockScope.ALL, "Both editing and commenting"),
]

DURATIONS: dict[str, datetime.timedelta | None] = {
    "1h": datetime.timedelta(hours=1),
    "1d": datetime.timedelta(days=1),
    "1w": datetime.timedelta(weeks=1),
    "1m": datetime.timedelta(days=30),
    "1y": datetime.timedelta(days=365),
    "never": None,
}
EXPIRIES = [
    ("1h", "1 hour"),
    ("1d", "1 day"),
    ("1w", "1 week"),
    ("1m", "1 month (30 days)"),
    ("1y", "1 year"),
    ("never", "Never"),
    ("date", "On the date below"),
]

# A mistyped address rather than a user name: user names never hold ":" or "/", and
# digits and dots alone read as an IPv4 address.
ADDRESS_LIKE = re.compile(r"[0-9.]+|.*[:/].*")


class BlockForm(forms.Form):
    target = forms.CharField(
        label="Account, address or range",
        max_length=150,
        help_text="A user name, an IP address (203.0.113.7) or a range (203.0.113.0/24).",
    )
    scope = forms.ChoiceField(label="Block from", choices=SCOPES, initial=BlockScope.ALL)
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="Shown to the blocked person, and in the moderators' log.",
    )
    expiry = forms.ChoiceField(label="Ends after", choices=EXPIRIES, initial="1d")
    until = forms.DateField(
        label="End date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Only with “On the date below”: the block ends as that day starts (UTC).",
    )

    def clean_target(self) -> str:
        text = self.cleaned_data["target"].strip()
        self.user = None
        self.network = ""
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            pass
        else:
            self.network = text
            parse_network(text)  # too wide a range: a ValidationError that says so
            return text
        self.user = get_user_model().objects.filter(username=text).first()
        if self.user is not None:
            return text
        if ADDRESS_LIKE.fullmatch(text):
            parse_network(text)  # raises: says it is not an address or a range
        raise ValidationError(
            f"No account is called “{text}”. Check the spelling (names are case-sensitive), "
            "or give an IP address or a range like 203.0.113.0/24."
        )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise ValidationError("Say why: the blocked person is shown the reason.")
        return reason

    def clean(self) -> dict:
        data = super().clean()
        expiry, until = data.get("expiry"), data.get("until")
        if expiry == "date":
            if until is None:
                self.add_error("until", "Pick the day the block ends, or choose a duration.")
            elif until <= timezone.now().date():
                self.add_error("until", "The end date must be after today.")
        return data

    @property
    def expires_at(self) -> datetime.datetime | None:
        expiry = self.cleaned_data["expiry"]
        if expiry == "date":
            until = self.cleaned_data["until"]
            return datetime.datetime.combine(until, datetime.time(), tzinfo=datetime.UTC)
        duration = DURATIONS[expiry]
        return None if duration is None else timezone.now() + duration
