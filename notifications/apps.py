from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from notifications import listeners

        listeners.connect()

        from notifications.sections import WatchStar
        from wiki.sections import register

        register(WatchStar())
