"""How moderation sees a wiki edit (the adapter of moderation.registry).

Edits go live at once and wait, kept out of search indexes, until the check or a moderator
accepts them; a spam verdict on the current revision restores the previous text
(a new revision by the system) and hides the spam revision.
"""

import difflib
from collections.abc import Collection

from django.conf import settings
from django.db.models import CharField, Count, Q, prefetch_related_objects
from django.db.models.functions import Cast
from django.urls import reverse

from commons import events
from moderation.akismet import Submission
from moderation.registry import Summary
from moderation.states import IllegalMove, Status
from wiki import services
from wiki.events import RevisionAccepted
from wiki.models import Revision

SPAM_FILTER = services.SPAM_FILTER


def added_text(old: str, new: str) -> str:
    """The lines an edit added or changed: what Akismet should judge, not the whole page."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    new_lines = new.splitlines()
    added = []
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            added.extend(new_lines[j1:j2])
    return "\n".join(added)


def checked_words(revision: Revision, previous: Revision | None) -> str:
    """What Akismet judges of an edit: a new title, the text it added, and its summary,
    which readers see in history, recent changes and the feeds."""
    parts = [
        revision.title if previous is None or previous.title != revision.title else "",
        added_text(previous.source if previous else "", revision.source),
        revision.summary,
    ]
    return "\n\n".join(part for part in parts if part)


def _previous(revision: Revision) -> Revision | None:
    return revision.article.revisions.filter(number__lt=revision.number).order_by("-number").first()


def accepted_edits(user_ids: Collection[int]) -> dict[int, int]:
    """Each user's edits that stand (not hidden by a moderator or as spam), in one query:
    the wiki's contribution counter (moderation.trust)."""
    rows = (
        Revision.objects.visible()
        .filter(author_id__in=user_ids)
        .order_by()
        .values("author_id")
        .annotate(edits=Count("id"))
    )
    return {row["author_id"]: row["edits"] for row in rows}


def revisions_in_log(article_id: str) -> Q:
    """The moderators' log of an article includes its revisions' entries (hidden, spam)."""
    if not (article_id.isascii() and article_id.isdigit() and len(article_id) <= 18):
        return Q(pk__in=[])  # no such article: an id the database could not even hold
    ids = (
        Revision.objects.filter(article_id=int(article_id))
        .order_by()
        .values_list(Cast("pk", CharField()), flat=True)
    )
    return Q(target_kind="revision", target_id__in=ids)


class RevisionAdapter:
    kinds = {"edit": "Edits", "new-article": "New articles"}

    def kind_filter(self, kind: str) -> Q:
        """A new article is its first revision; every later one is an edit."""
        return Q(number=1) if kind == "new-article" else Q(number__gt=1)

    def submission(self, revision: Revision) -> Submission:
        previous = _previous(revision)
        author = revision.author
        fields = {
            "comment_type": "wiki-edit",
            "comment_author": revision.author_name,
            "comment_author_email": author.email if author else "",
            "comment_content": checked_words(revision, previous),
            "permalink": settings.AKISMET_BLOG_URL.rstrip("/") + revision.get_absolute_url(),
            "comment_date_gmt": revision.created_at.isoformat(),
            "comment_post_modified_gmt": (
                previous.created_at.isoformat() if previous else revision.created_at.isoformat()
            ),
            "blog_lang": "en",
            "blog_charset": "UTF-8",
        }
        if author is not None and author.is_staff:
            fields["user_role"] = "administrator"
        return Submission(user_ip=revision.author_ip or "", fields=fields)

    def may_act_on_spam(self, revision: Revision) -> bool:
        return revision.article.current_revision_id == revision.pk

    def status(self, revision: Revision) -> str:
        """Edits go live at once: a revision with no case was a trusted author's."""
        return Status.PUBLISHED

    def status_before_removal(self, revision: Revision) -> str:
        return ""

    def is_author(self, revision: Revision, user) -> bool:
        return user.is_authenticated and revision.author_id == user.pk

    def apply_status(self, revision: Revision, *, old: str, new: str) -> str:
        if new == Status.REMOVED:
            raise IllegalMove("a revision is hidden by a moderator, never removed")
        if new == Status.SPAM:
            note = ""
            article = revision.article
            is_current = article.current_revision_id == revision.pk
            if is_current and article.is_archived:
                return "the article is archived, so its text was left as it is"
            if is_current:
                previous = _previous(revision)
                if previous is None:
                    services.archive_article(article=article, moderator=SPAM_FILTER)
                    return "a new article that was spam: archived"
                try:
                    restored = services.revert_article(
                        article=article,
                        number=previous.number,
                        contributor=SPAM_FILTER,
                        summary=f"Reverted spam (revision {revision.number})",
                    )
                except services.NothingChanged:
                    return f"revision {previous.number} has the same text: nothing to restore"
                note = f"restored revision {previous.number} as revision {restored.number}"
            services.set_revision_hidden(revision=revision, hidden=True, moderator=SPAM_FILTER)
            return "; ".join(filter(None, [note, f"revision {revision.number} hidden"]))
        if old == Status.SPAM and revision.is_hidden:
            services.set_revision_hidden(revision=revision, hidden=False, moderator=SPAM_FILTER)
            return f"revision {revision.number} visible again (its text was not restored)"
        return ""

    def accepted(self, revision: Revision) -> None:
        """The article page may drop its noindex: a new version, so no copy keeps it; the
        apps above may now tell of it (RevisionAccepted)."""
        services.article_changed(revision.article_id)
        events.announce(RevisionAccepted(revision_id=revision.pk))

    def hold(self, revision: Revision, *, held: bool) -> None:
        """Revisions are not flagged by readers; nothing to hold."""

    def link_texts(self, revisions: list[Revision]) -> dict[int, tuple[str, str]]:
        """Each edit's text and the text before it (one query), so only the links an edit
        added are offered to the blocklist."""
        wanted = Q(pk__in=[])
        for revision in revisions:
            wanted |= Q(article_id=revision.article_id, number=revision.number - 1)
        before = {
            (row.article_id, row.number): row.source
            for row in Revision.objects.filter(wanted).only("article_id", "number", "source")
        }
        return {
            revision.pk: (
                revision.source,
                before.get((revision.article_id, revision.number - 1), ""),
            )
            for revision in revisions
        }

    def prefetch(self, revisions: list[Revision]) -> None:
        prefetch_related_objects(revisions, "article", "author")

    def summary(self, revision: Revision) -> Summary:
        article = revision.article
        diff_url = ""
        if revision.number > 1:
            diff_url = reverse(
                "wiki:diff", args=[article.slug, revision.number - 1, revision.number]
            )
        return Summary(
            kind="edit",
            title=article.title,
            url=revision.get_absolute_url(),
            html=revision.html,
            author_name=revision.author_name,
            author_ip=revision.author_ip,
            author_email=revision.author.email if revision.author else "",
            created_at=revision.created_at,
            diff_url=diff_url,
            author=revision.author,
        )
