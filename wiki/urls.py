from django.urls import path

from wiki.feeds import ArticleRevisionsFeed, RecentChangesFeed
from wiki.views import actions, articles, editing, history, listings

app_name = "wiki"

urlpatterns = [
    path("feeds/recent/", RecentChangesFeed(), name="recent_feed"),
    path("articles/", listings.article_index, name="index"),
    path("wanted/", listings.wanted_articles, name="wanted"),
    path("search/", listings.search, name="search"),
    path("search/suggest/", listings.suggest, name="suggest"),
    path("wiki/<wikislug:slug>/", articles.article_detail, name="article"),
    path("wiki/<wikislug:slug>/edit/", editing.article_edit, name="edit"),
    path("wiki/<wikislug:slug>/history/", history.article_history, name="history"),
    path("wiki/<wikislug:slug>/revisions/<int:number>/", history.revision_detail, name="revision"),
    path(
        "wiki/<wikislug:slug>/revisions/<int:number>/hide/",
        actions.revision_hide,
        name="hide_revision",
    ),
    path("wiki/<wikislug:slug>/diff/", history.revision_compare, name="compare"),
    path("wiki/<wikislug:slug>/diff/<int:a>/<int:b>/", history.revision_diff, name="diff"),
    path("wiki/<wikislug:slug>/revert/<int:number>/", history.article_revert, name="revert"),
    path("wiki/<wikislug:slug>/undo/<int:number>/", editing.article_undo, name="undo"),
    path("wiki/<wikislug:slug>/rollback/", history.article_rollback, name="rollback"),
    path("wiki/<wikislug:slug>/archive/", actions.article_archive, name="archive"),
    path("wiki/<wikislug:slug>/restore/", actions.article_restore, name="restore"),
    path("wiki/<wikislug:slug>/lock/", actions.article_lock, name="lock"),
    path("wiki/<wikislug:slug>/move/", actions.article_move, name="move"),
    path("wiki/<wikislug:slug>/links/", listings.article_links, name="links"),
    path("wiki/<wikislug:slug>/feed/", ArticleRevisionsFeed(), name="article_feed"),
]
