"""Celery tasks: thin, by slug, idempotent. They call wiki.services."""

from celery import shared_task


@shared_task(acks_late=True)
def refresh_links_to(slugs: list[str]) -> int:
    """Re-render the live articles that link to `slugs`, whose addresses started or stopped
    leading to a live article (red links turn blue, blue ones red)."""
    from wiki import services

    return services.refresh_links_to(slugs=set(slugs))
