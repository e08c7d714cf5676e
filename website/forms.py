"""The account forms: log-in (the site's and the admin's), sign-up and closing one's own
account; the confirmation of "Remove spammer"."""

import datetime
import time

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from commons import ratelimit
from commons.http import client_ip
from moderation.models import BlockScope


class LoginThrottle:
    """Counts each log-in against the lock-out in commons/ratelimit.py. It lives in the form
    because the form is the one place both log-in pages (the site's and the admin's) share."""

    lockout: ratelimit.Lockout | None = None

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        ip = client_ip(self.request)
        self.lockout = ratelimit.start_login_attempt(username=username, ip=ip, now=time.time())
        if self.lockout is not None:
            raise ValidationError(self.lockout.message, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            ratelimit.finish_login_attempt(username=username, ip=ip, succeeded=False)
            raise
        ratelimit.finish_login_attempt(username=username, ip=ip, succeeded=True)
        return cleaned


class LoginForm(LoginThrottle, AuthenticationForm):
    pass


class AdminLoginForm(LoginThrottle, AdminAuthenticationForm):
    pass


class CloseAccountForm(forms.Form):
    """The person's password, to confirm they close their own account. Each try counts
    against the log-in lock-out (commons.ratelimit), so this form guesses no faster."""

    password = forms.CharField(
        label="Your password",
        max_length=4096,
        strip=False,
        error_messages={"required": "Enter your password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    lockout: ratelimit.Lockout | None = None

    def __init__(self, *args: object, request, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        username, ip = user.get_username(), client_ip(self.request)
        self.lockout = ratelimit.start_login_attempt(username=username, ip=ip, now=time.time())
        if self.lockout is not None:
            raise ValidationError(self.lockout.message, code="throttled")
        correct = user.check_password(password)
        ratelimit.finish_login_attempt(username=username, ip=ip, succeeded=correct)
        if not correct:
            raise ValidationError(
                "That is not your password. Nothing has changed: your account is still open.",
                code="wrong_password",
            )
        return password


class EmptyTextInput(forms.TextInput):
    """Shown empty again after a refusal, so a person whose browser filled it can go on."""

    def format_value(self, value: object) -> None:
        return None


class SignupForm(UserCreationForm):
    # The comment form's honeypot: hidden from people (and from assistive technology).
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=EmptyTextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("homepage"):
            # Said above the form: the trap itself is hidden, and so would its error be.
            raise ValidationError(
                "This sign-up looks automated, so no account was made. If you are a person, "
                "leave the field marked “Leave this field empty” empty and try again.",
                code="honeypot",
            )
        return cleaned


# How long "Remove spammer" blocks them: days ("" for no end).
BLOCK_SPANS = {"": "no end", "1": "1 day", "7": "1 week", "30": "30 days", "365": "1 year"}


class RemoveSpammerForm(forms.Form):
    """The moderator's confirmation of "Remove spammer": why, and how to block them."""

    reason = forms.CharField(
        max_length=300,
        strip=True,
        error_messages={"required": "Say why: the reason goes in the log and the block."},
        help_text="Goes in the moderators' log and is shown to them as the block's reason.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label="Block them from",
        choices=BlockScope.choices,
        initial=BlockScope.ALL,
    )
    span = forms.ChoiceField(
        label="Block for",
        choices=list(BLOCK_SPANS.items()),
        required=False,
        help_text="Addresses change hands: block one for a while rather than for ever.",
    )

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data.get("span")
        return timezone.now() + datetime.timedelta(days=int(days)) if days else None
