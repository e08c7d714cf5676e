from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from comments.models import Comment
from comments.trees import tree_problems
from commons.locks import COMMENT_THREAD_LOCKS, advisory_xact_lock


class Command(BaseCommand):
    help = "Verify every article's comment tree; --repair rebuilds the broken ones."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repair", action="store_true", help="rebuild trees that are broken")

    def handle(self, *args, repair: bool = False, **options) -> None:
        roots = Comment.objects.filter(parent__isnull=True).values_list("tree_id", "article_id")
        broken = 0
        for tree_id, article_id in roots:
            problems = tree_problems(tree_id)
            if not problems:
                continue
            broken += 1
            self.stdout.write(f"article {article_id}, tree {tree_id}: " + "; ".join(problems))
            if repair:
                with transaction.atomic():
                    advisory_xact_lock(COMMENT_THREAD_LOCKS, article_id)
                    Comment.objects.partial_rebuild(tree_id)
                left = tree_problems(tree_id)
                self.stdout.write(
                    "  repaired" if not left else "  still broken: " + "; ".join(left)
                )
        self.stdout.write(f"{len(roots)} tree(s) checked, {broken} broken.")
        if broken and not repair:
            raise CommandError(f"{broken} comment tree(s) are broken; run with --repair.")
