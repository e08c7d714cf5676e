"""The discussion under an article (a wiki.sections section): its comments, one page of
threads at a time, and the form to add one."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from comments.discussion import commenter_initial, own_comment_ids
from comments.forms import CommentForm
from comments.models import Comment
from comments.quoting import quote_of, quoted_comment
from comments.rendering import discussion_page
from commons.roles import can_moderate
from wiki.sections import BELOW, PAGE_NUMBER


class DiscussionSection:
    """Its state, when the page is rendered again after a failed post, is the bound
    CommentForm (render_article_page(section_state={"discussion": form}))."""

    name = "discussion"
    place = BELOW
    template = "comments/article_discussion.html"

    def annotate(self, articles: QuerySet, request: HttpRequest) -> QuerySet:
        if not request.user.is_authenticated:
            return articles
        return articles.annotate(
            viewer_commented=Exists(
                Comment.objects.filter(article=OuterRef("pk"), author=request.user)
            )
        )

    def etag_parts(self, request: HttpRequest, article) -> tuple:
        # Anonymous commenters see their own pending comments, and their name in the form.
        session = request.session
        return (sorted(own_comment_ids(session)), sorted(commenter_initial(session).items()))

    def context(self, request: HttpRequest, article, state: object) -> dict[str, object]:
        form = state if state is not None else _blank_form(request, article)
        is_moderator = can_moderate(request.user)
        discussion_open = not article.is_archived and not article.is_locked
        discussion = discussion_html = None
        if not article.is_archived or is_moderator:
            discussion, discussion_html = discussion_page(
                article,
                user=request.user,
                session=request.session,
                is_moderator=is_moderator,
                page_number=request.GET.get("page"),
                discussion_open=discussion_open,
                viewer_commented=getattr(article, "viewer_commented", None),
            )
        context = {
            "discussion": discussion,
            "discussion_html": discussion_html,
            "discussion_open": discussion_open,
            "comment_form": form,
            "replying_to": form["parent"].value(),
        }
        if discussion is not None:
            context[PAGE_NUMBER] = discussion.page.number
        return context


def _blank_form(request: HttpRequest, article) -> CommentForm:
    """A new comment (or a reply, ?reply=<id>, quoting it with &quote=1), the anonymous
    commenter's details filled in from their last comment."""
    anonymous = not request.user.is_authenticated
    reply_to = request.GET.get("reply", "")
    quoted = quoted_comment(article, reply_to) if request.GET.get("quote") == "1" else None
    return CommentForm(
        initial={
            "body": quote_of(quoted) if quoted else "",
            "parent": reply_to if reply_to.isdigit() else None,
            "submission_key": uuid.uuid4(),
            **(commenter_initial(request.session) if anonymous else {}),
        },
        anonymous=anonymous,
    )
