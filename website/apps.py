from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "Site"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth import get_user_model

        from website.accounts_admin import UserAdmin

        # Accounts are never deleted (DESIGN.md): the admin deactivates or forgets them
        # (website.accounts) in place of Django's own User admin. This runs after the admin
        # has found every app's admin module.
        user_model = get_user_model()
        if admin.site.is_registered(user_model):
            admin.site.unregister(user_model)
        admin.site.register(user_model, UserAdmin)
