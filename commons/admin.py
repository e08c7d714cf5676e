from django.contrib import admin


class NoDeleteAdmin(admin.ModelAdmin):
    """No delete action, button or permission: Commons never hard-deletes."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
