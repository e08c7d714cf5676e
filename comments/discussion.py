"""The discussion under an article, read in a fixed number of queries whatever its size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F

from comments.models import Comment
from comments.permissions import can_change_comment
from moderation.states import Status

SESSION_OWN_COMMENTS = "comments_own_ids"
SESSION_COMMENTER = "comments_commenter"


@dataclass
class Node:
    comment: Comment
    shown: str  # "full", "removed" or "hidden"
    can_change: bool = False
    is_own: bool = False
    on_old_revision: bool = False
    children: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Event:
    """One step of the flattened tree: open a reply list, show a comment, close them."""

    kind: str  # "open", "item", "end_item", "close"
    node: Node | None = None


@dataclass
class Discussion:
    count: int  # the comments this reader sees: published, and their own awaiting moderation
    page: Page
    events: list[Event]
    awaiting: int = 0  # of those, the reader's own that await moderation


def own_comment_ids(session) -> frozenset[int]:
    """Comments this browser posted anonymously: their authors see them while pending."""
    return frozenset(session.get(SESSION_OWN_COMMENTS, []))


def commenter_initial(session) -> dict[str, str]:
    """The anonymous commenter's name, e-mail and website from their last comment."""
    return dict(session.get(SESSION_COMMENTER, {}))


def remember_commenter(session, author) -> None:
    session[SESSION_COMMENTER] = {"name": author.name, "email": author.email, "website": author.url}


def remember_own_comment(session, comment: Comment) -> None:
    ids = list(session.get(SESSION_OWN_COMMENTS, []))[-49:]
    session[SESSION_OWN_COMMENTS] = [*ids, comment.pk]


def split_into_pages(threads: list[tuple[int, int]], per_page: int) -> list[tuple[int, int]]:
    """Group threads, given as (lft, rght) in order, into pages of whole threads holding
    about `per_page` comments each; the tree bounds of each page. A thread longer than a
    page has a page to itself.
    """
    pages: list[tuple[int, int]] = []
    first = last = None
    size = 0
    for lft, rght in threads:
        comments = (rght - lft + 1) // 2
        if first is not None and size + comments > per_page:
            pages.append((first, last))
            first, size = None, 0
        if first is None:
            first = lft
        last, size = rght, size + comments
    if first is not None:
        pages.append((first, last))
    return pages


def discussion_pages(article) -> list[tuple[int, int]]:
    """The tree bounds of each page of an article's discussion (one query)."""
    threads = Comment.objects.threads(article).values_list("lft", "rght")
    return split_into_pages(list(threads), settings.COMMENTS_PER_PAGE)


def discussion_for(article, *, user, own_ids: frozenset[int], page_number=None) -> Discussion:
    """The count, one page of whole threads, and what the viewer may see and do in them.

    Three queries: the counts, the bounds of the pages, the page's comments.
    """
    counts = Comment.objects.for_article(article).seen_by(user=user, own_ids=own_ids)
    count, awaiting = counts["seen"], counts["awaiting"]
    page = Paginator(discussion_pages(article), 1).get_page(page_number)
    if not page.object_list:
        return Discussion(count=count, page=page, events=[], awaiting=awaiting)
    lft, rght = page.object_list[0]
    comments = Comment.objects.in_range(article, lft, rght).annotate(
        revision_number=F("revision__number")
    )
    nodes = _visible_tree(
        comments,
        user=user,
        own_ids=own_ids,
        current_revision_id=article.current_revision_id,
    )
    return Discussion(count=count, page=page, events=list(_flatten(nodes)), awaiting=awaiting)


def _visible_tree(comments, *, user, own_ids, current_revision_id) -> list[Node]:
    """Build the tree in memory and keep what the viewer may see.

    Removed comments stay as placeholders; spam and others' pending comments only as
    "hidden" placeholders when replies someone may see hang under them.
    """
    by_id: dict[int, Node] = {}
    roots: list[Node] = []
    user_id = user.pk if user.is_authenticated else None
    for comment in comments:  # by level then lft: parents first, siblings in order
        own = comment.pk in own_ids or (user_id is not None and comment.author_id == user_id)
        if comment.is_held:
            shown = "hidden"
        elif comment.status == Status.PUBLISHED or (own and comment.status == Status.PENDING):
            shown = "full"
        elif comment.status == Status.REMOVED:
            shown = "removed"
        else:
            shown = "hidden"
        node = Node(
            comment=comment,
            shown=shown,
            can_change=shown == "full" and can_change_comment(user, comment),
            is_own=own,
            on_old_revision=comment.revision_id is not None
            and comment.revision_id != current_revision_id,
        )
        by_id[comment.pk] = node
        parent = by_id.get(comment.parent_id)
        (parent.children if parent else roots).append(node)
    return _prune(roots)


def _prune(nodes: list[Node]) -> list[Node]:
    kept = []
    for node in nodes:
        node.children = _prune(node.children)
        if node.shown != "hidden" or node.children:
            kept.append(node)
    return kept


def _flatten(nodes: list[Node]):
    yield Event("open")
    for node in nodes:
        yield Event("item", node)
        if node.children:
            yield from _flatten(node.children)
        yield Event("end_item")
    yield Event("close")
