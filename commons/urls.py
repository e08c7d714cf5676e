from django.contrib import admin
from django.urls import include, path, re_path

from commons import views
from wiki.views import canonical_address

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("wiki.urls")),
    path("", include("comments.urls")),
    path("", include("moderation.urls")),
    path("", include("notifications.urls")),
    # Last: any other spelling of a wiki address (Main_Page, Main%20Page) leads to its slug.
    re_path(r"^wiki/(?P<address>[^/]+)/(?P<rest>.*)$", canonical_address),
]
