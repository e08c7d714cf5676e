"""Input shapes for the queue's actions, readers' flags and trust levels; nothing here saves."""

from django import forms

from moderation import registry
from moderation.models import LogAction, ModerationCase, TargetKind, TrustLevel

QUEUE_TABS: dict[str, str] = {
    "review": "Needs review",
    "spam": "Spam",
    "discarded": "Discarded",
    "decided": "Recently decided",
}
DEFAULT_TAB = "review"


QUEUE_SORTS: dict[str, str] = {"oldest": "Oldest first", "newest": "Newest first"}


def default_sort(tab: str) -> str:
    """The review tab serves the longest waiting first; the others, the latest first."""
    return "oldest" if tab == DEFAULT_TAB else "newest"


class ReturnToForm(forms.Form):
    """Where the moderator was in the queue (tab, filter, order, page): read from the
    queue's address and sent back by its actions. A bad value is dropped for its default."""

    tab = forms.ChoiceField(choices=list(QUEUE_TABS.items()), required=False)
    kind = forms.ChoiceField(choices=lambda: list(registry.kinds().items()), required=False)
    sort = forms.ChoiceField(choices=list(QUEUE_SORTS.items()), required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def _valid(self, name: str):
        return getattr(self, "cleaned_data", {}).get(name)  # valid fields, even if others are not

    @property
    def tab_key(self) -> str:
        return self._valid("tab") or DEFAULT_TAB

    @property
    def kind_key(self) -> str:
        """A registered kind, or "" for every kind."""
        return self._valid("kind") or ""

    @property
    def sort_key(self) -> str:
        return self._valid("sort") or default_sort(self.tab_key)

    def filter_query(self, **changes: str) -> dict[str, object]:
        """The tab, kind and order as a query string keeps them (defaults left out), with
        `changes` applied: what every link and form of the queue carries."""
        chosen = {"tab": self.tab_key, "kind": self.kind_key, "sort": self.sort_key, **changes}
        defaults = {"tab": DEFAULT_TAB, "kind": "", "sort": default_sort(chosen["tab"])}
        return {name: value for name, value in chosen.items() if value != defaults[name]}

    def return_query(self) -> dict[str, object]:
        query = self.filter_query()
        page = self._valid("page")
        if page and page > 1:
            query["page"] = page
        return query


class BulkActionForm(ReturnToForm):
    """The checked items of one page of the queue, and what to do with all of them."""

    action = forms.ChoiceField(
        choices=[("approve", "Approve"), ("spam", "Mark as spam")],
        error_messages={"required": "Choose Approve selected or Mark selected as spam."},
    )
    cases = forms.ModelMultipleChoiceField(
        queryset=ModerationCase.objects.all(),
        error_messages={
            "required": "Select at least one item first (tick its checkbox).",
            "invalid_choice": "One of the selected items no longer exists; reload the queue.",
            "invalid_pk_value": "One of the selected items is not valid; reload the queue.",
        },
    )


class FlagForm(forms.Form):
    """A reader's reason for flagging a comment."""

    reason = forms.CharField(
        label="Why does this comment not belong here?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "id_reason_help"}),
        help_text="For example: spam, advertising, abuse, off topic. At most 500 characters.",
        error_messages={
            "required": "Please say why, so moderators know what to look for.",
            "max_length": "Please keep it to 500 characters (this has %(show_value)d).",
        },
    )


class LogFilterForm(forms.Form):
    """The log's filters, read from its address; a bad value is dropped, never an error."""

    action = forms.ChoiceField(
        label="Action", choices=[("", "All actions"), *LogAction.choices], required=False
    )
    moderator = forms.CharField(label="Moderator", max_length=150, required=False)
    q = forms.CharField(label="Target", max_length=100, required=False)
    target_kind = forms.ChoiceField(choices=TargetKind.choices, required=False)
    target_id = forms.CharField(max_length=64, required=False)

    def filters(self) -> dict[str, str]:
        """The valid, non-empty filters, by name (for the query and the pages' links)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        found = {name: str(cleaned[name]).strip() for name in self.fields if cleaned.get(name)}
        if not (found.get("target_kind") and found.get("target_id")):
            found.pop("target_kind", None)
            found.pop("target_id", None)
        return {name: value for name, value in found.items() if value}


EARNED = "earned"


class TrustLevelForm(forms.Form):
    """A moderator's choice of someone's level: one of the levels, or back to the earned one."""

    level = forms.ChoiceField(
        choices=[
            (EARNED, "the level they earn"),
            *((str(value), f"{label} (level {value})") for value, label in TrustLevel.choices),
        ]
    )
    reason = forms.CharField(max_length=500, required=False, strip=True)

    def chosen_level(self) -> TrustLevel | None:
        level = self.cleaned_data["level"]
        return None if level == EARNED else TrustLevel(int(level))
