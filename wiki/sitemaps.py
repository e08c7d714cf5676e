"""The articles' part of /sitemap.xml: every live article whose current text someone or
the spam check has accepted, with when its text last changed."""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from wiki.models import Article


class ArticleSitemap(Sitemap):
    # Pages of the sitemap: each costs one query however many articles there are.
    limit = 5000

    def items(self):
        """Live, accepted articles, oldest first, so a page's contents stay put as articles
        are added. An edit awaiting review is not offered to crawlers (spammers edit wikis
        for search rank); its page says noindex too."""
        return (
            Article.objects.live()
            .with_review_state()
            .filter(awaiting_review=False)
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, article: Article) -> datetime:
        return article.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # Django's default walks every item; one aggregate is enough.
        return Article.objects.live().aggregate(latest=Max("updated_at"))["latest"]
