from django.urls import path, re_path

from comments import views
from comments.feeds import ArticleCommentsFeed

app_name = "comments"

urlpatterns = [
    path("wiki/<wikislug:slug>/comments/", views.post_comment, name="post"),
    path("wiki/<wikislug:slug>/comments/feed/", ArticleCommentsFeed(), name="feed"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/edit/", views.edit_comment, name="edit"),
    path("comments/<int:pk>/remove/", views.remove_comment, name="remove"),
    path("comments/<int:pk>/flag/", views.flag_comment, name="flag"),
    re_path(r"^avatars/(?P<key>[0-9a-f]{32})\.svg$", views.avatar, name="avatar"),
]
