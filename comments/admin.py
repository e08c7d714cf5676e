"""Comments in the admin: an indented tree per article; actions call the services."""

from django.contrib import admin, messages
from django.utils.html import format_html

from comments import services
from comments.models import Comment, CommentEdit
from commons.admin import NoDeleteAdmin


class CommentEditInline(admin.TabularInline):
    model = CommentEdit
    fields = ["written_at", "replaced_at", "replaced_by", "body"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(NoDeleteAdmin):
    list_display = ["indented_comment", "article", "author_name", "status", "created_at"]
    list_filter = ["status", ("article", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["body", "author_name", "author_email", "author_ip"]
    list_select_related = ["article"]
    ordering = ["article", "tree_id", "lft"]
    readonly_fields = [
        "article",
        "parent",
        "revision",
        "status",
        "status_before_removal",
        "author",
        "author_name",
        "author_email",
        "author_url",
        "author_ip",
        "user_agent",
        "referrer",
        "created_at",
        "edited_at",
        "body",
    ]
    fields = readonly_fields
    inlines = [CommentEditInline]
    actions = ["remove", "restore"]

    def get_queryset(self, request):
        return super().get_queryset(request).comments().defer("html")

    @admin.display(description="comment", ordering="lft")
    def indented_comment(self, comment: Comment):
        excerpt = " ".join(comment.body.split())[:80] or "(empty)"
        return format_html(
            '<span class="comment-depth-{}">{}{}</span>',
            comment.level,
            "— " * (comment.level - 1),
            excerpt,
        )

    @admin.action(description="Remove the selected comments (soft: a placeholder stays)")
    def remove(self, request, queryset):
        for comment in queryset:
            services.remove_comment(comment=comment, by=request.user)
        self.message_user(request, "Removed.", messages.SUCCESS)

    @admin.action(description="Restore the selected removed comments")
    def restore(self, request, queryset):
        for comment in queryset:
            services.restore_comment(comment=comment, by=request.user)
        self.message_user(request, "Restored.", messages.SUCCESS)
