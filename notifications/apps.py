from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from notifications import listeners

        listeners.connect()

        from commons.pagecache import register_viewer_part
        from notifications.notices import bell_count

        register_viewer_part(bell_count)

        from notifications.sections import WatchStar
        from wiki.sections import register

        register(WatchStar())
