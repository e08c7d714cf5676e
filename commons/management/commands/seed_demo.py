from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from commons.demo import ARTICLES, EDITORS
from wiki.models import Article
from wiki.services import Contributor, save_edit
from wiki.slugs import slug_for


class Command(BaseCommand):
    help = "Load the demo articles (with their histories) unless they are already there."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        User = get_user_model()
        editors = {}
        for name in EDITORS:
            editors[name], created = User.objects.get_or_create(username=name)
            if created:
                editors[name].set_unusable_password()
                editors[name].save()
        added = 0
        for title, revisions in ARTICLES:
            slug = slug_for(title)
            if Article.objects.filter(slug=slug).exists():
                continue
            base = None
            for editor, summary, text in revisions:
                user = editors[editor]
                result = save_edit(
                    slug=slug,
                    title=title,
                    source=text,
                    summary=summary,
                    base_number=base,
                    contributor=Contributor(user=user, name=user.username, ip="127.0.0.1"),
                )
                base = result.revision.number
            added += 1
        self.stdout.write(f"Demo content: {added} article(s) added, {len(ARTICLES) - added} kept.")
