"""Load the demo site for `make run`: accounts with a known password, articles, discussions.

Everything goes through the apps' services, as a person's edits and comments would. The
demo's own contributions are then accepted by the demo moderator through the moderation
service, which logs who accepted them, so the queue holds only what a newcomer should find
there: one visitor's comment, held for a moderator.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from comments.models import Comment
from comments.services import CommentAuthor, post_comment, remove_comment
from moderation import services as moderation
from moderation.models import CheckState
from website.demo import ARTICLES, DEMO_PASSWORD, DISCUSSIONS, EDITORS, MODERATOR, DemoComment
from wiki.models import Article
from wiki.services import Contributor, save_edit
from wiki.slugs import slug_for

DEMO_IP = "127.0.0.1"
ACCEPTED = "Demo content loaded by seed_demo"


class Command(BaseCommand):
    help = (
        "Load the demo accounts, articles (with their histories) and discussions unless they "
        "are already there. DEBUG only: the demo accounts share a published password."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo makes accounts whose password is published in the README, so it "
                "runs only with DEBUG on (as `make run` sets it). Never load the demo on a "
                "public site."
            )
        with transaction.atomic():
            accounts = self._accounts()
            articles = self._articles(accounts)
            discussions = self._discussions(accounts)
        self.stdout.write(
            f"Demo content: {articles} article(s) and {discussions} discussion(s) added, "
            f"{len(ARTICLES) - articles} article(s) and {len(DISCUSSIONS) - discussions} "
            "discussion(s) kept."
        )
        self.stdout.write(
            f"Sign in at /accounts/login/ (user name or <name>@example.org) with the "
            f"password {DEMO_PASSWORD!r}:\n"
            f"  as a demo editor:    {', '.join(EDITORS)}\n"
            f"  as a demo moderator: {MODERATOR} (the queue is at /moderation/)"
        )

    def _accounts(self) -> dict:
        """The demo editors and moderator, with the demo password (set again if changed) and
        a verified address at example.org, so notices to them show in the console's mail."""
        User = get_user_model()
        accounts = {}
        for name in [*EDITORS, MODERATOR]:
            email = f"{name}@example.org"
            user, _ = User.objects.get_or_create(username=name, defaults={"email": email})
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if not EmailAddress.objects.filter(user=user).exists():
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            accounts[name] = user
        group, _ = Group.objects.get_or_create(name=settings.WIKI_MODERATORS_GROUP)
        accounts[MODERATOR].groups.add(group)
        return accounts

    def _accept(self, content, accounts: dict) -> None:
        """The demo moderator accepts what the demo's untrusted accounts wrote (logged)."""
        case = moderation.case_for(content)
        if case is not None and case.state != CheckState.DECIDED:
            moderation.approve(case=case, moderator=accounts[MODERATOR], reason=ACCEPTED)

    def _articles(self, accounts: dict) -> int:
        added = 0
        for title, revisions in ARTICLES:
            slug = slug_for(title)
            if Article.objects.filter(slug=slug).exists():
                continue
            base = None
            for editor, summary, text in revisions:
                user = accounts[editor]
                result = save_edit(
                    slug=slug,
                    title=title,
                    source=text,
                    summary=summary,
                    base_number=base,
                    contributor=Contributor(user=user, name=user.username, ip=DEMO_IP),
                )
                self._accept(result.revision, accounts)
                base = result.revision.number
            added += 1
        return added

    def _discussions(self, accounts: dict) -> int:
        """Each demo article's discussion, unless the article already has comments."""
        added = 0
        for title, threads in DISCUSSIONS.items():
            article = Article.objects.filter(slug=slug_for(title)).first()
            if article is None or Comment.objects.for_article(article).exists():
                continue
            for thread in threads:
                self._post(thread, article=article, parent=None, accounts=accounts)
            added += 1
        return added

    def _post(self, demo: DemoComment, *, article, parent, accounts: dict) -> None:
        if demo.email:
            author = CommentAuthor(name=demo.author, email=demo.email, ip=DEMO_IP)
        else:
            author = CommentAuthor(user=accounts[demo.author], ip=DEMO_IP)
        comment = post_comment(
            article=article,
            body=demo.body,
            author=author,
            parent_id=parent.pk if parent else None,
        )
        if not demo.held:
            self._accept(comment, accounts)
        for reply in demo.replies:
            self._post(reply, article=article, parent=comment, accounts=accounts)
        if demo.removed:
            remove_comment(comment=comment, by=accounts[MODERATOR])
