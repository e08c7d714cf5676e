from django.apps import AppConfig


class CommonsConfig(AppConfig):
    name = "commons"
    verbose_name = "Commons"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib import admin
        from django.contrib.auth import get_user_model
        from django.core.checks import Tags, register
        from django.db.models.signals import pre_delete

        from commons.checks import proxy_ssl_header_check
        from commons.undeletable import refuse_delete

        register(proxy_ssl_header_check, Tags.security, deploy=True)

        # The admin says whose site it is (not "Django administration").
        admin.site.site_header = f"{settings.SITE_NAME} administration"
        admin.site.site_title = f"{settings.SITE_NAME} admin"
        admin.site.index_title = f"Administer {settings.SITE_NAME}"

        # Accounts are never deleted (DESIGN.md): the ORM refuses a delete (on PostgreSQL a
        # trigger refuses it too, migration 0002), and the site's admin offers none
        # (website.accounts_admin).
        pre_delete.connect(
            refuse_delete, sender=get_user_model(), dispatch_uid="commons_keep_users"
        )
