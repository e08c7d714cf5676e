"""System checks of the kernel: settings that are each valid alone but fail together."""

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning


def proxy_ssl_header_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[CheckMessage]:
    """Behind a TLS-terminating proxy, every request reaches Django as plain http: with the
    redirect to https on and no header naming the proxy's scheme, every page redirects to
    itself for ever."""
    if settings.DEBUG or not settings.SECURE_SSL_REDIRECT:
        return []
    if settings.SECURE_PROXY_SSL_HEADER:
        return []
    return [
        Warning(
            "SECURE_SSL_REDIRECT is on but SECURE_PROXY_SSL_HEADER is not set: behind a "
            "TLS-terminating proxy every page redirects to itself endlessly.",
            hint=(
                "Set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https in the environment "
                "(as .env.example does) and have the proxy set X-Forwarded-Proto; or, when "
                "nothing stands in front of the site, silence commons.W001."
            ),
            id="commons.W001",
        )
    ]
