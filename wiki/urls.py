from django.urls import path

from wiki import views
from wiki.feeds import ArticleRevisionsFeed, RecentChangesFeed

app_name = "wiki"

urlpatterns = [
    path("recent/", views.recent_changes, name="recent"),
    path("feeds/recent/", RecentChangesFeed(), name="recent_feed"),
    path("articles/", views.article_index, name="index"),
    path("wanted/", views.wanted_articles, name="wanted"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("users/<str:username>/", views.user_contributions, name="user"),
    path("wiki/<wikislug:slug>/", views.article_detail, name="article"),
    path("wiki/<wikislug:slug>/edit/", views.article_edit, name="edit"),
    path("wiki/<wikislug:slug>/history/", views.article_history, name="history"),
    path("wiki/<wikislug:slug>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path(
        "wiki/<wikislug:slug>/revisions/<int:number>/hide/",
        views.revision_hide,
        name="hide_revision",
    ),
    path("wiki/<wikislug:slug>/diff/", views.revision_compare, name="compare"),
    path("wiki/<wikislug:slug>/diff/<int:a>/<int:b>/", views.revision_diff, name="diff"),
    path("wiki/<wikislug:slug>/revert/<int:number>/", views.article_revert, name="revert"),
    path("wiki/<wikislug:slug>/archive/", views.article_archive, name="archive"),
    path("wiki/<wikislug:slug>/restore/", views.article_restore, name="restore"),
    path("wiki/<wikislug:slug>/lock/", views.article_lock, name="lock"),
    path("wiki/<wikislug:slug>/move/", views.article_move, name="move"),
    path("wiki/<wikislug:slug>/links/", views.article_links, name="links"),
    path("wiki/<wikislug:slug>/feed/", ArticleRevisionsFeed(), name="article_feed"),
]
