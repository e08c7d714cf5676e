"""People in the admin: deactivate or forget an account, never delete it (website.accounts).

Registered in place of Django's own User admin by WebsiteConfig.ready(), which runs after
the admin has found every app's admin module.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse

from website import accounts


def _accounts(count: int) -> str:
    return f"{count} account" if count == 1 else f"{count} accounts"


class UserAdmin(DjangoUserAdmin):
    actions = ["deactivate_users", "anonymise_users"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _others(self, request, queryset):
        """The selected users but the admin acting: nobody locks themselves out here."""
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, "Your own account was left as it is.", messages.WARNING)
        return queryset.exclude(pk=request.user.pk)

    @admin.action(description="Deactivate selected users")
    def deactivate_users(self, request, queryset):
        count = 0
        for user in self._others(request, queryset):
            accounts.deactivate_user(user=user, by=request.user)
            count += 1
        self.message_user(
            request,
            f"Deactivated {_accounts(count)}; everything they wrote stays.",
            messages.SUCCESS,
        )

    @admin.action(description="Forget selected users (anonymise, at their request)")
    def anonymise_users(self, request, queryset):
        people = list(self._others(request, queryset))
        if not people:
            return None
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Forget these people?",
                "opts": self.model._meta,
                "people": people,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/auth/user/anonymise_confirmation.html", context)
        for user in people:
            accounts.anonymise_user(user=user, by=request.user)
        self.message_user(
            request,
            f"Anonymised {_accounts(len(people))}: names replaced, e-mail and IP addresses "
            "wiped; their contributions stay.",
            messages.SUCCESS,
        )
        return None
