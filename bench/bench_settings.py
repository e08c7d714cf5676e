"""The site's own settings, plus the floor view's URL: what gunicorn serves in the bench."""

from commons.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
