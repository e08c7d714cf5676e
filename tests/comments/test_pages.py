"""A discussion's pages hold whole threads, about COMMENTS_PER_PAGE comments each."""

import pytest

from comments.discussion import split_into_pages
from tests.comments.helpers import post, signed_in
from tests.wiki.helpers import make_article


def thread(lft, comments):
    return (lft, lft + 2 * comments - 1)


def test_threads_fill_a_page_up_to_the_size_and_never_split():
    threads = [thread(2, 3), thread(8, 4), thread(16, 1), thread(18, 10), thread(38, 2)]
    assert split_into_pages(threads, 8) == [(2, 17), (18, 37), (38, 41)]


def test_no_threads_no_pages():
    assert split_into_pages([], 100) == []


@pytest.mark.django_db
def test_a_long_discussion_is_read_page_by_page(client, user, moderator, settings):
    settings.COMMENTS_PER_PAGE = 4
    article = make_article(title="Busy", user=user)
    author = signed_in(moderator)
    for number in range(5):
        top = post(article, f"Thread {number} opens.", author=author)
        post(article, f"Thread {number} answers.", author=author, parent=top)

    first = client.get(article.get_absolute_url()).content.decode()
    third = client.get(article.get_absolute_url() + "?page=3").content.decode()

    assert "Thread 1 answers." in first and "Thread 2 opens." not in first
    assert "Page 1 of 3" in first
    assert 'href="?page=2#discussion"' in first  # the next page opens at the discussion
    assert 'href="?page=3#discussion">Last' in first
    assert 'href="?page=1#discussion">' in third and "Last" not in third
    assert "Thread 4 answers." in third and "Thread 3 opens." not in third
    assert "page 3 of 3" in third  # the heading says where the reader is
