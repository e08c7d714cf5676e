"""A person's profile: the name they go by and a few lines about themselves (Markdown,
rendered once, when saved, as a comment is)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commons.people import existing_user_names
from moderation import blocklist
from moderation.trust import check_new_writer_limits
from website.models import ABOUT_MAX_LENGTH, Profile
from wiki.markup import render_comment_markdown

DISPLAY_NAME_MAX_LENGTH = Profile._meta.get_field("display_name").max_length
# Characters that reorder or hide text: a name must read as it is.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_display_name(display_name: str) -> str:
    """The name trimmed, or a ValidationError for one too long or with control characters."""
    display_name = " ".join(display_name.split())
    if any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in display_name):
        raise ValidationError({"display_name": "The name may not contain control characters."})
    if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            {"display_name": f"A name is at most {DISPLAY_NAME_MAX_LENGTH} characters."}
        )
    return display_name


def render_about(*, user, about: str, old_about: str = "") -> str:
    """The about text's HTML, under a comment's limits: its length, a new writer's links and
    images, the blocklist's refusals. Saves nothing (the preview uses it too)."""
    about = about.replace("\r\n", "\n")
    if len(about) > ABOUT_MAX_LENGTH:
        raise ValidationError(
            {"about": f"At most {ABOUT_MAX_LENGTH:,} characters; this text has {len(about):,}."}
        )
    if "\x00" in about:
        raise ValidationError({"about": "The text contains NUL characters, which cannot be saved."})
    check_new_writer_limits(user, about, old_about, field="about")
    match = blocklist.screen(about, old_about)
    if match is not None and match.refuses:
        raise ValidationError({"about": blocklist.refusal_message(match)})
    return render_comment_markdown(about, existing_names=existing_user_names) if about else ""


@transaction.atomic
def update_profile(*, user, display_name: str, about: str) -> Profile:
    """Set a person's shown name and about text; the text is rendered here, once."""
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    display_name = clean_display_name(display_name)
    about = about.replace("\r\n", "\n").strip()
    profile.about_html = render_about(user=user, about=about, old_about=profile.about)
    profile.display_name = display_name
    profile.about = about
    profile.updated_at = timezone.now()
    profile.save()
    return profile
