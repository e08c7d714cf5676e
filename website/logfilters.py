"""Keeps the keys of mailed account links out of the logs: whoever reads a request line
with one could verify someone's address or reset their password."""

import logging
import re

from gunicorn import glogging

# The key part of /accounts/confirm-email/<key>/ and /accounts/password/reset/key/<key>/.
ACCOUNT_KEY = re.compile(
    r"(/accounts/(?:confirm-email|password/reset/key)/)(?!set-password/)[^/\s\"?]+"
)


def hide_keys(text: str) -> str:
    return ACCOUNT_KEY.sub(r"\1[hidden]", text)


class HideAccountKeys(logging.Filter):
    """On django.server (the request line) and django.request (a 4xx or 5xx path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = hide_keys(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(hide_keys(a) if isinstance(a, str) else a for a in record.args)
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's access log (the Dockerfile's `--logger-class`): its request line, path
    and referrer (the page after a mailed link names it) with the keys hidden."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: hide_keys(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }
