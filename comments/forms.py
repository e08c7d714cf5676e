from django import forms


class CommentForm(forms.Form):
    """A new comment or reply. Anonymous commenters also give a name and an e-mail.

    `preview` is the HTML of the text as it would be posted, after the Preview button.
    """

    preview: str = ""

    body = forms.CharField(
        label="Comment",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Please write something before posting."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={"required": "Please give a name to sign your comment with."},
    )
    email = forms.EmailField(
        label="E-mail",
        help_text="Never published; used only to tell your comments apart from others'.",
        error_messages={"required": "Please give an e-mail address (it is never shown)."},
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    notify = forms.BooleanField(
        label="Notify me of replies",
        required=False,
        help_text="By e-mail, once you confirm the address; every e-mail has a link to stop.",
    )
    # A honeypot: hidden from people (and from assistive technology); bots fill it in.
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, anonymous: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.anonymous = anonymous
        if not anonymous:
            for name in ("name", "email", "website", "notify"):
                del self.fields[name]


class CommentEditForm(forms.Form):
    preview: str = ""

    body = forms.CharField(
        label="Comment",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Please write something, or remove the comment instead."},
    )
