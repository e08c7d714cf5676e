from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from website import close_views, profile_views, spammer_views, views
from website.forms import AdminLoginForm
from website.listings import recent_changes, user_contributions
from wiki.sitemaps import ArticleSitemap
from wiki.views.articles import canonical_address

sitemaps = {"articles": ArticleSitemap}
# The admin's log-in page counts against the same lock-out as the site's.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("accounts/close/", close_views.close_account, name="account_close"),
    path("accounts/closed/", close_views.account_closed, name="account_closed"),
    path("accounts/profile/", profile_views.profile_edit, name="profile_edit"),
    path("accounts/", include("website.account_urls")),
    path("admin/", admin.site.urls),
    # Site-layer listings; they move to website/urls.py with the rest of the URL map.
    path("recent/", recent_changes, name="recent"),
    path("users/<str:username>/", user_contributions, name="contributions"),
    path(
        "users/<str:username>/remove-spammer/",
        spammer_views.remove_spammer_account,
        name="remove_spammer_account",
    ),
    path(
        "moderation/addresses/<str:ip>/",
        spammer_views.address_contributions,
        name="address_contributions",
    ),
    path(
        "moderation/addresses/<str:ip>/remove-spammer/",
        spammer_views.remove_spammer_address,
        name="remove_spammer_address",
    ),
    path("", include("wiki.urls")),
    path("", include("comments.urls")),
    path("", include("moderation.urls")),
    path("", include("notifications.urls")),
    # Last: any other spelling of a wiki address (Main_Page, Main%20Page) leads to its slug.
    re_path(r"^wiki/(?P<address>[^/]+)/(?P<rest>.*)$", canonical_address),
]
