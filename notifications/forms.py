"""Input shapes for the notifications pages; no side effects."""

from __future__ import annotations

from django import forms

from notifications.models import Channel, NoticeKind

# At most this many notices marked read by one request (a page's worth, and then some).
MAX_IDS = 200


class ChannelsForm(forms.Form):
    """A channel for each kind of notice (the preferences page)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in NoticeKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, widget=forms.RadioSelect
            )


class MarkReadForm(forms.Form):
    """Which notices to mark read: the ones named (a notice, a group), or all."""

    ids = forms.CharField(required=False, max_length=MAX_IDS * 12)
    all = forms.BooleanField(required=False)

    def clean_ids(self) -> list[int]:
        raw = self.cleaned_data["ids"].replace(",", " ").split()
        if len(raw) > MAX_IDS or not all(part.isdigit() and len(part) < 12 for part in raw):
            raise forms.ValidationError("These are not notices of yours.")
        return [int(part) for part in raw]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("all") and not cleaned.get("ids"):
            raise forms.ValidationError("Choose which notices to mark read.")
        return cleaned
