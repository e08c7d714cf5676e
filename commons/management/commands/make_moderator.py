"""Add a user to the moderators group, or take them out with --remove."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Make a user a moderator (the moderators group); --remove takes them out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--remove", action="store_true", help="take the user out of the moderators group"
        )

    def handle(self, *args, username: str, remove: bool, **options) -> None:
        users = get_user_model()
        try:
            user = users._default_manager.get_by_natural_key(username)
        except users.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        group, _ = Group.objects.get_or_create(name=settings.WIKI_MODERATORS_GROUP)
        if remove:
            user.groups.remove(group)
            self.stdout.write(f"{username} is no longer a moderator.")
        else:
            user.groups.add(group)
            self.stdout.write(f"{username} is now a moderator.")
