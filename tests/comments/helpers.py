from comments.services import CommentAuthor, post_comment


def signed_in(user, ip="198.51.100.4"):
    return CommentAuthor(user=user, ip=ip)


def anonymous(name="Robin", email="robin.secret@example.test", url="", ip="198.51.100.9"):
    return CommentAuthor(name=name, email=email, url=url, ip=ip)


def post(article, body="A comment.", author=None, parent=None, **kwargs):
    return post_comment(
        article=article,
        body=body,
        author=author or anonymous(),
        parent_id=parent.pk if parent is not None else None,
        **kwargs,
    )
