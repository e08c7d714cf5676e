from django import forms

from wiki.models import TITLE_MAX_LENGTH
from wiki.permissions import MAX_REVISION_NUMBER

REASON_MAX_LENGTH = 500  # moderation.models.LogEntry.reason


def reason_field() -> forms.CharField:
    """The optional reason a moderator gives for an action; kept in the moderation log."""
    return forms.CharField(
        label="Reason",
        required=False,
        strip=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Optional; kept in the moderation log.",
    )


class EditForm(forms.Form):
    """The edit page: the text, a summary, and the revision the editor started from."""

    title = forms.CharField(
        required=False, strip=True, error_messages={"required": "A title is required."}
    )
    source = forms.CharField(
        label="Text (Markdown)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
    )
    summary = forms.CharField(
        label="Edit summary",
        required=False,
        max_length=300,
        help_text="Briefly describe what you changed.",
    )
    is_minor = forms.BooleanField(label="This is a minor edit", required=False)
    base_number = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The revision an edit from the undo page undoes: the save logs the undo.
    undo_of = forms.IntegerField(
        required=False, min_value=2, max_value=MAX_REVISION_NUMBER, widget=forms.HiddenInput
    )

    def __init__(self, *args, creating: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            self.fields["title"].required = True
            self.fields["title"].widget.attrs["maxlength"] = TITLE_MAX_LENGTH * 2
            del self.fields["is_minor"]
        else:
            del self.fields["title"]


class MoveForm(forms.Form):
    title = forms.CharField(label="New title", strip=True)
    reason = reason_field()


def posted_reason(data) -> str:
    """The reason given with a one-click moderator control (lock, archive, hide, revert,
    rollback): optional, on one line, and cut to length rather than refused, so the click
    never fails (the input's maxlength says the limit)."""
    return " ".join(str(data.get("reason", "")).split())[:REASON_MAX_LENGTH]


class CompareForm(forms.Form):
    a = forms.IntegerField(min_value=1)
    b = forms.IntegerField(min_value=1)
