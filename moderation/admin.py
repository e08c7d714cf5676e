"""Moderation records in the admin, read-only: actions call the same services as the queue.

Nothing here adds, edits or deletes a record by hand; every state move is logged by
moderation.services.
"""

from django.contrib import admin, messages
from django.utils.html import format_html

from commons.admin import NoDeleteAdmin
from moderation import services
from moderation.models import Flag, ModerationCase, ModerationEvent
from moderation.registry import adapter_for
from moderation.states import IllegalMove


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ModerationEventInline(_ReadOnlyInline):
    model = ModerationEvent
    fields = ["created_at", "from_status", "to_status", "actor_kind", "actor", "reason"]
    readonly_fields = fields
    ordering = ["created_at", "id"]


class FlagInline(_ReadOnlyInline):
    model = Flag
    fields = ["created_at", "reporter", "reporter_key", "reason"]
    readonly_fields = fields
    ordering = ["created_at"]


@admin.register(ModerationCase)
class ModerationCaseAdmin(NoDeleteAdmin):
    list_display = [
        "content_type",
        "object_id",
        "status",
        "state",
        "verdict",
        "review_reason",
        "created_at",
        "decided_by",
    ]
    list_filter = ["status", "state", "verdict", "review_reason"]
    list_select_related = ["content_type", "decided_by"]
    ordering = ["-created_at", "-id"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "content_link",
        "content_type",
        "object_id",
        "status",
        "state",
        "verdict",
        "review_reason",
        "last_error",
        "attempts",
        "flag_count",
        "created_at",
        "queued_at",
        "checked_at",
        "decided_at",
        "decided_by",
        "ham_submitted_at",
        "spam_submitted_at",
    ]
    fields = readonly_fields
    inlines = [ModerationEventInline, FlagInline]
    actions = ["approve", "mark_spam"]

    @admin.display(description="content")
    def content_link(self, case: ModerationCase) -> str:
        content = case.content
        if content is None:
            return "(not found)"
        summary = adapter_for(content).summary(content)
        return format_html(
            '{} on <a href="{}">{}</a> by {}',
            summary.kind,
            summary.url,
            summary.title,
            summary.author_name,
        )

    def _act(self, request, queryset, service, done: str) -> None:
        succeeded = 0
        for case in queryset:
            try:
                service(case=case, moderator=request.user)
            except IllegalMove as error:
                self.message_user(request, f"{case}: not {done} ({error}).", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{done.capitalize()}: {succeeded}.", messages.SUCCESS)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Every field is read-only: offer no Save buttons that would do nothing.
        extra_context = {**(extra_context or {}), "show_save": False}
        extra_context["show_save_and_continue"] = False
        extra_context["show_save_and_add_another"] = False
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Approve the selected content (publish it)", permissions=["change"])
    def approve(self, request, queryset) -> None:
        self._act(request, queryset, services.approve, "approved")

    @admin.action(description="Mark the selected content as spam", permissions=["change"])
    def mark_spam(self, request, queryset) -> None:
        self._act(request, queryset, services.mark_spam, "marked as spam")


@admin.register(ModerationEvent)
class ModerationEventAdmin(NoDeleteAdmin):
    list_display = [
        "created_at",
        "case",
        "from_status",
        "to_status",
        "actor_kind",
        "actor",
        "reason",
    ]
    list_filter = ["actor_kind", "to_status"]
    list_select_related = ["case", "case__content_type", "actor"]
    readonly_fields = [
        "created_at",
        "case",
        "from_status",
        "to_status",
        "actor_kind",
        "actor",
        "reason",
    ]
    fields = readonly_fields
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False
