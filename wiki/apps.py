from django.apps import AppConfig


class WikiConfig(AppConfig):
    name = "wiki"
    verbose_name = "Wiki"

    def ready(self) -> None:
        from moderation.registry import register
        from moderation.trust import register_contribution_counter
        from wiki.models import Revision
        from wiki.moderation import RevisionAdapter

        register(Revision, RevisionAdapter())
        register_contribution_counter(
            lambda user: Revision.objects.visible().filter(author=user).count()
        )
