"""Reply with a quote: a comment's text as a Markdown blockquote headed by a link back to it.
The browser builds the same shape from a selection (static/commons/discussion.js)."""

from __future__ import annotations

import re

from comments.models import Comment

# The quoted text's length at most; longer text is cut on a line with an ellipsis.
QUOTE_MAX_LENGTH = 1000
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>#!|~])")


def quote_of(comment: Comment) -> str:
    """`comment`'s text quoted for a reply: "> [name wrote](/comments/<id>/):", its lines."""
    text = comment.body.replace("\r\n", "\n").strip()
    if len(text) > QUOTE_MAX_LENGTH:
        text = text[:QUOTE_MAX_LENGTH].rstrip() + " …"
    name = _MARKDOWN_SPECIAL.sub(r"\\\1", comment.author_name)
    lines = [f"> [{name} wrote]({comment.get_absolute_url()}):", ">"]
    lines += [f"> {line}".rstrip() for line in text.split("\n")]
    return "\n".join(lines) + "\n\n"


def quoted_comment(article, comment_id: str) -> Comment | None:
    """The published comment of `article` that a ?reply=<id>&quote=1 link names, if any."""
    if not (comment_id.isascii() and comment_id.isdigit() and len(comment_id) <= 18):
        return None
    return Comment.objects.published().filter(article=article, pk=int(comment_id)).first()
