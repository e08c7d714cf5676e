"""Articles and revisions in the Django admin: read, search, act through services.

Nothing here deletes; changes go through wiki.services like everywhere else.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from commons.admin import NoDeleteAdmin
from wiki import services
from wiki.models import Article, Revision


def _moderator(request) -> services.Contributor:
    return services.Contributor(user=request.user, name=request.user.get_username())


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["number", "title", "author_name", "created_at", "summary", "size_change", "is_hidden"]
    readonly_fields = fields
    ordering = ["-number"]
    extra = 0
    max_num = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).without_text()

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ArchivedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("archived", "Archived")]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.live()
        if self.value() == "archived":
            return queryset.archived()
        return queryset


@admin.register(Article)
class ArticleAdmin(NoDeleteAdmin):
    list_display = ["title", "slug", "updated_at", "archived_at", "is_locked"]
    list_filter = [ArchivedFilter, "is_locked"]
    search_fields = ["title", "slug"]
    readonly_fields = [
        "title",
        "slug",
        "current_revision",
        "created_at",
        "updated_at",
        "archived_at",
        "archived_by",
        "is_locked",
        "locked_by",
    ]
    fields = readonly_fields
    inlines = [RevisionInline]
    actions = ["archive", "restore", "lock", "unlock"]

    @admin.action(description="Archive the selected articles")
    def archive(self, request, queryset):
        for article in queryset:
            services.archive_article(article=article, moderator=_moderator(request))
        self.message_user(request, "Archived.", messages.SUCCESS)

    @admin.action(description="Restore the selected articles")
    def restore(self, request, queryset):
        for article in queryset:
            services.restore_article(article=article, moderator=_moderator(request))
        self.message_user(request, "Restored.", messages.SUCCESS)

    @admin.action(description="Lock the selected articles (moderators only may edit)")
    def lock(self, request, queryset):
        for article in queryset:
            services.set_article_lock(article=article, locked=True, moderator=_moderator(request))
        self.message_user(request, "Locked.", messages.SUCCESS)

    @admin.action(description="Unlock the selected articles")
    def unlock(self, request, queryset):
        for article in queryset:
            services.set_article_lock(article=article, locked=False, moderator=_moderator(request))
        self.message_user(request, "Unlocked.", messages.SUCCESS)


@admin.register(Revision)
class RevisionAdmin(NoDeleteAdmin):
    list_display = ["article", "number", "author_name", "created_at", "summary", "is_hidden"]
    list_filter = ["is_hidden", "is_minor"]
    search_fields = ["article__title", "author_name", "summary", "author_ip"]
    list_select_related = ["article"]
    readonly_fields = [
        "article",
        "number",
        "title",
        "summary",
        "is_minor",
        "author",
        "author_name",
        "author_ip",
        "created_at",
        "size",
        "size_change",
        "base_number",
        "is_hidden",
        "hidden_by",
        "source",
    ]
    fields = readonly_fields
    actions = ["hide", "unhide"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("html")

    @admin.action(description="Hide the selected revisions' text from the public")
    def hide(self, request, queryset):
        for revision in queryset.select_related("article"):
            try:
                services.set_revision_hidden(
                    revision=revision, hidden=True, moderator=_moderator(request)
                )
            except ValidationError as error:
                self.message_user(request, f"{revision}: {error.messages[0]}", messages.ERROR)

    @admin.action(description="Show the selected revisions' text again")
    def unhide(self, request, queryset):
        for revision in queryset.select_related("article"):
            services.set_revision_hidden(
                revision=revision, hidden=False, moderator=_moderator(request)
            )
