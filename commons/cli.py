"""Django's management commands for Commons: `commons <command>` once installed, and what
manage.py runs in the source tree."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commons.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
