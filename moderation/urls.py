from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.queue, name="queue"),
    path("moderation/log/", views.log, name="log"),
    path("moderation/bulk/", views.bulk, name="bulk"),
    path("moderation/<int:pk>/approve/", views.approve, name="approve"),
    path("moderation/<int:pk>/spam/", views.mark_spam, name="spam"),
    path("moderation/<int:pk>/patrol/", views.patrol, name="patrol"),
]
