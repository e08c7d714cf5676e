from django.urls import path

from moderation import block_views, blocklist_views, trust_views, views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.queue, name="queue"),
    path("moderation/log/", views.log, name="log"),
    path("moderation/bulk/", views.bulk, name="bulk"),
    path("moderation/<int:pk>/approve/", views.approve, name="approve"),
    path("moderation/<int:pk>/spam/", views.mark_spam, name="spam"),
    path("moderation/blocks/", block_views.blocks_page, name="blocks"),
    path("moderation/blocks/<int:pk>/unblock/", block_views.unblock, name="unblock"),
    path("moderation/blocklist/", blocklist_views.blocklist_page, name="blocklist"),
    path("moderation/blocklist/add/", blocklist_views.add_entry, name="blocklist_add"),
    path(
        "moderation/blocklist/<int:pk>/remove/",
        blocklist_views.remove_entry,
        name="blocklist_remove",
    ),
    path(
        "moderation/blocklist/add-site/",
        blocklist_views.add_site_from_queue,
        name="blocklist_add_site",
    ),
    path("moderation/<int:pk>/patrol/", views.patrol, name="patrol"),
    path("moderation/trust/<str:username>/", trust_views.set_trust, name="set_trust"),
]
