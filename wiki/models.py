from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from commons.undeletable import UndeletableModel, UndeletableQuerySet
from wiki.querysets import ArticleQuerySet, ArticleStamp, RevisionQuerySet
from wiki.slugs import CANONICAL_SLUG_RE

TITLE_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 255


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self) -> ArticleQuerySet:
        # The search vector and text are as big as the text; only the search's SQL reads them.
        return super().get_queryset().defer("search_vector", "search_text")


class Article(UndeletableModel):
    """A page of the wiki; its text lives in its revisions, the newest one current."""

    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    current_revision = models.ForeignKey(
        "wiki.Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_locked = models.BooleanField(default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Bumped (wiki.services.article_changed) by every change a reader of the article's pages
    # could see: its text, state, revisions or discussion. ETags and cached fragments key on
    # it, so a change can never be served from an older cache entry.
    version = models.PositiveBigIntegerField(default=1, editable=False)
    changed_at = models.DateTimeField(default=timezone.now, editable=False)
    # The current revision's text as a reader sees it (wiki.markup.html_to_text: no Markdown,
    # no HTML), which search matches and quotes in its snippets, and its title (weight A) and
    # that text (weight B) as a search vector (PostgreSQL only; unused on SQLite). Both are
    # computed by wiki.search.search_fields and written whenever a revision is saved.
    search_text = models.TextField(blank=True, default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleManager()

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(
                fields=["title"], name="wiki_article_live_title", condition=Q(archived_at=None)
            ),
            # Recent changes asks for the latest change; the A to Z index sorts by title.
            models.Index(fields=["changed_at"], name="wiki_article_changed"),
            models.Index(
                Lower("title"), "id", name="wiki_article_live_az", condition=Q(archived_at=None)
            ),
            GinIndex(
                fields=["search_vector"],
                name="wiki_article_live_search",
                condition=Q(archived_at=None),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="wiki_article_slug_not_empty"),
            # One address per article: never Main_Page beside main-page (wiki.slugs).
            models.CheckConstraint(
                condition=Q(slug__regex=CANONICAL_SLUG_RE), name="wiki_article_slug_canonical"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("wiki:article", kwargs={"slug": self.slug})

    @property
    def stamp(self) -> ArticleStamp:
        return ArticleStamp(self.pk, self.version, self.changed_at)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Revision(UndeletableModel):
    """One saved state of an article. Its source never changes once written."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    source = models.TextField(blank=True)
    html = models.TextField(blank=True)
    summary = models.CharField(max_length=300, blank=True)
    summary_html = models.TextField(
        blank=True, help_text="The summary, escaped, its @mentions linked; set when saved."
    )
    is_minor = models.BooleanField(default=False)
    size = models.PositiveIntegerField(help_text="Bytes of source, UTF-8.")
    size_change = models.IntegerField(help_text="Bytes added (or removed) since the previous.")
    base_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The revision the editor started from."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
    )
    author_name = models.CharField(max_length=150)
    author_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    is_hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="wiki_revision_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="wiki_revision_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(base_number__isnull=True) | Q(base_number__lt=F("number")),
                name="wiki_revision_base_before_number",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="wiki_revision_recent"),
            models.Index(fields=["author", "-created_at"], name="wiki_revision_by_author"),
            # What one address wrote signed out: moderators' address page, Remove spammer.
            models.Index(
                fields=["author_ip", "-created_at"],
                name="wiki_revision_by_address",
                condition=Q(author=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (revision {self.number})"

    def get_absolute_url(self) -> str:
        return reverse("wiki:revision", kwargs={"slug": self.article.slug, "number": self.number})


class ArticleRedirect(UndeletableModel):
    """An address an article was moved away from; it keeps pointing at the article.

    Never deleted: links and bookmarks out in the world still lead through it.
    """

    old_slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(old_slug__regex=CANONICAL_SLUG_RE),
                name="wiki_articleredirect_old_slug_canonical",
            ),
        ]

    def __str__(self) -> str:
        return f"/wiki/{self.old_slug}/ → {self.article.slug}"


class WikiLink(models.Model):
    """A [[link]] in an article's current revision: the "what links here" table.

    Derived data, rewritten from the current revision each time one is saved.
    """

    source = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="outgoing_links")
    target_slug = models.SlugField(max_length=SLUG_MAX_LENGTH, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target_slug"], name="wiki_wikilink_unique"),
            models.CheckConstraint(
                condition=Q(target_slug__regex=CANONICAL_SLUG_RE),
                name="wiki_wikilink_target_slug_canonical",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.slug} → {self.target_slug}"
