"""The profile form: its input's shape; website.profiles checks and saves it."""

from django import forms

from website.models import ABOUT_MAX_LENGTH
from website.profiles import DISPLAY_NAME_MAX_LENGTH


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Display name",
        required=False,
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text="Shown beside your user name; optional.",
    )
    about = forms.CharField(
        label="About you",
        required=False,
        strip=False,
        max_length=ABOUT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown, as in comments. Shown on your user page.",
    )
    preview: str = ""
