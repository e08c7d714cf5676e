from django.urls import path

from moderation import trust_views, views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.queue, name="queue"),
    path("moderation/log/", views.log, name="log"),
    path("moderation/bulk/", views.bulk, name="bulk"),
    path("moderation/<int:pk>/approve/", views.approve, name="approve"),
    path("moderation/<int:pk>/spam/", views.mark_spam, name="spam"),
    path("moderation/trust/<str:username>/", trust_views.set_trust, name="set_trust"),
]
