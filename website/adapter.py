"""How allauth's account flows fit the site: its name in mails, our words for a failed
log-in, the client's address as the rest of the site sees it, and a mail server that is
down telling the person so instead of failing the page."""

import logging
import smtplib
from types import SimpleNamespace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse

from commons.http import client_ip

logger = logging.getLogger(__name__)

LOGIN_REFUSED = (
    "The user name or password is wrong. The password is case-sensitive; please try again, "
    "or use “Forgot your password?” below."
)

# What the person is told when a mail of this kind could not be sent, and how to retry.
MAIL_FAILED = {
    "account/email/password_reset_key": (
        "The mail with the link to reset your password could not be sent just now. "
        "Please try again in a few minutes."
    ),
    "account/email/unknown_account": (
        "The mail with the link to reset your password could not be sent just now. "
        "Please try again in a few minutes."
    ),
}
VERIFICATION_FAILED = (
    "The mail to verify your e-mail address could not be sent just now. Your account itself "
    "is fine: in a few minutes, open {page} and choose “Re-send verification”."
)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": LOGIN_REFUSED,
        "email_password_mismatch": LOGIN_REFUSED,
        "email_taken": (
            "That e-mail address belongs to another account. Log in to it, or reset its "
            "password if you have forgotten it."
        ),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's own guess reads forwarding headers a client can forge.
        return client_ip(request) or "0.0.0.0"  # noqa: S104 - a key for the limits, not a bind

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Send with the site's name; when the mail server fails, log it (without the mail,
        which holds a key) and tell the person, instead of a 500 page."""
        request = self.request
        site = SimpleNamespace(name=settings.SITE_NAME, domain=request.get_host())
        try:
            super().send_mail(template_prefix, email, {**context, "current_site": site})
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("account mail %s not sent: %s", template_prefix, type(error).__name__)
            request.account_mail_failed = True
            text = MAIL_FAILED.get(template_prefix) or VERIFICATION_FAILED.format(
                page=f"“E-mail address” ({reverse('account_email')})"
            )
            messages.error(request, text)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        # No "Confirmation e-mail sent" right after saying it could not be sent.
        if (
            getattr(request, "account_mail_failed", False)
            and message_template
            and ("email_confirmation_sent" in message_template)
        ):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)
