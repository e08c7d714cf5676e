from django.apps import AppConfig


class WikiConfig(AppConfig):
    name = "wiki"
    verbose_name = "Wiki"

    def ready(self) -> None:
        from django.urls import register_converter

        from moderation.log import register_parts
        from moderation.registry import register
        from moderation.trust import register_contribution_counter
        from wiki.models import Revision
        from wiki.moderation import RevisionAdapter, accepted_edits, revisions_in_log
        from wiki.slugs import CanonicalSlugConverter

        # Before any URLconf is loaded: every /wiki/<slug>/ route takes canonical slugs only.
        register_converter(CanonicalSlugConverter, "wikislug")
        register(Revision, RevisionAdapter())
        register_contribution_counter(accepted_edits)
        register_parts("article", revisions_in_log)
