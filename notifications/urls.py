from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("wiki/<wikislug:slug>/watch/", views.toggle_watch, name="watch"),
    path("watchlist/", views.watchlist, name="watchlist"),
    path("notifications/", views.notice_list, name="list"),
    path("notifications/<int:pk>/", views.open_notice, name="open"),
    path("notifications/read/", views.mark_read, name="mark_read"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/confirm/<str:token>/", views.confirm, name="confirm"),
]
