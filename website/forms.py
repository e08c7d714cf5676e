"""The account forms: log-in (the site's and the admin's) and sign-up."""

import time

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from commons import ratelimit
from commons.http import client_ip


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
