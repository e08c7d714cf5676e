"""A person's page on the site: the name they go by and a few lines about themselves."""

from django.conf import settings
from django.db import models
from django.utils import timezone

ABOUT_MAX_LENGTH = 5000


class Profile(models.Model):
    """What a person says about themselves on /users/<name>/. Without a row, nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=60, blank=True, help_text="Shown beside your user name; optional."
    )
    about = models.TextField(
        blank=True, max_length=ABOUT_MAX_LENGTH, help_text="Markdown, like a comment."
    )
    about_html = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Profile of user {self.user_id}"
