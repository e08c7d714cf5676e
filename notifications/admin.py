"""Watches, choices, notices, subscriptions and deliveries in the admin: read only; people
change them through the site's buttons and the links in their e-mails."""

from django.contrib import admin

from commons.admin import NoDeleteAdmin
from notifications.models import Delivery, Notice, Preference, Subscription, Watch


class ReadOnlyAdmin(NoDeleteAdmin):
    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Watch)
class WatchAdmin(ReadOnlyAdmin):
    list_display = ["user", "article", "created_at"]
    list_select_related = ["user", "article"]
    search_fields = ["user__username", "article__title"]


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "reply", "mention", "watched_edit", "watched_comment", "moderation"]
    list_select_related = ["user"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "text", "created_at", "read_at"]
    list_filter = ["kind", "read_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "key"]
    raw_id_fields = ["recipient", "article"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "comment", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["confirmed_at", "unsubscribed_at"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["key", "created_at", "sent_at"]
    search_fields = ["key"]
