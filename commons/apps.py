from django.apps import AppConfig


class CommonsConfig(AppConfig):
    name = "commons"
    verbose_name = "Commons"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib import admin
        from django.core.checks import Tags, register

        from commons.checks import proxy_ssl_header_check

        register(proxy_ssl_header_check, Tags.security, deploy=True)

        # The admin says whose site it is (not "Django administration").
        admin.site.site_header = f"{settings.SITE_NAME} administration"
        admin.site.site_title = f"{settings.SITE_NAME} admin"
        admin.site.index_title = f"Administer {settings.SITE_NAME}"
