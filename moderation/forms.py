"""Input shapes for the queue's actions and for readers' flags; nothing here saves."""

from django import forms

from moderation.models import ModerationCase

QUEUE_TABS: dict[str, str] = {
    "review": "Needs review",
    "spam": "Spam",
    "discarded": "Discarded",
    "decided": "Recently decided",
}
DEFAULT_TAB = "review"


class ReturnToForm(forms.Form):
    """Where the moderator was in the queue, to go back there after an action."""

    tab = forms.ChoiceField(choices=list(QUEUE_TABS.items()), required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def return_query(self) -> dict[str, object]:
        data = getattr(self, "cleaned_data", {})  # the valid fields, even if others are not
        query: dict[str, object] = {}
        if data.get("tab") and data["tab"] != DEFAULT_TAB:
            query["tab"] = data["tab"]
        if data.get("page") and data["page"] > 1:
            query["page"] = data["page"]
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
