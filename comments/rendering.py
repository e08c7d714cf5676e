"""The discussion's HTML, built in Python: a thousand template includes cost half a second,
this costs a few milliseconds. Every user-supplied value goes through format_html's escaping;
only the stored, sanitized comment HTML is inserted as is.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from comments.avatars import avatar_key
from comments.discussion import Discussion, Event, Node, discussion_for, own_comment_ids
from comments.models import Comment
from commons.fragments import fragment_key, get_fragment, store_fragments
from commons.html import html_datetime
from moderation.states import Status

PLACEHOLDER = "__placeholder__"


class _Urls:
    """Each URL pattern reversed once per page, then filled in by string replacement."""

    def __init__(self, article) -> None:
        self.article = article
        self.user = reverse("contributions", args=[PLACEHOLDER])
        self.avatar = reverse("comments:avatar", args=["0" * 32]).replace("0" * 32, PLACEHOLDER)
        self.edit = reverse("comments:edit", args=[0]).replace("/0/", f"/{PLACEHOLDER}/")
        self.remove = reverse("comments:remove", args=[0]).replace("/0/", f"/{PLACEHOLDER}/")
        self.flag = reverse("comments:flag", args=[0]).replace("/0/", f"/{PLACEHOLDER}/")
        self.permalink = reverse("comments:permalink", args=[0]).replace("/0/", f"/{PLACEHOLDER}/")
        current = article.current_revision
        self.diff = (
            reverse("wiki:diff", args=[article.slug, 1, current.number]).replace(
                "/diff/1/", f"/diff/{PLACEHOLDER}/"
            )
            if current
            else ""
        )

    @staticmethod
    def fill(pattern: str, value: object) -> str:
        return pattern.replace(PLACEHOLDER, quote(str(value), safe=""))


def discussion_page(
    article,
    *,
    user,
    session,
    is_moderator: bool,
    page_number,
    discussion_open: bool,
    viewer_commented: bool | None = None,
) -> tuple[Discussion, SafeString]:
    """One page of an article's discussion and its HTML.

    Most readers see the discussion as everyone does: they are not moderators and have no
    comments in it (their own show Edit and Remove, and their pending ones show at all).
    Their page is rendered once per version of the article and then read from the cache.
    `viewer_commented`, when the caller already knows it, saves asking.
    """
    own_ids = own_comment_ids(session)
    if viewer_commented is None:
        viewer_commented = (
            user.is_authenticated and Comment.objects.filter(article=article, author=user).exists()
        )
    if is_moderator or own_ids or viewer_commented:
        discussion = discussion_for(article, user=user, own_ids=own_ids, page_number=page_number)
        return discussion, render_events(
            discussion.events, article=article, discussion_open=discussion_open
        )
    return _public_discussion_page(article, page_number, discussion_open)


def _public_discussion_page(article, page_number, discussion_open: bool):
    # One entry for the counts (to resolve the page number), one per rendered page.
    counts_key = fragment_key("discussion", article.stamp.key, discussion_open)
    counts = get_fragment(counts_key)
    if counts is not None:
        count, pages = counts
        page = Paginator(range(pages), 1).get_page(page_number)
        html = get_fragment(f"{counts_key}:{page.number}")
        if html is not None:
            return Discussion(count=count, page=page, events=[]), mark_safe(html)  # noqa: S308 - rendered by render_events
    discussion = discussion_for(
        article,
        user=AnonymousUser(),
        own_ids=frozenset(),
        page_number=page_number,
    )
    html = render_events(discussion.events, article=article, discussion_open=discussion_open)
    store_fragments(
        {
            counts_key: (discussion.count, discussion.page.paginator.count),
            f"{counts_key}:{discussion.page.number}": str(html),
        }
    )
    return discussion, html


def render_events(events: list[Event], *, article, discussion_open: bool) -> SafeString:
    urls = _Urls(article)
    parts: list[str] = []
    for event in events:
        if event.kind == "open":
            parts.append('<ol class="comment-list">')
        elif event.kind == "item":
            parts.append("<li>")
            parts.append(_comment(event.node, urls, discussion_open))
        elif event.kind == "end_item":
            parts.append("</li>")
        else:
            parts.append("</ol>")
    return mark_safe("".join(parts))  # noqa: S308 - every part is format_html output


def _comment(node: Node, urls: _Urls, discussion_open: bool) -> str:
    comment = node.comment
    if node.shown != "full":
        label = "[removed]" if node.shown == "removed" else "[hidden]"
        return format_html(
            '<article class="comment comment--{}" id="comment-{}" aria-label="{} comment">'
            '<p class="comment-placeholder">{}</p></article>',
            node.shown,
            comment.pk,
            "Removed" if node.shown == "removed" else "Hidden",
            label,
        )
    name = comment.author_name
    if comment.author_id is not None and comment.author is not None:
        author = format_html(
            '<a href="{}">{}</a>', urls.fill(urls.user, comment.author.get_username()), name
        )
    elif comment.author_url:
        author = format_html(
            '<a href="{}" rel="nofollow ugc noopener">{}</a>', comment.author_url, name
        )
    else:
        author = format_html("{}", name)
    written = timezone.localtime(comment.created_at)
    badges = []
    if comment.edited_at:
        badges.append('<span class="badge">edited</span>')
    if comment.status == Status.PENDING:
        badges.append('<span class="badge badge--warn">awaiting moderation</span>')
    if node.on_old_revision and comment.revision_number and urls.diff:
        badges.append(
            format_html(
                '<a class="comment-revision" href="{}">on revision {}</a>',
                urls.fill(urls.diff, comment.revision_number),
                comment.revision_number,
            )
        )
    actions = []
    if discussion_open and comment.status == Status.PUBLISHED:
        actions.append(
            format_html(
                '<a href="?reply={}#comment-form">Reply'
                '<span class="visually-hidden"> to {}</span></a>',
                comment.pk,
                name,
            )
        )
        actions.append(
            format_html(
                '<a class="comment-quote" href="?reply={pk}&amp;quote=1#comment-form" '
                'data-quote-name="{name}" data-quote-url="{url}">Quote'
                '<span class="visually-hidden"> {name}</span></a>',
                pk=comment.pk,
                name=name,
                url=urls.fill(urls.permalink, comment.pk),
            )
        )
    if node.can_change:
        actions.append(format_html('<a href="{}">Edit</a>', urls.fill(urls.edit, comment.pk)))
        actions.append(format_html('<a href="{}">Remove</a>', urls.fill(urls.remove, comment.pk)))
    elif comment.status == Status.PUBLISHED and not node.is_own:
        # Not for its author; moderators have Edit and Remove instead.
        actions.append(
            format_html(
                '<a href="{}" rel="nofollow">Flag<span class="visually-hidden"> the comment by {}'
                "</span></a>",
                urls.fill(urls.flag, comment.pk),
                name,
            )
        )
    return format_html(
        '<article class="comment comment--full" id="comment-{pk}" aria-label="Comment by {name}">'
        '<header class="comment-head">'
        '<img class="avatar" src="{avatar}" alt="" width="48" height="48" loading="lazy">'
        '<span class="comment-author">{author}</span>'
        '<a class="comment-time" href="#comment-{pk}"><time datetime="{iso}">{when}</time></a>'
        "{badges}</header>"
        '<div class="comment-body prose">{html}</div>'
        '<footer class="comment-actions">{actions}</footer></article>',
        pk=comment.pk,
        name=name,
        avatar=urls.fill(urls.avatar, avatar_key(user_id=comment.author_id, comment_id=comment.pk)),
        author=author,
        iso=html_datetime(written),
        when=f"{written.day} {written:%b %Y, %H:%M}",
        badges=mark_safe("".join(badges)),  # noqa: S308 - built with format_html above
        html=mark_safe(comment.html),  # noqa: S308 - sanitized by wiki.markup at save
        actions=mark_safe("".join(actions)),  # noqa: S308 - built with format_html above
    )
