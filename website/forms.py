"""The account forms: log-in (the site's and the admin's), sign-up and closing one's own
account; the confirmation of "Remove spammer"."""

import datetime
import time

from allauth.account import forms as allauth_forms
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from commons import ratelimit
from commons.http import client_ip
from moderation.models import BlockScope


class LoginThrottle:
    """Counts each log-in against the lock-out in commons/ratelimit.py. It lives in the form
    because the form is the one place both log-in pages (the site's and the admin's) share."""

    lockout: ratelimit.Lockout | None = None
    login_field = "username"

    def account_name(self, login: str) -> str:
        """Whose account the attempts count against."""
        return login

    def clean(self) -> dict:
        login = self.cleaned_data.get(self.login_field)
        if not login or not self.cleaned_data.get("password"):
            return super().clean()
        username = self.account_name(login.strip())
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


class LoginForm(LoginThrottle, allauth_forms.LoginForm):
    """Log in by user name or e-mail address (allauth's field `login`)."""

    login_field = "login"

    def account_name(self, login: str) -> str:
        # Guesses by the account's address count against its name too, so switching
        # between the two gets no more guesses.
        if "@" in login:
            owner = (
                EmailAddress.objects.filter(email__iexact=login)
                .values_list("user__username", flat=True)
                .first()
            )
            return owner or login
        return login

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = "User name or e-mail address"
        bound_length(field, EMAIL_MAX_LENGTH)
        field.widget.attrs["autocomplete"] = "username"
        # The page has its own "Forgot your password?" link.
        self.fields["password"].help_text = ""
        drop_placeholders(self)


# An address as long as the database keeps (allauth's EmailAddress, Django's User).
EMAIL_MAX_LENGTH = 254


def bound_length(field: forms.Field, length: int) -> None:
    """Refuse longer input with a message (and let the browser stop it first)."""
    field.max_length = length
    field.validators.append(MaxLengthValidator(length))
    field.widget.attrs["maxlength"] = str(length)


def drop_placeholders(form: forms.Form) -> None:
    """The site's forms have labels, not placeholders that repeat them."""
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class AddEmailForm(allauth_forms.AddEmailForm):
    """The new address on the "E-mail address" page."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "New e-mail address"
        bound_length(self.fields["email"], EMAIL_MAX_LENGTH)
        drop_placeholders(self)


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = "Current password"
        self.fields["oldpassword"].help_text = ""
        self.fields["password1"].label = "New password"
        self.fields["password2"].label = "New password again"
        drop_placeholders(self)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "New password"
        self.fields["password2"].label = "New password again"
        drop_placeholders(self)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        bound_length(self.fields["email"], EMAIL_MAX_LENGTH)
        drop_placeholders(self)


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


class SignupForm(allauth_forms.SignupForm):
    # The comment form's honeypot: hidden from people (and from assistive technology).
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=EmptyTextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        email, username = self.fields["email"], self.fields["username"]
        email.label = "E-mail address"
        email.help_text = "We send a link to verify it. It is never shown to anyone."
        bound_length(email, EMAIL_MAX_LENGTH)
        username.label = "User name"
        username.help_text = "Shown with your edits and comments. Letters, digits and @.+-_ only."
        self.fields["password2"].label = "Password again"
        drop_placeholders(self)

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
