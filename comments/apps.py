from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Discussion"

    def ready(self) -> None:
        from comments.models import Comment
        from comments.moderation import CommentAdapter, accepted_comments, comments_in_log
        from comments.sections import DiscussionSection
        from moderation.log import register_parts
        from moderation.registry import register
        from moderation.trust import register_contribution_counter
        from wiki.sections import register as register_section

        register(Comment, CommentAdapter())
        register_section(DiscussionSection())
        register_contribution_counter(accepted_comments)
        register_parts("article", comments_in_log)
