from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("wiki/<wikislug:slug>/watch/", views.toggle_watch, name="watch"),
    path("watchlist/", views.watchlist, name="watchlist"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/confirm/<str:token>/", views.confirm, name="confirm"),
]
